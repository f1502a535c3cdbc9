// How objects are printed: `-o json|yaml|name`, and kubectl's `kind.group/name verb` lines.
import { stringify } from 'yaml';
import { KIND_INFO, type Kind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { CliError, EXIT } from './exitCodes.ts';

export const OUTPUT_FORMATS = ['json', 'yaml', 'name', 'wide'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(
  value: string | undefined,
  allowed: readonly OutputFormat[],
): OutputFormat | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(
      `error: unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed.join(',')}`,
      EXIT.usage,
    );
  }
  return value as OutputFormat;
}

/** `deployment.apps/web`, as kubectl names an object. */
export function resourceName(kind: Kind, name: string): string {
  const info = KIND_INFO[kind];
  const group = info.apiVersion.includes('/') ? `.${info.apiVersion.split('/')[0]}` : '';
  return `${kind.toLowerCase()}${group}/${name}`;
}

/** A value as kubectl prints `-o json` (four-space indent) or `-o yaml`. */
export function formatValue(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 4)}\n` : stringify(value, { lineWidth: 0 });
}

/** Objects as a Kubernetes `List`, as `kubectl get -o json` prints a collection (even of one or none). */
export function formatList(objects: readonly KubeObject[], format: 'json' | 'yaml'): string {
  return formatValue(
    { apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } },
    format,
  );
}

/** One object as itself, several as a Kubernetes `List`, as kubectl apply and create print them. */
export function formatObjects(objects: readonly KubeObject[], format: 'json' | 'yaml'): string {
  const [only] = objects;
  return objects.length === 1 && only ? formatValue(only, format) : formatList(objects, format);
}
