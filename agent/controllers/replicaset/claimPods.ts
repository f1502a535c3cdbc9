// Which pods a ReplicaSet owns, as Kubernetes' PodControllerRefManager.ClaimPods decides: pods it controls
// and that its selector still matches are its own; pods it controls that no longer match are released
// (their labels were edited to take them out of service); orphans that match are adopted. A pod controlled
// by anything else is never touched.

import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';
import { controllerRef, newControllerRef } from '../ownerRefs.ts';
import { selectsPod } from './replicaSetSelector.ts';

export interface ClaimResult {
  /** Pods the ReplicaSet owns after this reconcile: controlled and matching, plus the ones it adopts. */
  owned: Pod[];
  /** Orphans to adopt: the pod with the controller reference added (an update conditional on its version). */
  adopt: Pod[];
  /** Controlled pods that no longer match: the pod with the reference removed. */
  release: Pod[];
}

/** `pods` are the active pods of the ReplicaSet's namespace. */
export function claimPods(rs: ReplicaSet, pods: readonly Pod[]): ClaimResult {
  const result: ClaimResult = { owned: [], adopt: [], release: [] };
  const uid = rs.metadata.uid;
  if (uid === undefined) return result;
  for (const pod of pods) {
    const ref = controllerRef(pod);
    const matches = selectsPod(rs, pod);
    if (ref !== undefined) {
      if (ref.uid !== uid) continue;
      if (matches) result.owned.push(pod);
      else result.release.push(withoutOwner(pod, uid));
    } else if (matches && pod.metadata.deletionTimestamp === undefined) {
      const adopted = withControllerRef(pod, rs);
      result.adopt.push(adopted);
      result.owned.push(adopted);
    }
  }
  return result;
}

/** The pod with `rs` as its controller; a reference to `rs` that was not a controller one is replaced. */
function withControllerRef(pod: Pod, rs: ReplicaSet): Pod {
  const copy = structuredClone(pod) as Pod;
  const others = (copy.metadata.ownerReferences ?? []).filter((o) => o.uid !== rs.metadata.uid);
  copy.metadata.ownerReferences = [...others, newControllerRef(rs)];
  return copy;
}

function withoutOwner(pod: Pod, uid: string): Pod {
  const copy = structuredClone(pod) as Pod;
  const rest = (copy.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
  if (rest.length > 0) copy.metadata.ownerReferences = rest;
  else delete copy.metadata.ownerReferences;
  return copy;
}
