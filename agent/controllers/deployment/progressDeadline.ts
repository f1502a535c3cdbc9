// progressDeadlineSeconds (deployment_util.go, progress.go): when a rollout counts as complete, as
// progressing, or as stuck for longer than its deadline, and when to look again so the deadline is reported
// on time rather than at the next resync.

import type { Deployment } from '../../../shared/model/types.ts';
import { type DeploymentStatus, getCondition, PROGRESSING, REASON } from './deploymentConditions.ts';
import { desiredReplicas } from './rolloutBounds.ts';

/** Kubernetes' "no deadline" value. */
const MAX_INT32 = 2_147_483_647;

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== MAX_INT32;
}

/** DeploymentComplete: every desired replica updated and available, no old pods, the spec observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: new pods created, ready or available, or old ones gone, since `previous`. */
export function deploymentProgressing(previous: DeploymentStatus, next: DeploymentStatus): boolean {
  const oldPods = (s: DeploymentStatus) => (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (previous.updatedReplicas ?? 0) ||
    oldPods(next) < oldPods(previous) ||
    (next.readyReplicas ?? 0) > (previous.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (previous.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress reported for longer than the deadline (strictly). */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, PROGRESSING);
  if (!cond || cond.reason === REASON.newReplicaSetAvailable) return false;
  if (cond.reason === REASON.timedOut) return true;
  const deadline = lastUpdate(cond.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 0) * 1000;
  return deadline < now.getTime();
}

/**
 * requeueStuckDeployment: how long until the deadline of a rollout in progress passes, plus a second so the
 * check lands after it; undefined when there is nothing to watch for.
 */
export function progressCheckDelayMs(d: Deployment, status: DeploymentStatus, now: Date): number | undefined {
  const cond = getCondition(status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond || d.spec.paused) return undefined;
  if (deploymentComplete(d, status) || cond.reason === REASON.timedOut) return undefined;
  const deadline = lastUpdate(cond.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 0) * 1000;
  return Math.max(0, deadline - now.getTime()) + 1000;
}

function lastUpdate(time: string | undefined): number {
  const t = Date.parse(time ?? '');
  return Number.isNaN(t) ? 0 : t;
}
