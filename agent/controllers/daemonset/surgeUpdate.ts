// A DaemonSet's rolling update with surge (Kubernetes' rollingUpdate when maxSurge > 0): the new pod starts
// beside the old one, and the old one goes once the new one is available, so a node is never without an
// available daemon pod. At most maxSurge nodes run two pods at a time; a node whose old pod is not
// available gets its new pod at once. Old pods on nodes that no longer want one are deleted only while
// enough pods are available elsewhere.

import type { DaemonSet, Pod } from '../../../shared/model/types.ts';
import { isPodAvailable, isPodReady } from '../podUtil.ts';
import { compareOldestFirst, isPodUpdated } from './daemonPods.ts';
import type { DaemonPlacement } from './nodeEligibility.ts';
import { maxSurgeOf, updatedAndOld } from './rollingUpdate.ts';

export interface SurgePlan {
  deletions: Pod[];
  /** Nodes that get a new pod beside their old one. */
  createOn: string[];
}

export function planSurgeUpdate(
  ds: DaemonSet,
  podsByNode: ReadonlyMap<string, readonly Pod[]>,
  placements: ReadonlyMap<string, DaemonPlacement>,
  desired: number,
  hash: string,
  now: Date,
): SurgePlan {
  const maxSurge = maxSurgeOf(ds, desired);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const deletions: Pod[] = [];
  const shouldNotRun: Pod[] = [];
  const replaceNow: string[] = [];
  const candidates: string[] = [];
  let surging = 0;
  let numberAvailable = 0;
  for (const [nodeName, pods] of podsByNode) {
    const found = updatedAndOld(pods, hash);
    if (!found) {
      // Too many pods: the manage step cleans up; count it as surging.
      surging++;
      continue;
    }
    const { newPod, oldPod } = found;
    const current = oldPod ?? newPod;
    if (current && available(current)) numberAvailable++;
    if (!oldPod) continue;
    const shouldRun = placements.get(nodeName)?.shouldRun === true;
    if (!newPod) {
      if (!available(oldPod)) {
        if (shouldRun) replaceNow.push(nodeName);
        else deletions.push(oldPod);
      } else if (!shouldRun) {
        shouldNotRun.push(oldPod);
      } else if (surging < maxSurge) {
        candidates.push(nodeName);
      }
    } else if (!available(newPod)) {
      surging++;
    } else {
      deletions.push(oldPod);
    }
  }
  // Pods on nodes that no longer want them go only while the others keep enough available.
  const deletable = Math.min(Math.max(0, numberAvailable - desired), shouldNotRun.length);
  deletions.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(0, maxSurge - surging), candidates.length);
  return { deletions, createOn: [...replaceNow, ...candidates.slice(0, room)] };
}

/**
 * What the manage step keeps on a node while surging (Kubernetes' podsShouldBeOnNode with surge): the
 * oldest new pod and the oldest old pod; the old one goes when it is not ready or the new one is
 * available. Returns the pods to delete.
 */
export function surplusWhileSurging(
  running: readonly Pod[],
  hash: string,
  minReady: number,
  now: Date,
): Pod[] {
  const surplus: Pod[] = [];
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of [...running].sort(compareOldestFirst)) {
    if (isPodUpdated(pod, hash) && !oldestNew) oldestNew = pod;
    else if (!isPodUpdated(pod, hash) && !oldestOld) oldestOld = pod;
    else surplus.push(pod);
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) {
    surplus.push(oldestOld);
  }
  return surplus;
}
