// `shoal wait --for=…`: what to wait for, and whether an object satisfies it, as kubectl wait decides
// (k8s.io/kubectl/pkg/cmd/wait): condition types and values compare case-insensitively, and a condition
// counts only once the controller has observed the object's current generation.
import type { KubeObject } from '../../shared/model/meta.ts';
import { CliError, EXIT } from './exitCodes.ts';

export type WaitFor = { type: 'delete' } | { type: 'condition'; condition: string; value: string };

export function parseWaitFor(text: string | undefined): WaitFor {
  if (text === undefined || text === '') {
    throw new CliError(
      'error: --for must be given: --for=delete or --for=condition=NAME[=VALUE]',
      EXIT.usage,
    );
  }
  if (text.toLowerCase() === 'delete') return { type: 'delete' };
  const prefix = 'condition=';
  if (text.toLowerCase().startsWith(prefix) && text.length > prefix.length) {
    const rest = text.slice(prefix.length);
    const eq = rest.indexOf('=');
    if (eq === -1) return { type: 'condition', condition: rest, value: 'true' };
    if (eq > 0 && eq < rest.length - 1) {
      return { type: 'condition', condition: rest.slice(0, eq), value: rest.slice(eq + 1) };
    }
  }
  throw new CliError(`error: unrecognized condition: "${text}"`, EXIT.usage);
}

interface Condition {
  type?: unknown;
  status?: unknown;
  observedGeneration?: unknown;
}

/** Whether `obj` has the condition with the value (kubectl's ConditionalWait.checkCondition). */
export function conditionMet(obj: KubeObject, condition: string, value: string): boolean {
  const status = (obj.status ?? {}) as { conditions?: unknown; observedGeneration?: unknown };
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
  const lower = condition.toLowerCase();
  const found = conditions.find((c) => typeof c.type === 'string' && c.type.toLowerCase() === lower);
  if (!found || typeof found.status !== 'string') return false;
  const generation = obj.metadata.generation;
  const observed =
    typeof found.observedGeneration === 'number' ? found.observedGeneration : status.observedGeneration;
  if (generation !== undefined && typeof observed === 'number' && observed < generation) return false;
  return found.status.toLowerCase() === value.toLowerCase();
}
