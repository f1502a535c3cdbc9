// The conditions of a Job's status, with Kubernetes' types, reasons and messages (pkg/controller/job).

import type { Job } from '../../../shared/model/types.ts';

export type JobStatus = NonNullable<Job['status']>;
export type JobCondition = NonNullable<JobStatus['conditions']>[number];

export const COMPLETE = 'Complete';
export const FAILED = 'Failed';
export const SUSPENDED = 'Suspended';

export const BACKOFF_LIMIT_EXCEEDED = {
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
} as const;
export const DEADLINE_EXCEEDED = {
  reason: 'DeadlineExceeded',
  message: 'Job was active longer than specified deadline',
} as const;
export const COMPLETIONS_REACHED = {
  reason: 'CompletionsReached',
  message: 'Reached expected number of succeeded pods',
} as const;
export const JOB_SUSPENDED = { reason: 'JobSuspended', message: 'Job suspended' } as const;
export const JOB_RESUMED = { reason: 'JobResumed', message: 'Job resumed' } as const;

export function findCondition(status: JobStatus | undefined, type: string): JobCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

function isTrue(status: JobStatus | undefined, type: string): boolean {
  return findCondition(status, type)?.status === 'True';
}

/** Complete or Failed: a finished Job is never run again (Kubernetes' IsJobFinished). */
export function finishedCondition(status: JobStatus | undefined): JobCondition | undefined {
  return status?.conditions?.find((c) => (c.type === COMPLETE || c.type === FAILED) && c.status === 'True');
}

export function isSuspendedCondition(status: JobStatus | undefined): boolean {
  return isTrue(status, SUSPENDED);
}

/**
 * The conditions with `type` set to `status`: a new entry, or the existing one updated. The transition
 * time moves only when the status changes, as Kubernetes does, so a resync rewrites nothing.
 */
export function withCondition(
  conditions: readonly JobCondition[] | undefined,
  type: string,
  status: 'True' | 'False',
  why: { reason: string; message: string },
  now: Date,
): JobCondition[] {
  const list = (conditions ?? []).map((c) => ({ ...c }));
  const at = now.toISOString();
  const existing = list.find((c) => c.type === type);
  if (!existing) {
    list.push({
      type,
      status,
      reason: why.reason,
      message: why.message,
      lastProbeTime: at,
      lastTransitionTime: at,
    });
    return list;
  }
  if (existing.status !== status) existing.lastTransitionTime = at;
  if (existing.status !== status || existing.reason !== why.reason || existing.message !== why.message) {
    existing.lastProbeTime = at;
  }
  existing.status = status;
  existing.reason = why.reason;
  existing.message = why.message;
  return list;
}
