// The RollingUpdate strategy (rolling.go): grow the new replica set while the total stays within
// replicas + maxSurge, and shrink the old ones while at least replicas − maxUnavailable pods stay available.
// One pass takes at most one of the two steps; the next pass sees what it caused.

import type { Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import type { RolloutPlan } from './RolloutPlan.ts';
import {
  activeReplicaSets,
  byCreation,
  specReplicas,
  sumSpecReplicas,
  sumTrustedAvailable,
  trustedAvailable,
} from './replicaSetCounts.ts';
import { desiredReplicas, maxUnavailable, newReplicaSetReplicas } from './rolloutBounds.ts';

export type RollingStep = 'scaledUp' | 'scaledDown' | 'none';

export function rollingStep(
  plan: RolloutPlan,
  newRS: ReplicaSet,
  oldRSs: readonly ReplicaSet[],
): RollingStep {
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(plan, allRSs, newRS)) return 'scaledUp';
  if (reconcileOldReplicaSets(plan, allRSs, activeReplicaSets(oldRSs), newRS)) return 'scaledDown';
  return 'none';
}

function reconcileNewReplicaSet(
  plan: RolloutPlan,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
): boolean {
  const d = plan.deployment;
  const replicas = desiredReplicas(d);
  const current = specReplicas(newRS);
  if (current === replicas) return false;
  if (current > replicas) return plan.scale(newRS, replicas);
  return plan.scale(newRS, newReplicaSetReplicas(d, allRSs, newRS));
}

function reconcileOldReplicaSets(
  plan: RolloutPlan,
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
): boolean {
  const d = plan.deployment;
  if (sumSpecReplicas(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - trustedAvailable(newRS);
  // What may go: every pod beyond the minimum, except that unavailable new pods must not be counted on (they
  // may never become available: scaling old ones down for them would eat into the bound).
  const maxScaledDown = sumSpecReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old pods first: removing them costs no availability, and left alone they would block the
  // rollout until its deadline (kubernetes#16737).
  const cleaned = cleanupUnhealthyReplicas(plan, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSets(plan, d, allRSs, oldRSs);
  return cleaned + scaledDown > 0;
}

function cleanupUnhealthyReplicas(
  plan: RolloutPlan,
  oldRSs: readonly ReplicaSet[],
  maxCleanup: number,
): number {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const replicas = specReplicas(rs);
    const unhealthy = replicas - trustedAvailable(rs);
    if (replicas === 0 || unhealthy <= 0) continue;
    const count = Math.min(maxCleanup - total, unhealthy);
    plan.scale(rs, replicas - count);
    total += count;
  }
  return total;
}

/** As many old pods as are available beyond replicas − maxUnavailable, oldest replica sets first. */
function scaleDownOldReplicaSets(
  plan: RolloutPlan,
  d: Deployment,
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
): number {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = sumTrustedAvailable(allRSs);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, toScaleDown - total);
    plan.scale(rs, replicas - count);
    total += count;
  }
  return total;
}
