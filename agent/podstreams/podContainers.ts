// Finding a pod's containers on this machine's engine, the way the kubelet does: by the pod's uid label,
// then grouped into the current and previous run of each pod container (containerGroups.ts).
import type { Pod } from '../../shared/model/types.ts';
import { groupContainers, groupKey } from '../kubelet/plan/containerGroups.ts';
import {
  type ContainerRole,
  parseObservedContainers,
  podContainersFilter,
  SANDBOX_CONTAINER_NAME,
} from '../kubelet/plan/labels.ts';
import type { ContainerRuntime, ObservedContainer } from '../kubelet/runtime/ContainerRuntime.ts';
import { PodStreamError } from './errors.ts';

/** The pod's container names: init containers first, then app containers, as kubectl lists them. */
export function podContainerNames(pod: Pod): string[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
}

/** The named container, or the only one; kubectl's words when the name is missing or wrong. */
export function chooseContainer(
  pod: Pod,
  requested: string | undefined,
): { name: string; role: ContainerRole } {
  const name = pod.metadata.name;
  const app = pod.spec.containers.map((c) => c.name);
  const init = (pod.spec.initContainers ?? []).map((c) => c.name);
  if (requested === undefined) {
    if (app.length === 1 && init.length === 0) return { name: app[0] as string, role: 'app' };
    throw new PodStreamError(
      'BadRequest',
      `a container name must be specified for pod ${name}, choose one of: [${podContainerNames(pod).join(' ')}]`,
    );
  }
  if (app.includes(requested)) return { name: requested, role: 'app' };
  if (init.includes(requested)) return { name: requested, role: 'init' };
  throw new PodStreamError(
    'BadRequest',
    `container ${requested} is not valid for pod ${name}: its containers are ${podContainerNames(pod).join(', ')}`,
  );
}

async function podGroups(runtime: ContainerRuntime, pod: Pod) {
  const uid = pod.metadata.uid;
  if (!uid) throw new PodStreamError('InternalError', `pod ${pod.metadata.name} has no uid`);
  const observed = await runtime.listContainers(podContainersFilter(uid));
  const { labelled } = parseObservedContainers(observed);
  // The uid label is enough to find them; the name check keeps a look-alike container from being served.
  const own = labelled.filter(
    (c) => c.identity.podName === pod.metadata.name && c.identity.namespace === pod.metadata.namespace,
  );
  return groupContainers(own);
}

/** The current (or previous) run of a pod container on this engine. */
export async function findContainerRun(
  runtime: ContainerRuntime,
  pod: Pod,
  container: { name: string; role: ContainerRole },
  previous: boolean,
): Promise<ObservedContainer> {
  const group = (await podGroups(runtime, pod)).get(groupKey(container.role, container.name));
  const podName = pod.metadata.name;
  if (previous) {
    const run = group?.previous?.container;
    if (!run)
      throw new PodStreamError(
        'BadRequest',
        `previous terminated container "${container.name}" in pod "${podName}" not found`,
      );
    return run;
  }
  const run = group?.current?.container;
  if (!run)
    throw new PodStreamError(
      'BadRequest',
      `container "${container.name}" in pod "${podName}" is waiting to start: no container on node ` +
        `${pod.spec.nodeName ?? '?'} yet`,
    );
  return run;
}

/**
 * Where the pod's network is: its sandbox's address on this engine. Not `status.podIP`: the document is
 * writable by every member, and the agent must only dial containers its kubelet made.
 */
export async function findPodIp(runtime: ContainerRuntime, pod: Pod): Promise<string> {
  const sandbox = (await podGroups(runtime, pod)).get(groupKey('sandbox', SANDBOX_CONTAINER_NAME))?.current;
  const ip = sandbox?.container.ipAddress;
  if (sandbox?.container.state === 'running' && ip) return ip;
  throw new PodStreamError(
    'BadRequest',
    `pod ${pod.metadata.name} has no running network sandbox on this node`,
  );
}
