// A DaemonSet's rolling update (Kubernetes' rollingUpdate). Without surge: old pods are deleted while no
// more than maxUnavailable daemon pods are unavailable; the manage step then creates the new pod on each
// emptied node once the old one is gone. Unavailable old pods are replaced at once, since deleting them
// costs no availability. With surge: see surgeUpdate.ts.

import type { DaemonSet, Pod } from '../../../shared/model/types.ts';
import { isPodAvailable } from '../podUtil.ts';
import { isPodUpdated } from './daemonPods.ts';

type IntOrPercent = number | string;

/** Kubernetes' GetScaledValueFromIntOrPercent: `25%` of `total`, rounded up or down; an int as it is. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(percent)) return 0;
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function maxSurgeOf(ds: DaemonSet, desired: number): number {
  return scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0, desired, true);
}

/** Kubernetes' AllowsSurge: any surge at all (scaled over one node, so any percentage counts). */
export function allowsSurge(ds: DaemonSet): boolean {
  return (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && maxSurgeOf(ds, 1) > 0;
}

/**
 * maxUnavailable for `desired` nodes. With neither surge nor unavailability allowed (a stored object
 * admission would refuse), Kubernetes falls back to one unavailable pod.
 */
export function maxUnavailableOf(ds: DaemonSet, desired: number): number {
  const value = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
  return desired > 0 && value === 0 && maxSurgeOf(ds, desired) === 0 ? 1 : value;
}

/** The one new and one old live pod of a node, or undefined when there are more (manage cleans that up). */
export function updatedAndOld(
  pods: readonly Pod[],
  hash: string,
): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    if (isPodUpdated(pod, hash)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}) };
}

/** Without surge: the old pods to delete now. `podsByNode`: the pods on each node, in node name order. */
export function planUnavailableUpdate(
  ds: DaemonSet,
  podsByNode: ReadonlyMap<string, readonly Pod[]>,
  desired: number,
  hash: string,
  now: Date,
): Pod[] {
  const maxUnavailable = maxUnavailableOf(ds, desired);
  const minReady = ds.spec.minReadySeconds ?? 0;
  let unavailable = 0;
  const replaceNow: Pod[] = [];
  const candidates: Pod[] = [];
  for (const pods of podsByNode.values()) {
    const found = updatedAndOld(pods, hash);
    if (!found || (found.newPod === undefined) === (found.oldPod === undefined)) {
      // Too many pods, none, or an old and a new one: the manage step acts there; count it as unavailable.
      unavailable++;
      continue;
    }
    if (found.newPod) {
      if (!isPodAvailable(found.newPod, minReady, now)) unavailable++;
      continue;
    }
    const old = found.oldPod!;
    if (!isPodAvailable(old, minReady, now)) replaceNow.push(old);
    else if (unavailable < maxUnavailable) candidates.push(old);
  }
  const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
  return [...replaceNow, ...candidates.slice(0, room)];
}
