// A ReplicaSet's status from the pods it owns (Kubernetes' calculateStatus), and when the next pod becomes
// available so the count can be brought up to date without waiting for the periodic resync.

import { matchesEquality } from '../../../shared/model/selector.ts';
import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';
import { isPodAvailable, isPodReady, podReadySince } from '../podUtil.ts';

export type ReplicaSetStatus = NonNullable<ReplicaSet['status']>;

/** `owned`: the active pods the ReplicaSet owns (claimed). Conditions are kept as they are. */
export function calculateStatus(rs: ReplicaSet, owned: readonly Pod[], now: Date): ReplicaSetStatus {
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of owned) {
    // Fully labelled: carries every label of the template, not only the selected ones.
    if (matchesEquality(templateLabels, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  const status: ReplicaSetStatus = {
    replicas: owned.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  const generation = rs.metadata.generation;
  if (generation !== undefined) status.observedGeneration = generation;
  const conditions = rs.status?.conditions;
  if (conditions !== undefined) status.conditions = structuredClone(conditions);
  return status;
}

/** Whether writing `next` would change what is stored (counts left out are 0, as Kubernetes omits zeros). */
export function statusDiffers(current: ReplicaSet['status'], next: ReplicaSetStatus): boolean {
  const c = current ?? { replicas: 0 };
  return (
    c.replicas !== next.replicas ||
    (c.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (c.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (c.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (c.observedGeneration ?? 0) !== (next.observedGeneration ?? 0)
  );
}

/**
 * Milliseconds until the first Ready pod that is not yet available (minReadySeconds) becomes available, or
 * undefined when none is waiting.
 */
export function msUntilNextAvailable(rs: ReplicaSet, owned: readonly Pod[], now: Date): number | undefined {
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  if (minReadySeconds <= 0) return undefined;
  let soonest: number | undefined;
  for (const pod of owned) {
    const since = podReadySince(pod);
    if (since === undefined || isPodAvailable(pod, minReadySeconds, now)) continue;
    const wait = since.getTime() + minReadySeconds * 1000 - now.getTime();
    soonest = soonest === undefined ? wait : Math.min(soonest, wait);
  }
  return soonest === undefined ? undefined : Math.max(0, soonest);
}
