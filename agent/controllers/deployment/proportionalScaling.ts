// Scaling a deployment that is paused or in the middle of a rollout (scale in sync.go): the replicas added or
// removed are shared among the active replica sets in proportion to their size, so a scale-up does not
// hasten a rollout of a template that may be bad, and a scale-down does not stall it.

import type { ReplicaSet } from '../../../shared/model/types.ts';
import type { RolloutPlan } from './RolloutPlan.ts';
import {
  activeReplicaSets,
  byCreation,
  bySizeNewer,
  bySizeOlder,
  specReplicas,
  sumSpecReplicas,
} from './replicaSetCounts.ts';
import { desiredReplicasAnnotation, maxReplicasAnnotation } from './revisionAnnotations.ts';
import { desiredReplicas, isRollingUpdate, maxSurge } from './rolloutBounds.ts';

/** isScalingEvent: an active replica set was last sized for another deployment size. */
export function isScalingEvent(
  plan: RolloutPlan,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): boolean {
  const replicas = desiredReplicas(plan.deployment);
  return activeReplicaSets(withNew(oldRSs, newRS)).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== replicas;
  });
}

export function scaleReplicaSets(
  plan: RolloutPlan,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): void {
  const d = plan.deployment;
  const replicas = desiredReplicas(d);
  // One active replica set (or none: then the newest) simply takes the whole count.
  const single = activeOrLatest(newRS, oldRSs);
  if (single) {
    if (specReplicas(single) !== replicas) plan.scale(single, replicas);
    return;
  }
  // A saturated new replica set: the old ones have nothing left to do.
  if (newRS && isSaturated(plan, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) plan.scale(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const active = activeReplicaSets(withNew(oldRSs, newRS));
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumSpecReplicas(active);
  // Larger sets first; among equals, newer ones grow first and older ones shrink first.
  const operation = toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : undefined;
  if (toAdd > 0) active.sort(bySizeNewer);
  else if (toAdd < 0) active.sort(bySizeOlder);

  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of active) {
    if (toAdd === 0) {
      sizes.set(rs, specReplicas(rs));
      continue;
    }
    const share = proportion(plan, rs, toAdd, added);
    sizes.set(rs, specReplicas(rs) + share);
    added += share;
  }
  active.forEach((rs, i) => {
    let size = sizes.get(rs) ?? specReplicas(rs);
    // Rounding leftovers go to the largest.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    plan.scale(rs, size, operation);
  });
}

function withNew(oldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] {
  return newRS ? [...oldRSs, newRS] : [...oldRSs];
}

/** FindActiveOrLatest. */
function activeOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets(withNew(newestFirst, newRS));
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** IsSaturated: sized for the deployment, believing so itself, and every pod available. */
function isSaturated(plan: RolloutPlan, rs: ReplicaSet): boolean {
  const replicas = desiredReplicas(plan.deployment);
  return (
    specReplicas(rs) === replicas &&
    desiredReplicasAnnotation(rs) === replicas &&
    (rs.status?.availableReplicas ?? 0) === replicas
  );
}

/** GetProportion: this set's share of `toAdd`, never beyond what is left of it. */
function proportion(plan: RolloutPlan, rs: ReplicaSet, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(plan, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** getReplicaSetFraction: its size scaled from the deployment size it was made for to the current one. */
function replicaSetFraction(plan: RolloutPlan, rs: ReplicaSet): number {
  const d = plan.deployment;
  if (desiredReplicas(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  // Without the annotation, the deployment's current size: not exact, but the min/max above keep it in bounds.
  const annotated = maxReplicasAnnotation(rs) ?? plan.stored.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}
