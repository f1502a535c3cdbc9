// Keeps this agent's Node object true: created on first start, its labels, addresses, capacity and versions
// rewritten when they differ. Conditions belong to the leader and are carried over untouched; if a write
// races with the leader's, the next check (or the leader's next pass) puts the loser's part back.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Node } from '../../shared/model/types.ts';
import { AlreadyExistsError, type ClusterStore } from '../../shared/store/ClusterStore.ts';
import { VOTER_ANNOTATION } from './members.ts';

export async function registerNode(
  store: ClusterStore,
  desired: Node,
  opts: { voter?: boolean } = {},
): Promise<Node> {
  const name = desired.metadata.name;
  const existing = store.get('Node', undefined, name) as Node | undefined;
  if (!existing) {
    const annotations = { ...desired.metadata.annotations };
    if (opts.voter) annotations[VOTER_ANNOTATION] = 'true';
    try {
      const created = await store.create({
        ...desired,
        metadata: { ...desired.metadata, annotations },
      } as KubeObject);
      return created as Node;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      return registerNode(store, desired, opts); // another write of ours won the race: update instead
    }
  }
  let current = existing;
  const labels = { ...existing.metadata.labels, ...desired.metadata.labels };
  const annotations = { ...existing.metadata.annotations, ...desired.metadata.annotations };
  if (
    !isDeepStrictEqual(labels, existing.metadata.labels) ||
    !isDeepStrictEqual(annotations, existing.metadata.annotations)
  ) {
    current = (await store.updateSpec({
      ...structuredClone(existing),
      metadata: { ...structuredClone(existing.metadata), labels, annotations },
    } as KubeObject)) as Node;
  }
  const status = { ...desired.status, conditions: existing.status?.conditions };
  if (!status.conditions) delete status.conditions;
  if (!isDeepStrictEqual(status, existing.status)) {
    current = (await store.updateStatus('Node', undefined, name, status)) as Node;
  }
  return current;
}
