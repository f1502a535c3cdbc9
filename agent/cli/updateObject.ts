// Read, edit, write back: how the CLI changes one field of an object (scale, set image, rollout pause…).
// The write is conditional on the resourceVersion read, so a controller's concurrent write is never lost;
// on a Conflict the edit is redone on the fresh object, which is what kubectl's server-side patches amount to.
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { type ApiClient, ApiError } from './apiClient.ts';

const MAX_ATTEMPTS = 5;

export interface UpdateResult<T> {
  /** The object as written, or as read when there was nothing to write. */
  object: T;
  changed: boolean;
}

/**
 * `edit` changes the copy it is given and returns whether there is anything to write; it may throw a
 * CliError to refuse (e.g. a precondition that does not hold). It runs again on the fresh object after a
 * Conflict, so it must decide from the object it is given.
 */
export async function updateObject<T extends KubeObject>(
  client: ApiClient,
  kind: Kind,
  namespace: string | undefined,
  name: string,
  edit: (obj: T) => boolean | Promise<boolean>,
): Promise<UpdateResult<T>> {
  for (let attempt = 1; ; attempt++) {
    const current = (await client.get(kind, namespace, name)) as T;
    const copy = structuredClone(current);
    if (!(await edit(copy))) return { object: current, changed: false };
    try {
      return { object: (await client.replace(copy)) as T, changed: true };
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'Conflict' && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}
