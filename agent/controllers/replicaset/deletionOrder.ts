// Which surplus pods a ReplicaSet deletes first: Kubernetes' getPodsToDelete and ActivePodsWithRanks
// (pkg/controller/replicaset and controller_utils), with LogarithmicScaleDown as it is on by default. The
// order keeps the pods that serve longest and best: a pod nobody has placed, or that is not up yet, costs
// nothing to lose; a pod doubled up on a node with its siblings is a weaker spread than a lonely one.

import type { Pod } from '../../../shared/model/types.ts';
import { isPodActive, isPodReady, podReadySince } from '../podUtil.ts';

/** The annotation by which users say which pods are cheaper to lose (Kubernetes' PodDeletionCost). */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

// podPhaseToOrdinal: any other phase (or none) counts as Pending, as a missing map key gives 0 in Go.
const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The `count` pods of `pods` to delete first. `relatedPods` are the pods of every ReplicaSet that shares this
 * one's controller (the ReplicaSets of one Deployment), or its own pods: they decide which pods are doubled
 * up on a node.
 */
export function podsToDelete(
  pods: readonly Pod[],
  relatedPods: readonly Pod[],
  count: number,
  now: Date,
): Pod[] {
  if (count <= 0) return [];
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, count).map((r) => r.pod);
}

export interface RankedPod {
  pod: Pod;
  /** Active related pods on the same node (this pod included). */
  rank: number;
}

/** Negative when `a` goes before `b` (ActivePodsWithRanks.Less). */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: Date): number {
  const pa = a.pod;
  const pb = b.pod;
  // 1. Unassigned before assigned.
  const na = pa.spec.nodeName ?? '';
  const nb = pb.spec.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  // 2. Pending before Unknown before Running.
  const phase = phaseOrdinal(pa) - phaseOrdinal(pb);
  if (phase !== 0) return phase;
  // 3. Not ready before ready.
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  // 4. Lower deletion cost first.
  const cost = deletionCost(pa) - deletionCost(pb);
  if (cost !== 0) return cost;
  // 5. Doubled up before alone.
  if (a.rank !== b.rank) return b.rank - a.rank;
  // 6. Ready for a shorter time first.
  if (ra && rb) {
    const byReady = compareTimes(readyTime(pa), readyTime(pb), pa, pb, now);
    if (byReady !== 0) return byReady;
  }
  // 7. More restarts first.
  const restarts = maxRestarts(pb) - maxRestarts(pa);
  if (restarts !== 0) return restarts;
  // 8. Newer first.
  return compareTimes(creationTime(pa), creationTime(pb), pa, pb, now);
}

function phaseOrdinal(pod: Pod): number {
  const phase = pod.status?.phase;
  return phase !== undefined && Object.hasOwn(PHASE_ORDINAL, phase) ? (PHASE_ORDINAL[phase] ?? 0) : 0;
}

/** The annotation as an int32; anything else (absent, not a number, out of range) costs 0, as in Kubernetes. */
export function deletionCost(pod: Pod): number {
  const text = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (text === undefined || !/^[+-]?[0-9]+$/.test(text)) return 0;
  const n = Number(text);
  return n >= INT32_MIN && n <= INT32_MAX ? n : 0;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount);
  return max;
}

/** Milliseconds since the epoch; 0 stands for Go's zero time (unset). */
function readyTime(pod: Pod): number {
  return podReadySince(pod)?.getTime() ?? 0;
}

function creationTime(pod: Pod): number {
  const t = Date.parse(pod.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Later (more recent) first, an unset time before any. Times in the same power-of-two bucket of age are
 * equal, and then the uid decides: Kubernetes does this so a scale-down does not always strike the very
 * newest pods of a fleet created in waves, but a random one of the newest bucket.
 */
function compareTimes(ta: number, tb: number, pa: Pod, pb: Pod, now: Date): number {
  if (ta === tb) return 0;
  if (ta === 0 || tb === 0) return ta === 0 ? -1 : 1;
  const diff = ageBucket(ta, now) - ageBucket(tb, now);
  if (diff !== 0) return diff;
  const ua = pa.metadata.uid ?? '';
  const ub = pb.metadata.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** floor(log2(age in nanoseconds)), -1 for a time not in the past (logarithmicRankDiff). */
function ageBucket(t: number, now: Date): number {
  const ageNs = (now.getTime() - t) * 1e6;
  return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
}
