// How far a rolling update may go above and below the desired count (deployment_util.go: ResolveFenceposts,
// MaxSurge, MaxUnavailable, NewRSNewReplicas).

import type { Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import { specReplicas, sumSpecReplicas } from './replicaSetCounts.ts';

/** `spec.replicas`, which the API defaults to 1. */
export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * intstr.GetValueFromIntOrPercent: an integer as it is, `N%` as a share of `total`, rounded up (surge) or
 * down (unavailability). Validation has checked the form; anything else counts as 0.
 */
export function valueFromIntOrPercent(
  v: number | string | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : 0;
  const m = /^([0-9]+)%$/.exec(v);
  if (!m) return 0;
  const scaled = Number(m[1]) * total;
  return roundUp ? Math.ceil(scaled / 100) : Math.floor(scaled / 100);
}

/**
 * Both bounds, resolved together: when rounding leaves both at 0 (1% of 10 replicas), maxUnavailable becomes
 * 1, or the rollout could never move (Kubernetes' theory: surge might be blocked by quota).
 */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  const replicas = desiredReplicas(d);
  const maxSurge = valueFromIntOrPercent(ru?.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = valueFromIntOrPercent(ru?.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** Pods the rollout may run above `replicas`; 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).maxSurge : 0;
}

/** Pods the rollout may leave unavailable, never more than `replicas`; 0 for Recreate. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, replicas);
}

/** The size the new replica set should have now (NewRSNewReplicas). */
export function newReplicaSetReplicas(
  d: Deployment,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const current = specReplicas(newRS);
  const maxTotal = replicas + maxSurge(d);
  const total = sumSpecReplicas(allRSs);
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, replicas - current));
}
