// One reconcile of a deployment, as Kubernetes' syncDeployment: claim its replica sets; a deployment being
// deleted only gets its status; pausing shows in its conditions; a paused deployment or a change of
// `replicas` is scaled proportionally; otherwise its strategy takes the next step of the rollout. Pure: the
// snapshot in, the writes and events out.

import type { Deployment, Pod, ReplicaSet } from '../../../shared/model/types.ts';
import type { ReconcileResult } from '../controllerTypes.ts';
import { controllerRef } from '../ownerRefs.ts';
import { claimReplicaSets } from './claimReplicaSets.ts';
import type { DeploymentStatus } from './deploymentConditions.ts';
import { calculateStatus, checkPausedConditions, rolloutStatus } from './deploymentStatus.ts';
import { replicaSetsOfRollout } from './newReplicaSet.ts';
import { deploymentComplete, progressCheckDelayMs } from './progressDeadline.ts';
import { isScalingEvent, scaleReplicaSets } from './proportionalScaling.ts';
import { RolloutPlan } from './RolloutPlan.ts';
import { oldPodsRunning, scaleDownOldForRecreate, scaleUpNewForRecreate } from './recreateUpdate.ts';
import { cleanupOldReplicaSets } from './revisionHistory.ts';
import { rollingStep } from './rollingUpdate.ts';
import { isRollingUpdate } from './rolloutBounds.ts';

export interface DeploymentSnapshot {
  deployment: Deployment;
  /** Every replica set in the deployment's namespace (claiming looks at orphans too). */
  replicaSets: readonly ReplicaSet[];
  /** Every pod in the namespace; read only when needed (Recreate, history clean-up). */
  pods: () => readonly Pod[];
  now: Date;
}

export function planDeployment(snapshot: DeploymentSnapshot): ReconcileResult {
  const plan = new RolloutPlan(snapshot.deployment, snapshot.now);
  const d = plan.deployment;
  if (selectsEverything(d)) return selectingAll(plan);

  const owned = claimReplicaSets(plan, snapshot.replicaSets);
  const namesInUse = new Set(snapshot.replicaSets.map((rs) => rs.metadata.name));
  const pods = ownedPods(owned, snapshot.pods);
  const split = (create: boolean) => replicaSetsOfRollout(plan, owned, namesInUse, create);

  if (d.metadata.deletionTimestamp !== undefined) {
    const { newRS, oldRSs } = split(false);
    return finish(plan, calculateStatus(plan, withNew(oldRSs, newRS), newRS));
  }
  checkPausedConditions(plan, d);
  const current = split(false);
  if (d.spec.paused || isScalingEvent(plan, current.newRS, current.oldRSs)) {
    const { newRS, oldRSs } = current;
    scaleReplicaSets(plan, newRS, oldRSs);
    if (d.spec.paused) cleanupOldReplicaSets(plan, oldRSs, pods);
    return finish(plan, calculateStatus(plan, withNew(oldRSs, newRS), newRS));
  }
  return isRollingUpdate(d) ? rolloutRolling(plan, split, pods) : rolloutRecreate(plan, split, pods);
}

type Split = (create: boolean) => { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] };

function rolloutRolling(plan: RolloutPlan, split: Split, pods: () => readonly Pod[]): ReconcileResult {
  const { newRS, oldRSs } = split(true);
  if (plan.collided || !newRS) return finish(plan, undefined);
  const step = rollingStep(plan, newRS, oldRSs);
  if (step === 'none' && deploymentComplete(plan.deployment, plan.status)) {
    cleanupOldReplicaSets(plan, oldRSs, pods);
  }
  return finish(plan, rolloutStatus(plan, [...oldRSs, newRS], newRS));
}

function rolloutRecreate(plan: RolloutPlan, split: Split, pods: () => readonly Pod[]): ReconcileResult {
  // The new replica set is not even created while old pods run: nothing must scale it up early.
  let { newRS, oldRSs } = split(false);
  if (scaleDownOldForRecreate(plan, oldRSs) || oldPodsRunning(newRS, oldRSs, pods())) {
    return finish(plan, rolloutStatus(plan, withNew(oldRSs, newRS), newRS));
  }
  if (!newRS) {
    ({ newRS, oldRSs } = split(true));
    if (plan.collided || !newRS) return finish(plan, undefined);
  }
  scaleUpNewForRecreate(plan, newRS);
  if (deploymentComplete(plan.deployment, plan.status)) cleanupOldReplicaSets(plan, oldRSs, pods);
  return finish(plan, rolloutStatus(plan, [...oldRSs, newRS], newRS));
}

/**
 * The actions, and when to look again for the progress deadline. As Kubernetes' requeueStuckDeployment, only
 * when the status stays as it is: a status write comes back as a change of the deployment, whose reconcile
 * then asks (each ask is a timer in the manager).
 */
function finish(plan: RolloutPlan, status: DeploymentStatus | undefined): ReconcileResult {
  const actions = plan.actions(status);
  const statusWritten = actions.some((a) => a.type === 'updateStatus');
  const requeueAfterMs =
    status && !statusWritten ? progressCheckDelayMs(plan.deployment, status, plan.now) : undefined;
  return { actions, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
}

function withNew(oldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] {
  return newRS ? [...oldRSs, newRS] : [...oldRSs];
}

/** The pods of the deployment's replica sets, listed once and only if asked for. */
function ownedPods(
  owned: readonly ReplicaSet[],
  podsInNamespace: () => readonly Pod[],
): () => readonly Pod[] {
  let pods: readonly Pod[] | undefined;
  return () => {
    if (pods) return pods;
    const uids = new Set<string>(owned.flatMap((rs) => (rs.metadata.uid ? [rs.metadata.uid] : [])));
    pods = podsInNamespace().filter((pod) => uids.has(controllerRef(pod)?.uid ?? ''));
    return pods;
  };
}

function selectsEverything(d: Deployment): boolean {
  const sel = d.spec.selector;
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** An empty selector would claim every pod of the namespace: refuse, say so once per generation. */
function selectingAll(plan: RolloutPlan): ReconcileResult {
  const generation = plan.deployment.metadata.generation ?? 0;
  if ((plan.status.observedGeneration ?? 0) >= generation) return { actions: [] };
  plan.status.observedGeneration = generation;
  plan.event(
    'Warning',
    'SelectingAll',
    'This deployment is selecting all pods. A non-empty selector is required.',
  );
  return { actions: plan.actions(plan.status) };
}
