// What `kubectl get deployments|replicasets|daemonsets|jobs` prints for each object, as plain strings (the
// CLI's rules in agent/cli/tables/workloads.ts, repeated because the renderer may not import agent code).
// AGE is left to the view, which formats it against a ticking clock.
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../../../../shared/model/types.ts';
import { humanDuration } from '../../components/duration.ts';

export type Tone = 'ok' | 'warn' | 'error' | 'idle';

export interface DeploymentCells {
  ready: string;
  upToDate: string;
  available: string;
  tone: Tone;
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
  tone: Tone;
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
  tone: Tone;
}

/** `key=value,…` or `<none>`, as kubectl prints a label map. */
export function formatLabelMap(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '<none>';
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
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
    nodeSelector: formatLabelMap(ds.spec.template.spec.nodeSelector),
    tone: desired === 0 ? 'idle' : ready >= desired ? 'ok' : 'warn',
  };
}

/** The time between two timestamps (a Job's DURATION); empty when either is missing. */
export function durationBetween(from: string | undefined, to: string | undefined): string {
  if (!from || !to) return '';
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? '' : humanDuration(ms);
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
  tone: Tone;
}

const JOB_TONES: Record<string, Tone> = {
  Complete: 'ok',
  Failed: 'error',
  FailureTarget: 'error',
  Terminating: 'idle',
  Suspended: 'idle',
  Running: 'warn',
};

/** A running job's duration runs to `now`, as kubectl's does. */
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
