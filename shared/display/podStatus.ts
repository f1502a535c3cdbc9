// A pod's READY, STATUS and RESTARTS as `kubectl get pods` derives them (printPod in
// k8s.io/kubernetes/pkg/printers/internalversion/printers.go), for the CLI's table and the dashboard alike.
// The last restart is kept as a timestamp so a view can age the text without recomputing the status.
import type { Pod } from '../model/types.ts';
import { humanDuration } from './duration.ts';
import type { StatusTone } from './tone.ts';

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

export interface PodSummary {
  /** `1/2`: ready containers out of the spec's containers. */
  ready: string;
  /** kubectl's STATUS: Running, Pending, ContainerCreating, CrashLoopBackOff, Init:0/1, Terminating, Completed… */
  status: string;
  restarts: number;
  /** ms since the epoch of the last container termination, when there was a restart; for `3 (5m ago)`. */
  lastRestartAt?: number;
  tone: StatusTone;
}

function hasCondition(conditions: { type: string; status: string }[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function podSummary(pod: Pod): PodSummary {
  const status = pod.status ?? {};
  const initContainers = pod.spec.initContainers ?? [];
  let restarts = 0;
  let readyContainers = 0;
  let lastRestart = 0;
  let reason: string = status.reason || status.phase || 'Pending';
  const noteRestart = (c: ContainerStatus) => {
    restarts += c.restartCount;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished) || 0);
  };

  let initializing = false;
  for (const [i, c] of (status.initContainerStatuses ?? []).entries()) {
    noteRestart(c);
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status.conditions, 'Initialized')) {
    restarts = 0;
    lastRestart = 0;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as ContainerStatus;
      noteRestart(c);
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = hasCondition(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const summary: PodSummary = {
    ready: `${readyContainers}/${pod.spec.containers.length}`,
    status: reason,
    restarts,
    tone: statusTone(reason, readyContainers, pod.spec.containers.length),
  };
  if (restarts !== 0 && lastRestart > 0) summary.lastRestartAt = lastRestart;
  return summary;
}

const IDLE_STATUSES = new Set(['Completed', 'Succeeded', 'Terminating']);
const WARN_STATUSES = new Set(['Pending', 'ContainerCreating', 'PodInitializing', 'NotReady', 'Unknown']);

/** The tone of a pod STATUS: Running with every container ready is ok, on its way is warn, stuck is error. */
export function statusTone(status: string, ready: number, total: number): StatusTone {
  if (status === 'Running') return ready === total ? 'ok' : 'warn';
  if (IDLE_STATUSES.has(status)) return 'idle';
  if (WARN_STATUSES.has(status) || /^Init:\d+\/\d+$/.test(status)) return 'warn';
  return 'error';
}

/** RESTARTS at `now` (ms since the epoch): `0`, or `3 (5m ago)` when the last restart's time is known. */
export function restartsText(summary: PodSummary, now: number): string {
  if (summary.restarts === 0 || summary.lastRestartAt === undefined) return String(summary.restarts);
  return `${summary.restarts} (${humanDuration(now - summary.lastRestartAt)} ago)`;
}
