// A deployment's rollout as the detail panel shows it: counts against the desired replicas for the progress
// bars, kubectl's `rollout status` line, and the Progressing/Available conditions' messages.
import { deploymentRolloutStatus } from '../../../../shared/display/rolloutStatus.ts';
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

const SHOWN_CONDITIONS = ['Progressing', 'Available', 'ReplicaFailure'];

/** The counts for the bars, and the line `shoal rollout status` would print (shared/display/rolloutStatus.ts). */
export function rolloutProgress(d: Deployment): RolloutProgress {
  const status = d.status ?? {};
  const conditions = (status.conditions ?? [])
    .filter((c) => SHOWN_CONDITIONS.includes(c.type))
    .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
  const counts = {
    desired: d.spec.replicas ?? 1,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    conditions,
  };
  const state = deploymentRolloutStatus(d);
  // The status viewer's only error is the progress deadline: the panel shows it as a failed rollout.
  if ('error' in state) return { ...counts, failed: true, done: false, message: state.error };
  return { ...counts, failed: false, done: state.done, message: state.message };
}

/** A bar's fill, 0–100; a deployment scaled to zero is complete. */
export function percentOf(count: number, desired: number): number {
  if (desired <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((count / desired) * 100)));
}
