// revisionHistoryLimit (cleanupDeployment in sync.go): old replica sets are kept for rollbacks, the newest
// `limit` of them; older ones are deleted once they are scaled to zero and have no pods left.

import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';
import { controllerRef } from '../ownerRefs.ts';
import type { RolloutPlan } from './RolloutPlan.ts';
import { byCreation, specReplicas } from './replicaSetCounts.ts';
import { revisionOf } from './revisionAnnotations.ts';

/** Kubernetes' "keep every revision" value. */
const MAX_INT32 = 2_147_483_647;

export function cleanupOldReplicaSets(
  plan: RolloutPlan,
  oldRSs: readonly ReplicaSet[],
  pods: () => readonly Pod[],
): void {
  const limit = plan.deployment.spec.revisionHistoryLimit;
  if (limit === undefined || limit === MAX_INT32) return;
  const cleanable = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
  const excess = cleanable.length - limit;
  if (excess <= 0) return;
  // ReplicaSetsByRevision: lowest revision first, then oldest.
  const ordered = [...cleanable].sort(
    (a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || byCreation(a, b),
  );
  const withPods = new Set<string>();
  for (const pod of pods()) {
    const ref = controllerRef(pod);
    if (ref?.kind === 'ReplicaSet') withPods.add(ref.uid);
  }
  for (const rs of ordered.slice(0, excess)) {
    const idle =
      specReplicas(rs) === 0 &&
      (rs.status?.replicas ?? 0) === 0 &&
      (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0) &&
      !withPods.has(rs.metadata.uid ?? '');
    // One this plan edits (adopted, scaled) waits for the next pass: one write per object per reconcile.
    if (idle && !plan.isTouched(rs)) plan.delete(rs);
  }
}
