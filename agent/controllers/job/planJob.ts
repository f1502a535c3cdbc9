// The Job planner (Kubernetes' job controller, pkg/controller/job): from a Job and the pods it controls, the
// pods to create or delete, the status to write, the events to record, and when to look again (deadline,
// pod-failure back-off, TTL after finishing). Pure: everything it needs comes in its input.
//
// Counting. Succeeded and failed are counted from the pods' phases. Finished pods are kept until the Job
// is deleted, so the counts stand; the counts already in the status are a floor, so a finished pod removed
// by hand does not make the Job run that completion again. With `restartPolicy: OnFailure` a failing
// container is restarted inside its pod; those restarts count against `backoffLimit` as in Kubernetes.

import { isDeepStrictEqual } from 'node:util';
import type { Job, Pod } from '../../../shared/model/types.ts';
import type { ControllerAction, ReconcileResult } from '../controllerTypes.ts';
import { objectEvent } from '../objectEvent.ts';
import { isPodActive, isPodReady } from '../podUtil.ts';
import {
  BACKOFF_LIMIT_EXCEEDED,
  COMPLETE,
  COMPLETIONS_REACHED,
  DEADLINE_EXCEEDED,
  FAILED,
  finishedCondition,
  isSuspendedCondition,
  JOB_RESUMED,
  JOB_SUSPENDED,
  type JobStatus,
  SUSPENDED,
  withCondition,
} from './jobConditions.ts';
import { compareForDeletion, newJobPod, podFinishedAt, podRestarts } from './jobPods.ts';

/** Kubernetes' DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 360_000;
const DEFAULT_BACKOFF_LIMIT = 6;

export interface JobPlanInput {
  job: Job;
  /** The pods `job` controls. */
  pods: readonly Pod[];
  now: Date;
  /** A fresh pod name for this Job, taken by no pod (`<job>-<5 random>`). */
  newPodName(): string;
}

interface Counts {
  active: Pod[];
  succeeded: number;
  failed: number;
}

export function planJob(input: JobPlanInput): ReconcileResult {
  const { job } = input;
  // Being deleted: the garbage collector takes the pods; nothing new is started.
  if (job.metadata.deletionTimestamp !== undefined) return { actions: [] };
  const finished = finishedCondition(job.status);
  if (finished) return planFinished(input, finished.lastTransitionTime);
  return planUnfinished(input);
}

function countPods(job: Job, pods: readonly Pod[]): Counts {
  const active = pods.filter(isPodActive);
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  return {
    active,
    succeeded: Math.max(succeeded, job.status?.succeeded ?? 0),
    failed: Math.max(failed, job.status?.failed ?? 0),
  };
}

/** A finished Job: stop what still runs, and delete the Job once its TTL has passed. */
function planFinished(input: JobPlanInput, finishedAtText: string | undefined): ReconcileResult {
  const { job, pods, now } = input;
  const actions = deletePods(job, pods.filter(isPodActive));
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined) return { actions };
  const finishedAt = Date.parse(job.status?.completionTime ?? finishedAtText ?? '');
  // A finished Job with no usable time (written by hand): its TTL counts from now, as from a fresh finish.
  if (Number.isNaN(finishedAt)) return { actions, requeueAfterMs: ttl * 1000 };
  const expiresIn = finishedAt + ttl * 1000 - now.getTime();
  if (expiresIn > 0) return { actions, requeueAfterMs: expiresIn };
  // Expired: the Job goes, and with it its pods (the garbage collector would take them too; doing it here
  // does not depend on it). Only the Job itself, not already-terminating pods, needs a write.
  return {
    actions: [
      {
        type: 'delete',
        kind: 'Job',
        namespace: namespaceOf(job),
        name: job.metadata.name,
        uid: job.metadata.uid,
      },
      ...pods
        .filter((p) => p.metadata.deletionTimestamp === undefined)
        .map((p): ControllerAction => podDeletion(job, p)),
    ],
  };
}

function planUnfinished(input: JobPlanInput): ReconcileResult {
  const { job, now } = input;
  const previous: JobStatus = job.status ?? {};
  const counts = countPods(job, input.pods);
  const suspended = job.spec.suspend === true;
  let conditions = previous.conditions ? previous.conditions.map((c) => ({ ...c })) : undefined;
  let startTime = previous.startTime;
  const actions: ControllerAction[] = [];

  if (!suspended && isSuspendedCondition(previous)) {
    // Resumed: the deadline counts again from now, as in Kubernetes.
    conditions = withCondition(conditions, SUSPENDED, 'False', JOB_RESUMED, now);
    startTime = now.toISOString();
    actions.push(jobEvent(job, 'Normal', 'Resumed', JOB_RESUMED.message));
  }
  if (!suspended) startTime ??= now.toISOString();

  const failure = failureOf(job, counts, startTime, suspended, now);
  if (failure) {
    actions.push(...deletePods(job, counts.active));
    actions.push(jobEvent(job, 'Warning', failure.reason, failure.message));
    const status = statusOf(job, {
      startTime,
      active: 0,
      ready: 0,
      succeeded: counts.succeeded,
      // The pods stopped now are failures too (Kubernetes adds them to `failed`).
      failed: counts.failed + counts.active.length,
      conditions: withCondition(conditions, FAILED, 'True', failure, now),
    });
    actions.push(status);
    const ttl = job.spec.ttlSecondsAfterFinished;
    return { actions, ...(ttl !== undefined ? { requeueAfterMs: ttl * 1000 } : {}) };
  }

  const completions = job.spec.completions;
  const complete =
    completions === undefined
      ? counts.succeeded > 0 && counts.active.length === 0
      : counts.succeeded >= completions;
  if (complete) {
    actions.push(...deletePods(job, counts.active));
    actions.push(jobEvent(job, 'Normal', 'Completed', 'Job completed'));
    actions.push(
      statusOf(job, {
        startTime,
        active: 0,
        ready: 0,
        succeeded: counts.succeeded,
        failed: counts.failed,
        conditions: withCondition(conditions, COMPLETE, 'True', COMPLETIONS_REACHED, now),
        completionTime: now.toISOString(),
      }),
    );
    const ttl = job.spec.ttlSecondsAfterFinished;
    return { actions, ...(ttl !== undefined ? { requeueAfterMs: ttl * 1000 } : {}) };
  }

  const delays: number[] = [];
  let active = counts.active;
  if (suspended) {
    actions.push(...deletePods(job, active));
    active = [];
    if (!isSuspendedCondition(previous)) {
      conditions = withCondition(conditions, SUSPENDED, 'True', JOB_SUSPENDED, now);
      actions.push(jobEvent(job, 'Normal', 'Suspended', JOB_SUSPENDED.message));
    }
  } else {
    const managed = manageActivePods(input, counts);
    actions.push(...managed.actions);
    active = managed.active;
    if (managed.retryInMs !== undefined) delays.push(managed.retryInMs);
    const deadline = job.spec.activeDeadlineSeconds;
    const started = Date.parse(startTime ?? '');
    if (deadline !== undefined && !Number.isNaN(started)) {
      delays.push(started + deadline * 1000 - now.getTime());
    }
  }

  const next = statusOf(job, {
    startTime,
    active: active.length,
    ready: active.filter(isPodReady).length,
    succeeded: counts.succeeded,
    failed: counts.failed,
    conditions,
  });
  if (!isDeepStrictEqual(next.status, previous)) actions.push(next);
  return { actions, ...(delays.length > 0 ? { requeueAfterMs: Math.max(0, Math.min(...delays)) } : {}) };
}

/** Why the Job fails now, if it does: too many failures, or past its deadline. */
function failureOf(
  job: Job,
  counts: Counts,
  startTime: string | undefined,
  suspended: boolean,
  now: Date,
): { reason: string; message: string } | undefined {
  const backoffLimit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
  if (counts.failed > backoffLimit || pastBackoffLimitOnFailure(job, counts.active, backoffLimit)) {
    return BACKOFF_LIMIT_EXCEEDED;
  }
  const deadline = job.spec.activeDeadlineSeconds;
  const started = Date.parse(startTime ?? '');
  if (!suspended && deadline !== undefined && !Number.isNaN(started)) {
    if (now.getTime() - started >= deadline * 1000) return DEADLINE_EXCEEDED;
  }
  return undefined;
}

/** Kubernetes' pastBackoffLimitOnFailure: restarts of running containers, with OnFailure only. */
function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[], backoffLimit: number): boolean {
  if (job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
  const restarts = active.reduce((sum, p) => sum + podRestarts(p), 0);
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}

/**
 * Kubernetes' manageJob: as many active pods as parallelism allows and completions still need; a new pod
 * after failures waits out the pod-failure back-off (10 s, doubling per failure since the last success,
 * at most 6 min).
 */
function manageActivePods(
  input: JobPlanInput,
  counts: Counts,
): { actions: ControllerAction[]; active: Pod[]; retryInMs?: number } {
  const { job } = input;
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  const want =
    completions === undefined
      ? counts.succeeded > 0
        ? counts.active.length // one has succeeded: let the others finish, start no more
        : parallelism
      : Math.max(0, Math.min(parallelism, completions - counts.succeeded));
  const active = counts.active;
  if (active.length > want) {
    const excess = [...active]
      .sort((a, b) => compareForDeletion(a, b, isPodReady))
      .slice(0, active.length - want);
    return { actions: deletePods(job, excess), active: active.filter((p) => !excess.includes(p)) };
  }
  if (active.length === want) return { actions: [], active };

  const readyAt = backoffUntil(input.pods);
  const now = input.now.getTime();
  if (readyAt !== undefined && readyAt > now) return { actions: [], active, retryInMs: readyAt - now };

  const actions: ControllerAction[] = [];
  const created: Pod[] = [];
  for (let i = active.length; i < want; i++) {
    const pod = newJobPod(job, input.newPodName());
    created.push(pod);
    actions.push({ type: 'create', object: pod });
    actions.push(jobEvent(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`));
  }
  return { actions, active: [...active, ...created] };
}

/** When a new pod may start after the failures since the last success, or undefined when there are none. */
function backoffUntil(pods: readonly Pod[]): number | undefined {
  const lastSuccess = Math.max(
    -Infinity,
    ...pods.filter((p) => p.status?.phase === 'Succeeded').map((p) => podFinishedAt(p) ?? -Infinity),
  );
  const failures = pods
    .filter((p) => p.status?.phase === 'Failed')
    .map((p) => podFinishedAt(p))
    .filter((t): t is number => t !== undefined && t > lastSuccess);
  if (failures.length === 0) return undefined;
  const delay = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (failures.length - 1), MAX_POD_FAILURE_BACKOFF_MS);
  return Math.max(...failures) + delay;
}

function statusOf(
  job: Job,
  fields: {
    startTime: string | undefined;
    active: number;
    ready: number;
    succeeded: number;
    failed: number;
    conditions: JobStatus['conditions'];
    completionTime?: string;
  },
): Extract<ControllerAction, { type: 'updateStatus' }> {
  const status: JobStatus = {
    ...(fields.conditions && fields.conditions.length > 0 ? { conditions: fields.conditions } : {}),
    ...(fields.startTime !== undefined ? { startTime: fields.startTime } : {}),
    ...(fields.completionTime !== undefined ? { completionTime: fields.completionTime } : {}),
    active: fields.active,
    ready: fields.ready,
    succeeded: fields.succeeded,
    failed: fields.failed,
  };
  return { type: 'updateStatus', kind: 'Job', namespace: namespaceOf(job), name: job.metadata.name, status };
}

function deletePods(job: Job, pods: readonly Pod[]): ControllerAction[] {
  return pods.flatMap((p): ControllerAction[] => [
    podDeletion(job, p),
    jobEvent(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`),
  ]);
}

function podDeletion(job: Job, pod: Pod): ControllerAction {
  return {
    type: 'delete',
    kind: 'Pod',
    namespace: namespaceOf(job),
    name: pod.metadata.name,
    uid: pod.metadata.uid,
  };
}

function jobEvent(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): ControllerAction {
  return objectEvent(job, type, reason, message);
}

function namespaceOf(job: Job): string {
  return job.metadata.namespace ?? 'default';
}
