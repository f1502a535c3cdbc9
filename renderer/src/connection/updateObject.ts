// Read, edit, write back, as the CLI changes one field (agent/cli/updateObject.ts): the PUT carries the
// resourceVersion read, so a controller's concurrent write is never lost; on a Conflict the edit is redone
// on the fresh object.
import { resourcePath } from '../../../shared/api/paths.ts';
import type { Kind } from '../../../shared/model/kinds.ts';
import { apiCall, getObject } from './apiCall.ts';
import { ClusterError, type KubeObject, type Transport } from './ClusterConnection.ts';

const MAX_ATTEMPTS = 5;

/**
 * `edit` changes the copy it is given and returns whether there is anything to write; it may throw a
 * ClusterError to refuse. It runs again on the fresh object after a Conflict, so it decides from what it gets.
 */
export async function updateObject<T extends KubeObject>(
  transport: Transport,
  kind: Kind,
  namespace: string | undefined,
  name: string,
  edit: (obj: T) => boolean | Promise<boolean>,
): Promise<{ object: T; changed: boolean }> {
  const path = resourcePath(kind, namespace, name);
  for (let attempt = 1; ; attempt++) {
    const current = (await getObject(transport, path, kind)) as unknown as T;
    const copy = structuredClone(current);
    if (!(await edit(copy))) return { object: current, changed: false };
    try {
      return { object: (await apiCall(transport, { method: 'PUT', path, body: copy })) as T, changed: true };
    } catch (err) {
      if (err instanceof ClusterError && err.reason === 'Conflict' && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}
