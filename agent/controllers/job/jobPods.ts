// The pods of a Job, as Kubernetes' job controller makes and reads them: labels that name the Job, and the
// facts the controller asks of a pod (when it finished, how often it restarted, which to delete first).

import type { Job, Pod } from '../../../shared/model/types.ts';
import { podFromTemplate } from '../podUtil.ts';

export const JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'controller-uid';
export const BATCH_JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const BATCH_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/** A new pod of `job`: its template, the Job's labels, controlled by the Job. */
export function newJobPod(job: Job, name: string): Pod {
  const uid = job.metadata.uid ?? '';
  return podFromTemplate(job.spec.template, job, name, {
    [CONTROLLER_UID_LABEL]: uid,
    [JOB_NAME_LABEL]: job.metadata.name,
    [BATCH_CONTROLLER_UID_LABEL]: uid,
    [BATCH_JOB_NAME_LABEL]: job.metadata.name,
  });
}

/**
 * When a finished pod finished: its last container's end, else its last condition change, else its
 * creation (Kubernetes' getFinishedTime). Undefined when the pod says nothing usable.
 */
export function podFinishedAt(pod: Pod): number | undefined {
  const times: number[] = [];
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const t = Date.parse(s.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t)) times.push(t);
  }
  if (times.length === 0) {
    for (const c of pod.status?.conditions ?? []) {
      const t = Date.parse(c.lastTransitionTime ?? '');
      if (!Number.isNaN(t)) times.push(t);
    }
  }
  if (times.length === 0) {
    const t = Date.parse(pod.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(t)) times.push(t);
  }
  return times.length === 0 ? undefined : Math.max(...times);
}

/** Container restarts of a pod still running: with `OnFailure` they are the Job's failures. */
export function podRestarts(pod: Pod): number {
  const phase = pod.status?.phase;
  if (phase !== 'Running' && phase !== 'Pending') return 0;
  let restarts = 0;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    restarts += s.restartCount;
  }
  return restarts;
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Which active pods to delete first when there are too many (Kubernetes' ActivePods order): unscheduled,
 * then pending, then not ready, then the newest.
 */
export function compareForDeletion(a: Pod, b: Pod, isReady: (p: Pod) => boolean): number {
  const scheduled = Number(a.spec.nodeName !== undefined) - Number(b.spec.nodeName !== undefined);
  if (scheduled !== 0) return scheduled;
  const phase =
    (PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0);
  if (phase !== 0) return phase;
  const ready = Number(isReady(a)) - Number(isReady(b));
  if (ready !== 0) return ready;
  const created =
    (Date.parse(b.metadata.creationTimestamp ?? '') || 0) -
    (Date.parse(a.metadata.creationTimestamp ?? '') || 0);
  if (created !== 0) return created;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
