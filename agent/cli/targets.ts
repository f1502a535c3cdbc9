// The objects a workload verb (scale, rollout, set image, wait) acts on: `KIND/NAME…` or `KIND NAME…`, each of
// a kind the verb supports. Names are required: these verbs never act on a whole collection by accident.
import { KIND_INFO, type Kind } from '../../shared/model/kinds.ts';
import { CliError, EXIT } from './exitCodes.ts';
import { parseResourceArgs, type ResourceRef, refsOf } from './resourceArgs.ts';

export function parseTargets(
  resources: readonly string[],
  supported: readonly Kind[],
  unsupported: (kind: Kind) => string,
): ResourceRef[] {
  const refs = refsOf(parseResourceArgs(resources));
  if (refs.length === 0) {
    throw new CliError('error: resource(s) were provided, but no name was specified', EXIT.usage);
  }
  for (const ref of refs) if (!supported.includes(ref.kind)) throw new CliError(unsupported(ref.kind));
  return refs;
}

/** `Pod`, `Deployment.apps`, `Job.batch`: a kind as kubectl's GroupKind prints it in "not implemented" errors. */
export function groupKind(kind: Kind): string {
  const apiVersion = KIND_INFO[kind].apiVersion;
  return apiVersion.includes('/') ? `${kind}.${apiVersion.split('/')[0]}` : kind;
}
