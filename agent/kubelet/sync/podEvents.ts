// Kubernetes' kubelet events, in its words, for what the executor did to a pod and for why a container waits.

import type { Pod, PodStatus } from '../../../shared/model/types.ts';
import type { EventRecord, InvolvedObject } from '../../events/EventRecorder.ts';
import { involvedObjectOf } from '../../events/EventRecorder.ts';
import { SANDBOX_CONTAINER_NAME } from '../plan/labels.ts';
import type { PodSyncAction } from '../plan/podSyncActions.ts';
import { type ActionOutcome, pullFailureMessage } from './executeActions.ts';

export function podObject(pod: Pod, fieldPath?: string): InvolvedObject {
  return involvedObjectOf(pod, fieldPath);
}

/** `spec.containers{web}` or `spec.initContainers{setup}`. */
export function containerFieldPath(pod: Pod, container: string): string | undefined {
  if (container === SANDBOX_CONTAINER_NAME) return undefined;
  const init = pod.spec.initContainers?.some((c) => c.name === container);
  return init ? `spec.initContainers{${container}}` : `spec.containers{${container}}`;
}

function event(pod: Pod, container: string, type: 'Normal' | 'Warning', reason: string, message: string) {
  const record: EventRecord = {
    involvedObject: podObject(pod, containerFieldPath(pod, container)),
    type,
    reason,
    message,
  };
  return record;
}

/** The event that marks the start of an action, when Kubernetes records one. */
export function actionStartEvent(pod: Pod, action: PodSyncAction): EventRecord | undefined {
  if (action.type === 'pullImage') {
    // A series, so that the pull's progress updates this one event (see pullProgress.ts).
    return {
      ...event(pod, action.container, 'Normal', 'Pulling', `Pulling image "${action.image}"`),
      series: pullSeries(pod, action.image),
    };
  }
  if (action.type === 'stopContainer' && action.container !== SANDBOX_CONTAINER_NAME) {
    return event(pod, action.container, 'Normal', 'Killing', `Stopping container ${action.container}`);
  }
  return undefined;
}

export function actionOutcomeEvents(pod: Pod, outcome: ActionOutcome): EventRecord[] {
  const { action } = outcome;
  if (action.container === SANDBOX_CONTAINER_NAME) {
    return outcome.ok
      ? []
      : [
          event(
            pod,
            action.container,
            'Warning',
            'FailedCreatePodSandBox',
            `Failed to create pod sandbox: ${outcome.error.message}`,
          ),
        ];
  }
  if (!outcome.ok) {
    if (action.type === 'pullImage') {
      const message = pullFailureMessage(outcome.error);
      return [
        event(
          pod,
          action.container,
          'Warning',
          'Failed',
          `Failed to pull image "${action.image}": ${message}`,
        ),
        event(pod, action.container, 'Warning', 'Failed', 'Error: ErrImagePull'),
      ];
    }
    return [event(pod, action.container, 'Warning', 'Failed', `Error: ${outcome.error.message}`)];
  }
  switch (action.type) {
    case 'pullImage':
      return [
        event(
          pod,
          action.container,
          'Normal',
          'Pulled',
          `Successfully pulled image "${action.image}" in ${(outcome.ms / 1000).toFixed(3)}s`,
        ),
      ];
    case 'createContainer':
      return [event(pod, action.container, 'Normal', 'Created', `Created container ${action.container}`)];
    case 'startContainer':
      return [event(pod, action.container, 'Normal', 'Started', `Started container ${action.container}`)];
    default:
      return [];
  }
}

type ContainerStatus = NonNullable<PodStatus['containerStatuses']>[number];

/**
 * Events for containers that newly wait for a reason worth telling (back-off, a config error…). Compared
 * with the previous status so a container stuck in back-off gives one event per back-off, not one per sync.
 */
export function waitingEvents(pod: Pod, previous: PodStatus | undefined, next: PodStatus): EventRecord[] {
  const before = new Map<string, ContainerStatus>();
  for (const s of [...(previous?.initContainerStatuses ?? []), ...(previous?.containerStatuses ?? [])]) {
    before.set(s.name, s);
  }
  const records: EventRecord[] = [];
  for (const s of [...(next.initContainerStatuses ?? []), ...(next.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting;
    if (!waiting?.reason) continue;
    const old = before.get(s.name);
    const same =
      old?.state?.waiting?.reason === waiting.reason &&
      old.restartCount === s.restartCount &&
      old.state.waiting.message === waiting.message;
    if (same) continue;
    const image = pod.spec.containers
      .concat(pod.spec.initContainers ?? [])
      .find((c) => c.name === s.name)?.image;
    switch (waiting.reason) {
      case 'CrashLoopBackOff':
        records.push(event(pod, s.name, 'Warning', 'BackOff', 'Back-off restarting failed container'));
        break;
      case 'ImagePullBackOff':
        records.push(event(pod, s.name, 'Normal', 'BackOff', `Back-off pulling image "${image ?? ''}"`));
        records.push(event(pod, s.name, 'Warning', 'Failed', 'Error: ImagePullBackOff'));
        break;
      case 'ErrImageNeverPull':
      case 'CreateContainerConfigError':
        records.push(event(pod, s.name, 'Warning', 'Failed', `Error: ${waiting.message ?? waiting.reason}`));
        break;
    }
  }
  return records;
}

/** The event series of one pull of `image` for `pod`. */
export function pullSeries(pod: Pod, image: string): string {
  return `pull/${pod.metadata.uid ?? pod.metadata.name}/${image}`;
}
