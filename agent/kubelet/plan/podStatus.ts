// The status the kubelet writes for a pod, computed from what the engine shows and what the planner decided.
//
// Phase and conditions follow the kubelet's getPhase and status manager, so `shoal get pods` reads like
// kubectl. Transition times are carried over from the previous status when a condition has not changed,
// so an unchanged pod yields an identical status and nothing is written.

import type { Container, Pod, PodStatus } from '../../../shared/model/types.ts';
import type { ObservedContainer } from '../runtime/ContainerRuntime.ts';
import type { LabelledContainer } from './labels.ts';
import { exitCodeOf, runState } from './runState.ts';

type ContainerStatus = NonNullable<PodStatus['containerStatuses']>[number];
type ContainerState = NonNullable<ContainerStatus['state']>;
type Condition = NonNullable<PodStatus['conditions']>[number];
type Phase = NonNullable<PodStatus['phase']>;

/** One pod container as the planner sees it. */
export interface ContainerView {
  spec: Container;
  /** Its latest attempt on the engine, if any. */
  current?: LabelledContainer;
  /** The attempt before, kept for `lastState` and `logs --previous`. */
  previous?: LabelledContainer;
  /**
   * Set when the container is waiting rather than in the state `current` shows: a new attempt is due
   * (ContainerCreating), held back (CrashLoopBackOff, ImagePullBackOff…) or impossible (ErrImageNeverPull…).
   */
  waiting?: { reason: string; message?: string };
}

export interface PodStatusInput {
  pod: Pod;
  init: readonly ContainerView[];
  app: readonly ContainerView[];
  /** Readiness probe results by container name; probes run elsewhere. */
  readiness?: Readonly<Record<string, boolean>>;
  /** Startup probe results by container name (true once it has passed). */
  started?: Readonly<Record<string, boolean>>;
  hostIP?: string;
  podIP?: string;
  startTime?: Date;
  now: Date;
}

export function buildPodStatus(input: PodStatusInput): PodStatus {
  const { pod } = input;
  const initStatuses = input.init.map((v) => initContainerStatus(v));
  const appStatuses = input.app.map((v) => appContainerStatus(v, input));
  const initialized = initStatuses.every(succeeded);
  const phase = podPhase(pod, initStatuses, appStatuses);
  const previous = pod.status;
  const now = input.now.toISOString();

  const notReady = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const pendingInit = initStatuses.filter((s) => !succeeded(s)).map((s) => s.name);
  const conditions: Condition[] = [
    condition('PodScheduled', true),
    initialized
      ? condition('Initialized', true)
      : condition(
          'Initialized',
          false,
          'ContainersNotInitialized',
          `containers with incomplete status: [${pendingInit.join(' ')}]`,
        ),
    containersReadyCondition('ContainersReady', notReady, phase),
    containersReadyCondition('Ready', notReady, phase),
  ].map((c) => withTransitionTime(c, previous?.conditions, now));

  const status: PodStatus = { phase, conditions };
  if (input.hostIP) status.hostIP = input.hostIP;
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  status.startTime = previous?.startTime ?? (input.startTime ?? input.now).toISOString();
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = appStatuses;
  return status;
}

function initContainerStatus(view: ContainerView): ContainerStatus {
  const status = baseStatus(view);
  // A finished init container counts as ready, as in Kubernetes.
  status.ready = status.state?.terminated?.exitCode === 0;
  return status;
}

function appContainerStatus(view: ContainerView, input: PodStatusInput): ContainerStatus {
  const status = baseStatus(view);
  const running = status.state?.running !== undefined;
  const started =
    running && (view.spec.startupProbe === undefined || input.started?.[view.spec.name] === true);
  status.started = started;
  status.ready =
    started && (view.spec.readinessProbe === undefined || input.readiness?.[view.spec.name] === true);
  return status;
}

function baseStatus(view: ContainerView): ContainerStatus {
  const current = view.current;
  const status: ContainerStatus = {
    name: view.spec.name,
    ready: false,
    restartCount: current?.identity.attempt ?? 0,
    image: view.spec.image,
  };
  const currentState = current ? runState(current.container) : 'gone';
  if (current && currentState !== 'gone') {
    if (current.container.imageId) status.imageID = current.container.imageId;
    status.containerID = containerId(current.container);
  }
  if (view.waiting) {
    status.state = { waiting: { ...view.waiting } };
    // What the container last did is the run being replaced, or the one before it.
    const last = currentState === 'exited' ? current : view.previous;
    if (last && runState(last.container) === 'exited') status.lastState = terminatedState(last.container);
    return status;
  }
  switch (currentState) {
    case 'running':
      status.state = {
        running: current?.container.startedAt ? { startedAt: iso(current.container.startedAt) } : {},
      };
      break;
    case 'exited':
      status.state = current ? terminatedState(current.container) : {};
      break;
    default:
      status.state = { waiting: { reason: 'ContainerCreating' } };
  }
  if (view.previous && runState(view.previous.container) === 'exited') {
    status.lastState = terminatedState(view.previous.container);
  }
  return status;
}

function terminatedState(c: ObservedContainer): ContainerState {
  const exitCode = exitCodeOf(c);
  const terminated: NonNullable<ContainerState['terminated']> = {
    exitCode,
    reason: c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
    containerID: containerId(c),
  };
  if (c.error) terminated.message = c.error;
  if (c.startedAt) terminated.startedAt = iso(c.startedAt);
  if (c.finishedAt) terminated.finishedAt = iso(c.finishedAt);
  return { terminated };
}

function succeeded(s: ContainerStatus): boolean {
  return s.state?.terminated?.exitCode === 0;
}

/** Kubernetes' getPhase. */
function podPhase(pod: Pod, init: readonly ContainerStatus[], app: readonly ContainerStatus[]): Phase {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const initFailed = init.some((s) => s.state?.terminated !== undefined && !succeeded(s));
  if (initFailed && policy === 'Never') return 'Failed';
  if (!init.every(succeeded)) return 'Pending';

  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let ok = 0;
  for (const s of app) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) ok++;
    } else if (s.lastState?.terminated)
      stopped++; // restarting: it has run before
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (policy === 'Always') return 'Running';
  if (stopped === ok && stopped === app.length) return 'Succeeded';
  if (policy === 'Never') return 'Failed';
  return 'Running';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): Condition {
  const c: Condition = { type, status: ok ? 'True' : 'False' };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function containersReadyCondition(type: string, notReady: readonly string[], phase: Phase): Condition {
  if (phase === 'Succeeded' || phase === 'Failed') return condition(type, false, 'PodCompleted');
  if (notReady.length === 0) return condition(type, true);
  return condition(
    type,
    false,
    'ContainersNotReady',
    `containers with unready status: [${notReady.join(' ')}]`,
  );
}

function withTransitionTime(
  c: Condition,
  previous: readonly Condition[] | undefined,
  now: string,
): Condition {
  const before = previous?.find((p) => p.type === c.type);
  const since = before && before.status === c.status ? (before.lastTransitionTime ?? now) : now;
  return { ...c, lastTransitionTime: since };
}

function containerId(c: ObservedContainer): string {
  return `docker://${c.id}`;
}

function iso(d: Date): string {
  return d.toISOString();
}
