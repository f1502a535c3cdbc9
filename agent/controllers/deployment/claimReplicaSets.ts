// Which replica sets a deployment manages (ClaimReplicaSets in Kubernetes' ControllerRefManager): the ones it
// controls whose labels still match its selector. It adopts an orphan that matches, and releases one it
// controls that no longer does, so `kubectl delete --cascade=orphan` followed by a re-apply picks its
// replica sets up again.

import { matchesLabelSelector } from '../../../shared/model/selector.ts';
import type { ReplicaSet } from '../../../shared/model/types.ts';
import { controllerRef, newControllerRef } from '../ownerRefs.ts';
import type { RolloutPlan } from './RolloutPlan.ts';

/** The working copies of the replica sets the deployment manages, adoptions and releases planned. */
export function claimReplicaSets(plan: RolloutPlan, inNamespace: readonly ReplicaSet[]): ReplicaSet[] {
  const d = plan.deployment;
  const deleting = d.metadata.deletionTimestamp !== undefined;
  const claimed: ReplicaSet[] = [];
  for (const rs of inNamespace) {
    const ref = controllerRef(rs);
    const matches = matchesLabelSelector(d.spec.selector, rs.metadata.labels);
    if (ref) {
      if (ref.uid !== d.metadata.uid) continue;
      if (matches) claimed.push(plan.track(rs));
      // A deployment being deleted lets the garbage collector have its replica sets, and releases nothing.
      else if (!deleting) release(plan.track(rs), d.metadata.uid);
      continue;
    }
    if (!matches || deleting || rs.metadata.deletionTimestamp !== undefined) continue;
    const copy = plan.track(rs);
    copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), newControllerRef(d)];
    claimed.push(copy);
  }
  return claimed;
}

function release(rs: ReplicaSet, uid: string | undefined): void {
  const refs = (rs.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
  if (refs.length > 0) rs.metadata.ownerReferences = refs;
  else delete rs.metadata.ownerReferences;
}
