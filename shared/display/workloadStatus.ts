// What `kubectl get deployments|replicasets|daemonsets|jobs` prints for each object, as plain strings, with
// the tone the dashboard colours the row in. The CLI's tables and the dashboard's workload tables both use
// it; AGE is left to each, since one prints it once and the other against a ticking clock.
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../model/types.ts';
import { durationBetween } from './duration.ts';
import { formatLabels } from './labels.ts';
import type { StatusTone } from './tone.ts';

export interface DeploymentCells {
  ready: string;
  upToDate: string;
  available: string;
  tone: StatusTone;
}

export function deploymentCells(d: Deployment): DeploymentCells {
  const s = d.status ?? {};
  const desired = d.spec.replicas ?? 1;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  return {
    ready: `${ready}/${desired}`,
    upToDate: String(s.updatedReplicas ?? 0),
    available: String(available),
    tone: desired === 0 ? 'idle' : available >= desired && ready >= desired ? 'ok' : 'warn',
  };
}

export interface ReplicaSetCells {
  desired: string;
  current: string;
  ready: string;
  tone: StatusTone;
}

export function replicaSetCells(rs: ReplicaSet): ReplicaSetCells {
  const desired = rs.spec.replicas ?? 1;
  const ready = rs.status?.readyReplicas ?? 0;
  return {
    desired: String(desired),
    current: String(rs.status?.replicas ?? 0),
    ready: String(ready),
    tone: desired === 0 ? 'idle' : ready >= desired ? 'ok' : 'warn',
  };
}

export interface DaemonSetCells {
  desired: string;
  current: string;
  ready: string;
  upToDate: string;
  available: string;
  nodeSelector: string;
  tone: StatusTone;
}

export function daemonSetCells(ds: DaemonSet): DaemonSetCells {
  const s = ds.status;
  const desired = s?.desiredNumberScheduled ?? 0;
  const ready = s?.numberReady ?? 0;
  return {
    desired: String(desired),
    current: String(s?.currentNumberScheduled ?? 0),
    ready: String(ready),
    upToDate: String(s?.updatedNumberScheduled ?? 0),
    available: String(s?.numberAvailable ?? 0),
    nodeSelector: formatLabels(ds.spec.template.spec.nodeSelector),
    tone: desired === 0 ? 'idle' : ready >= desired ? 'ok' : 'warn',
  };
}

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

export interface JobCells {
  status: string;
  completions: string;
  duration: string;
  tone: StatusTone;
}

const JOB_TONES: Record<string, StatusTone> = {
  Complete: 'ok',
  Failed: 'error',
  FailureTarget: 'error',
  Terminating: 'idle',
  Suspended: 'idle',
  Running: 'warn',
};

/** At `now` (ms since the epoch): a running job's duration runs to now, as kubectl's does. */
export function jobCells(job: Job, now: number): JobCells {
  const status = jobStatus(job);
  const start = job.status?.startTime;
  const end = job.status?.completionTime ?? (start ? new Date(now).toISOString() : undefined);
  return {
    status,
    completions: jobCompletions(job),
    duration: durationBetween(start, end),
    tone: JOB_TONES[status] ?? 'warn',
  };
}
