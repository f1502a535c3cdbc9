// Keeps this agent's Node object true: created on first start, its labels, addresses, capacity, images and
// versions rewritten when they differ. Conditions have two writers: the condition types `desired` carries
// (the agent's MemoryPressure and DiskPressure) replace those of the stored Node, keeping their times while
// their status holds; every other type (the leader's Ready) is carried over untouched. So the document is
// written only on a real change. The status is one last-writer-wins value: if a write races with the
// leader's, the next check (or the leader's next pass) puts the loser's part back.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Node } from '../../shared/model/types.ts';
import { AlreadyExistsError, type ClusterStore } from '../../shared/store/ClusterStore.ts';
import { mergeOwnConditions } from '../node/nodeConditions.ts';
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
  const conditions = mergeOwnConditions(existing.status?.conditions, desired.status?.conditions ?? []);
  const status: NonNullable<Node['status']> = { ...desired.status };
  if (conditions.length > 0 || existing.status?.conditions) status.conditions = conditions;
  else delete status.conditions;
  if (!isDeepStrictEqual(status, existing.status)) {
    current = (await store.updateStatus('Node', undefined, name, status)) as Node;
  }
  return current;
}
