// A deployment's rollout as the detail panel shows it: counts against the desired replicas for the progress
// bars, kubectl's `rollout status` line, and the Progressing/Available conditions' messages.
import type { Deployment } from '../../../../shared/model/types.ts';

export interface RolloutProgress {
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** kubectl's `rollout status` line for this state. */
  message: string;
  done: boolean;
  /** The rollout exceeded progressDeadlineSeconds. */
  failed: boolean;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
const SHOWN_CONDITIONS = ['Progressing', 'Available', 'ReplicaFailure'];

/** kubectl's deployment status viewer (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go). */
export function rolloutProgress(d: Deployment): RolloutProgress {
  const name = d.metadata.name;
  const status = d.status ?? {};
  const desired = d.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const conditions = (status.conditions ?? [])
    .filter((c) => SHOWN_CONDITIONS.includes(c.type))
    .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
  const base = { desired, updated, ready, available, conditions, failed: false, done: false };
  const waiting = `Waiting for deployment "${name}" rollout to finish:`;

  if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { ...base, message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === TIMED_OUT_REASON) {
    return { ...base, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  if (updated < desired) {
    return { ...base, message: `${waiting} ${updated} out of ${desired} new replicas have been updated...` };
  }
  if (replicas > updated) {
    return { ...base, message: `${waiting} ${replicas - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { ...base, message: `${waiting} ${available} of ${updated} updated replicas are available...` };
  }
  return { ...base, done: true, message: `deployment "${name}" successfully rolled out` };
}

/** A bar's fill, 0–100; a deployment scaled to zero is complete. */
export function percentOf(count: number, desired: number): number {
  if (desired <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((count / desired) * 100)));
}
