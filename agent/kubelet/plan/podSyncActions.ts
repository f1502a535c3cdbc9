// What the executor does to the engine for one pod, in order.
//
// Every action names the pod container it is about (`container`, `POD` for the sandbox), so the executor can
// skip the rest of a container's actions once one fails (no create after a failed pull) and carry on with
// the others. A container created in this plan has no id yet: `startContainer` then names it by its engine
// name, which the executor maps to the id `createContainer` returned.

import type { ContainerCreateSpec } from '../runtime/ContainerRuntime.ts';
import type { LabelledContainer } from './labels.ts';

export type PodSyncAction =
  /** Create the pod's sandbox; a `startContainer` for it follows. */
  | { type: 'createSandbox'; container: string; spec: ContainerCreateSpec }
  | { type: 'pullImage'; container: string; image: string }
  | { type: 'createContainer'; container: string; spec: ContainerCreateSpec }
  /** `id` when the container already existed; otherwise the one created under `name` earlier in this plan. */
  | { type: 'startContainer'; container: string; name: string; id?: string }
  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  | { type: 'stopContainer'; container: string; id: string; graceSeconds: number }
  /** Only ever of a stopped container (or one stopped earlier in this plan). */
  | { type: 'removeContainer'; container: string; id: string }
  | { type: 'removeSandbox'; container: string; id: string };

export type PodSyncActionType = PodSyncAction['type'];

export function stopAction(c: LabelledContainer, graceSeconds: number): PodSyncAction {
  return { type: 'stopContainer', container: c.identity.containerName, id: c.container.id, graceSeconds };
}

export function removeAction(c: LabelledContainer): PodSyncAction {
  return c.identity.role === 'sandbox'
    ? { type: 'removeSandbox', container: c.identity.containerName, id: c.container.id }
    : { type: 'removeContainer', container: c.identity.containerName, id: c.container.id };
}

export function startAction(c: LabelledContainer): PodSyncAction {
  return {
    type: 'startContainer',
    container: c.identity.containerName,
    name: c.container.name,
    id: c.container.id,
  };
}
