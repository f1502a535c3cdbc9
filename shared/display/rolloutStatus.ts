// kubectl's rollout status viewers (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go): from one state
// of a deployment or daemon set, the line to show and whether the rollout is over. Pure and browser-safe:
// `shoal rollout status` and the dashboard's rollout panel print the same lines.
import type { DaemonSet, Deployment } from '../model/types.ts';

export type RolloutState = { done: boolean; message: string } | { error: string };

/** The Progressing condition's reason when progressDeadlineSeconds passed without progress. */
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

export function deploymentRolloutStatus(d: Deployment): RolloutState {
  const name = d.metadata.name;
  const status = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === TIMED_OUT_REASON) {
    return { error: `deployment "${name}" exceeded its progress deadline` };
  }
  const wanted = d.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const waiting = `Waiting for deployment "${name}" rollout to finish:`;
  if (updated < wanted) {
    return {
      done: false,
      message: `${waiting} ${updated} out of ${wanted} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      done: false,
      message: `${waiting} ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      done: false,
      message: `${waiting} ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

export function daemonSetRolloutStatus(ds: DaemonSet): RolloutState {
  const name = ds.metadata.name;
  const type = ds.spec.updateStrategy?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate')
    return { error: 'rollout status is only available for RollingUpdate strategy type' };
  const status = ds.status;
  if ((ds.metadata.generation ?? 0) > (status?.observedGeneration ?? 0) || !status) {
    return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
  }
  const desired = status.desiredNumberScheduled;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  const waiting = `Waiting for daemon set "${name}" rollout to finish:`;
  if (updated < desired) {
    return { done: false, message: `${waiting} ${updated} out of ${desired} new pods have been updated...` };
  }
  if (available < desired) {
    return { done: false, message: `${waiting} ${available} of ${desired} updated pods are available...` };
  }
  return { done: true, message: `daemon set "${name}" successfully rolled out` };
}
