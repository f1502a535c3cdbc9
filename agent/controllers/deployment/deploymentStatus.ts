// The deployment's status from its replica sets (calculateStatus in sync.go), and the Progressing condition
// a rollout maintains (syncRolloutStatus in progress.go, checkPausedConditions in sync.go).

import type { Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import {
  AVAILABLE,
  type DeploymentStatus,
  getCondition,
  newCondition,
  PROGRESSING,
  REASON,
  removeCondition,
  setCondition,
} from './deploymentConditions.ts';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  hasProgressDeadline,
} from './progressDeadline.ts';
import type { RolloutPlan } from './RolloutPlan.ts';
import {
  sumReadyReplicas,
  sumReportedAvailable,
  sumSpecReplicas,
  sumStatusReplicas,
} from './replicaSetCounts.ts';

const REPLICA_FAILURE = 'ReplicaFailure';

import { desiredReplicas, maxUnavailable } from './rolloutBounds.ts';

/** The counts, and the Available condition (enough pods available for the rollout's bound). */
export function calculateStatus(
  plan: RolloutPlan,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): DeploymentStatus {
  const d = plan.deployment;
  const available = sumReportedAvailable(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatusReplicas(allRSs),
    updatedReplicas: newRS ? sumStatusReplicas([newRS]) : 0,
    readyReplicas: sumReadyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpecReplicas(allRSs) - available),
    ...(plan.status.collisionCount !== undefined ? { collisionCount: plan.status.collisionCount } : {}),
    ...(plan.status.conditions ? { conditions: structuredClone(plan.status.conditions) } : {}),
  };
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    const msg = 'Deployment has minimum availability.';
    setCondition(status, newCondition(AVAILABLE, 'True', REASON.minimumReplicasAvailable, msg, plan.now));
  } else {
    const msg = 'Deployment does not have minimum availability.';
    setCondition(status, newCondition(AVAILABLE, 'False', REASON.minimumReplicasUnavailable, msg, plan.now));
  }
  return status;
}

/** syncRolloutStatus: the status, with the Progressing condition estimated against the stored status. */
export function rolloutStatus(
  plan: RolloutPlan,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): DeploymentStatus {
  const d = plan.deployment;
  const status = calculateStatus(plan, allRSs, newRS);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(plan.status, PROGRESSING);
  const alreadyComplete =
    status.replicas === status.updatedReplicas && current?.reason === REASON.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !alreadyComplete) estimateProgress(plan, status, newRS);
  copyReplicaFailure(status, allRSs, newRS);
  return status;
}

function estimateProgress(plan: RolloutPlan, status: DeploymentStatus, newRS: ReplicaSet | undefined): void {
  const d = plan.deployment;
  const current = getCondition(plan.status, PROGRESSING);
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (deploymentComplete(d, status)) {
    const msg = `${subject} has successfully progressed.`;
    setCondition(status, newCondition(PROGRESSING, 'True', REASON.newReplicaSetAvailable, msg, plan.now));
  } else if (deploymentProgressing(plan.status, status)) {
    // Progress moves lastUpdateTime even with the same reason: that is what the deadline is measured from.
    const cond = newCondition(
      PROGRESSING,
      'True',
      REASON.replicaSetUpdated,
      `${subject} is progressing.`,
      plan.now,
    );
    if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
    removeCondition(status, PROGRESSING);
    setCondition(status, cond);
  } else if (deploymentTimedOut(d, status, plan.now)) {
    const msg = `${subject} has timed out progressing.`;
    setCondition(status, newCondition(PROGRESSING, 'False', REASON.timedOut, msg, plan.now));
  }
}

/** getReplicaFailures: a replica set that cannot create its pods says so on the deployment too. */
function copyReplicaFailure(
  status: DeploymentStatus,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): void {
  const failureOf = (rs: ReplicaSet | undefined) =>
    rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  const failure = failureOf(newRS) ?? allRSs.map(failureOf).find((c) => c !== undefined);
  if (!failure) {
    removeCondition(status, REPLICA_FAILURE);
    return;
  }
  const t = failure.lastTransitionTime;
  setCondition(status, {
    type: REPLICA_FAILURE,
    status: failure.status,
    ...(t ? { lastUpdateTime: t, lastTransitionTime: t } : {}),
    ...(failure.reason ? { reason: failure.reason } : {}),
    ...(failure.message ? { message: failure.message } : {}),
  });
}

/**
 * checkPausedConditions: pausing and resuming show in the Progressing condition (status Unknown), so a
 * rollout resumed after longer than its deadline is not reported stuck at once.
 */
export function checkPausedConditions(plan: RolloutPlan, d: Deployment): void {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(plan.status, PROGRESSING);
  if (cond?.reason === REASON.timedOut) return; // a reported failure is not hidden by a pause
  const pausedShown = cond?.reason === REASON.paused;
  if (d.spec.paused && !pausedShown) {
    setCondition(
      plan.status,
      newCondition(PROGRESSING, 'Unknown', REASON.paused, 'Deployment is paused', plan.now),
    );
  } else if (!d.spec.paused && pausedShown) {
    const cond = newCondition(PROGRESSING, 'Unknown', REASON.resumed, 'Deployment is resumed', plan.now);
    setCondition(plan.status, cond);
  }
}
