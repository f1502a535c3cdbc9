// The scheduler as a controller of the leader: one key for the whole queue, because placements made in one
// pass must see each other (room, host ports, anti-affinity, spreading). A new pending pod, and any change
// that may make one placeable (a node joins or changes, a pod ends or is removed and frees room), enqueues
// the key; the resync retries the rest. The decisions are schedulePods'; this file turns them into writes.
//
// A placed pod gets spec.nodeName and the leader's term (fencing), conditional on the resourceVersion the
// decision was made from; its kubelet writes PodScheduled True when it takes the pod. A pod that fits
// nowhere gets PodScheduled False (Unschedulable) and a FailedScheduling event, only when the message
// changes, so a resync of an unchanged cluster writes nothing.

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Node, Pod, PodStatus } from '../../../shared/model/types.ts';
import { involvedObjectOf } from '../../events/EventRecorder.ts';
import { ASSIGNED_TERM_ANNOTATION } from '../../kubelet/sync/fencing.ts';
import type {
  ClusterView,
  Controller,
  ControllerAction,
  ControllerContext,
  ReconcileResult,
} from '../controllerTypes.ts';
import {
  needsScheduling,
  occupiesNode,
  type Placement,
  partitionPods,
  type SchedulingFailure,
  schedulePods,
} from './schedulePods.ts';

/** The one key of the scheduler: every pending pod is placed in the same pass. */
export const SCHEDULER_KEY = 'pending';

/** Placements per pass: bounds one tick's document change; the rest follow at once in the next tick. */
export const MAX_PLACEMENTS_PER_PASS = 1000;

type PodCondition = NonNullable<PodStatus['conditions']>[number];

/** The binding: spec.nodeName and the term, on a copy (objects from the view are frozen). */
export function bindingActions(placement: Placement, term: number): ControllerAction[] {
  const { pod, nodeName } = placement;
  const bound: Pod = {
    ...pod,
    metadata: {
      ...pod.metadata,
      annotations: { ...pod.metadata.annotations, [ASSIGNED_TERM_ANNOTATION]: String(term) },
    },
    spec: { ...pod.spec, nodeName },
  };
  const namespace = pod.metadata.namespace ?? 'default';
  return [
    { type: 'update', object: bound as KubeObject },
    {
      type: 'event',
      event: {
        involvedObject: involvedObjectOf(pod),
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned ${namespace}/${pod.metadata.name} to ${nodeName}`,
      },
    },
  ];
}

/** PodScheduled False and a FailedScheduling event, unless the pod already says exactly that. */
export function unschedulableActions(failure: SchedulingFailure, now: Date): ControllerAction[] {
  const { pod, message } = failure;
  const previous = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (
    pod.status?.phase === 'Pending' &&
    previous?.status === 'False' &&
    previous.reason === 'Unschedulable' &&
    previous.message === message
  ) {
    return [];
  }
  const condition: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
    // The transition is when the pod became unschedulable, not when the reason last changed.
    lastTransitionTime:
      previous?.status === 'False' && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : now.toISOString(),
  };
  const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  const status: PodStatus = { ...pod.status, phase: 'Pending', conditions: [...others, condition] };
  return [
    {
      type: 'updateStatus',
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      status,
    },
    {
      type: 'event',
      event: { involvedObject: involvedObjectOf(pod), type: 'Warning', reason: 'FailedScheduling', message },
    },
  ];
}

export class SchedulerController implements Controller {
  readonly name = 'scheduler';
  readonly #maxPlacements: number;

  constructor(opts: { maxPlacementsPerPass?: number } = {}) {
    this.#maxPlacements = opts.maxPlacementsPerPass ?? MAX_PLACEMENTS_PER_PASS;
  }

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    if (obj.kind === 'Node') return [SCHEDULER_KEY];
    if (obj.kind !== 'Pod') return [];
    const pod = obj as Pod;
    // A pod waiting, a pod that ended (its room is free) or one removed from the store all matter. A
    // running pod's status updates (the bulk of the traffic) do not: they neither free nor take room.
    if (needsScheduling(pod) || !occupiesNode(pod)) return [SCHEDULER_KEY];
    return view.get('Pod', pod.metadata.namespace, pod.metadata.name) === undefined ? [SCHEDULER_KEY] : [];
  }

  allKeys(): string[] {
    return [SCHEDULER_KEY];
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    if (key !== SCHEDULER_KEY) return { actions: [] };
    const { pending, assigned } = partitionPods(ctx.view.list('Pod') as Pod[]);
    if (pending.length === 0) return { actions: [] };
    const nodes = ctx.view.list('Node') as Node[];
    const result = schedulePods(pending, nodes, assigned, { maxPlacements: this.#maxPlacements });
    const actions = [
      ...result.placements.flatMap((p) => bindingActions(p, ctx.term)),
      ...result.failures.flatMap((f) => unschedulableActions(f, ctx.now)),
    ];
    // Pods left for the next pass go at once: the writes of this one land first, and it sees them.
    return result.deferred.length > 0 ? { actions, requeueAfterMs: 0 } : { actions };
  }
}
