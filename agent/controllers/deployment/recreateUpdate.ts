// The Recreate strategy (recreate.go): every old replica set to zero, then nothing until no old pod runs any
// more (terminating ones included: two versions must never run together), then the new one to full size.

import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';
import { controllerRef } from '../ownerRefs.ts';
import type { RolloutPlan } from './RolloutPlan.ts';
import { activeReplicaSets, sumStatusReplicas } from './replicaSetCounts.ts';
import { desiredReplicas } from './rolloutBounds.ts';

export function scaleDownOldForRecreate(plan: RolloutPlan, oldRSs: readonly ReplicaSet[]): boolean {
  let scaled = false;
  for (const rs of activeReplicaSets(oldRSs)) scaled = plan.scale(rs, 0) || scaled;
  return scaled;
}

/**
 * oldPodsRunning: an old replica set still reports pods, or one of the deployment's pods outside the new
 * replica set has not finished. A pod being deleted still runs until its kubelet has stopped it.
 */
export function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  pods: readonly Pod[],
): boolean {
  if (sumStatusReplicas(oldRSs) > 0) return true;
  const newUid = newRS?.metadata.uid;
  return pods.some((pod) => {
    if (newUid !== undefined && controllerRef(pod)?.uid === newUid) return false;
    const phase = pod.status?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
}

export function scaleUpNewForRecreate(plan: RolloutPlan, newRS: ReplicaSet): boolean {
  return plan.scale(newRS, desiredReplicas(plan.deployment));
}
