// kubectl's columns for deployments, replica sets, daemon sets and jobs.
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../../../shared/model/types.ts';
import { ageSince, durationBetween } from './age.ts';
import { containerCells, formatLabels, selectorCell } from './cells.ts';
import type { KindColumns } from './types.ts';

const WIDE = ['CONTAINERS', 'IMAGES', 'SELECTOR'];

function wideWorkload(obj: Deployment | ReplicaSet | DaemonSet | Job): string[] {
  return [...containerCells(obj.spec.template), selectorCell(obj.spec.selector)];
}

export const deploymentColumns: KindColumns = {
  headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const d = obj as Deployment;
    const s = d.status ?? {};
    return [
      `${s.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
      String(s.updatedReplicas ?? 0),
      String(s.availableReplicas ?? 0),
      ageSince(d.metadata.creationTimestamp, now),
    ];
  },
  wideRow: (obj) => wideWorkload(obj as Deployment),
};

export const replicaSetColumns: KindColumns = {
  headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const rs = obj as ReplicaSet;
    return [
      String(rs.spec.replicas ?? 1),
      String(rs.status?.replicas ?? 0),
      String(rs.status?.readyReplicas ?? 0),
      ageSince(rs.metadata.creationTimestamp, now),
    ];
  },
  wideRow: (obj) => wideWorkload(obj as ReplicaSet),
};

export const daemonSetColumns: KindColumns = {
  headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const ds = obj as DaemonSet;
    const s = ds.status;
    return [
      String(s?.desiredNumberScheduled ?? 0),
      String(s?.currentNumberScheduled ?? 0),
      String(s?.numberReady ?? 0),
      String(s?.updatedNumberScheduled ?? 0),
      String(s?.numberAvailable ?? 0),
      formatLabels(ds.spec.template.spec.nodeSelector),
      ageSince(ds.metadata.creationTimestamp, now),
    ];
  },
  wideRow: (obj) => wideWorkload(obj as DaemonSet),
};

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, as kubectl 1.28+ shows. */
export function jobStatus(job: Job): string {
  const has = (type: string) =>
    (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export const jobColumns: KindColumns = {
  headers: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const job = obj as Job;
    const start = job.status?.startTime;
    const end = job.status?.completionTime ?? (start ? now.toISOString() : undefined);
    return [
      jobStatus(job),
      jobCompletions(job),
      durationBetween(start, end),
      ageSince(job.metadata.creationTimestamp, now),
    ];
  },
  wideRow: (obj) => wideWorkload(obj as Job),
};
