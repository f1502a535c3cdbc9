// The pod status of one sync: the planner's decisions laid over what the engine shows.

import type { Container, Pod, PodStatus } from '../../../shared/model/types.ts';
import { type ContainerGroup, groupKey } from './containerGroups.ts';
import { SANDBOX_CONTAINER_NAME } from './labels.ts';
import { buildPodStatus, type ContainerView } from './podStatus.ts';
import type { PodSyncInput } from './podSyncTypes.ts';
import { runState } from './runState.ts';

/** Why a container waits, by pod container name. */
export type Waiting = NonNullable<ContainerView['waiting']>;

/** The status to write; the waiting reasons are the planner's. */
export function syncStatus(
  input: PodSyncInput,
  pod: Pod,
  groups: Map<string, ContainerGroup>,
  waiting: ReadonlyMap<string, Waiting>,
): PodStatus {
  const view = (role: 'init' | 'app', spec: Container): ContainerView => {
    const group = groups.get(groupKey(role, spec.name));
    const w = waiting.get(spec.name);
    return {
      spec,
      ...(group?.current ? { current: group.current } : {}),
      ...(group?.previous ? { previous: group.previous } : {}),
      ...(w ? { waiting: w } : {}),
    };
  };
  const podIP = podIPOf(input, groups);
  return buildPodStatus({
    pod,
    init: (pod.spec.initContainers ?? []).map((c) => view('init', c)),
    app: pod.spec.containers.map((c) => view('app', c)),
    now: input.now,
    ...(input.readiness ? { readiness: input.readiness } : {}),
    ...(input.started ? { started: input.started } : {}),
    ...(input.hostIP ? { hostIP: input.hostIP } : {}),
    ...(podIP ? { podIP } : {}),
    ...(input.startTime ? { startTime: input.startTime } : {}),
  });
}

export function podIPOf(input: PodSyncInput, groups: Map<string, ContainerGroup>): string | undefined {
  if (input.podIP) return input.podIP;
  const sandbox = groups.get(groupKey('sandbox', SANDBOX_CONTAINER_NAME))?.current;
  return sandbox && runState(sandbox.container) === 'running' ? sandbox.container.ipAddress : undefined;
}
