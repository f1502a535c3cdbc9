// Counting over a deployment's replica sets (deployment_util.go and controller_utils.go helpers), and the
// orders Kubernetes scales them in.

import type { ReplicaSet } from '../../../shared/model/types.ts';

export function specReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

export function sumSpecReplicas(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}

/** Pods that exist (status.replicas): what `kubectl get deploy` calls current. */
export function sumStatusReplicas(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
}

export function sumReadyReplicas(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
}

/** Available pods as the replica set reports them: what the deployment's status shows. */
export function sumReportedAvailable(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
}

/**
 * Available pods a rollout may count on: the reported ones, but never more than the spec. Right after a
 * scale-down the status may still count pods its controller is deleting; counting them would let the rollout
 * scale down again below the availability bound.
 */
export function trustedAvailable(rs: ReplicaSet): number {
  return Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs));
}

export function sumTrustedAvailable(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + trustedAvailable(rs), 0);
}

/** FilterActiveReplicaSets: the ones that should have pods. */
export function activeReplicaSets(rss: readonly ReplicaSet[]): ReplicaSet[] {
  return rss.filter((rs) => specReplicas(rs) > 0);
}

function createdAt(rs: ReplicaSet): number {
  // One created in this very plan has no timestamp yet: it is the newest.
  const t = Date.parse(rs.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** ReplicaSetsByCreationTimestamp: oldest first, ties by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return createdAt(a) - createdAt(b) || compareNames(a, b);
}

/** ReplicaSetsBySizeNewer: largest first, then newest first (scaling up favours the newer). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** ReplicaSetsBySizeOlder: largest first, then oldest first (scaling down favours the older). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

function compareNames(a: ReplicaSet, b: ReplicaSet): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
