// The node lifecycle controller's plan for one node (Kubernetes' node lifecycle controller with
// taint-based eviction, pkg/controller/nodelifecycle and pkg/controller/tainteviction):
// - taints: not-ready/unreachable NoExecute while the Ready condition says so (the leader's readiness rule
//   writes Ready from heartbeats, agent/node/nodeReadiness.ts);
// - pods on a node that is not Ready are marked not Ready (MarkPodsNotReady), so Services stop sending
//   them traffic before they are evicted;
// - pods whose toleration of the node's NoExecute taints ran out are evicted: marked for graceful deletion
//   exactly as the API deletes a pod, and stamped with the leader's term. Their kubelet is gone, so they stay
//   Terminating until it comes back and stops them; their controllers do not count them (not active) and
//   create replacements.
// Finished pods (Succeeded, Failed) are left alone: they run nothing, and a Job still counts them.

import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Node, Pod, PodStatus } from '../../../shared/model/types.ts';
import { DEFAULT_POD_GRACE_SECONDS } from '../../api/podDeletion.ts';
import type { EventRecord } from '../../events/EventRecorder.ts';
import { conditionTime } from '../../node/nodeConditions.ts';
import type { ControllerAction, ReconcileResult } from '../controllerTypes.ts';
import { objectEvent } from '../objectEvent.ts';
import { DEFAULT_TOLERATION_SECONDS, evictionTime } from './evictionTiming.ts';
import { desiredTaints, nodeReadyStatus, type Taint } from './taints.ts';

/** On a pod the node lifecycle controller evicted: the leader term that decided it (fencing, audits). */
export const EVICTED_TERM_ANNOTATION = 'shoal.dev/evicted-term';
const SOURCE = 'node-controller';

export interface NodeLifecycleInput {
  node: Node;
  /** The pods bound to this node (`spec.nodeName`). */
  pods: readonly Pod[];
  now: Date;
  term: number;
  defaultTolerationSeconds?: number;
}

export function planNodeLifecycle(input: NodeLifecycleInput): ReconcileResult {
  const { node, now } = input;
  const actions: ControllerAction[] = [];
  const taints = desiredTaints(node, now);
  if (!isDeepStrictEqual(taints, node.spec?.taints ?? [])) actions.push(taintUpdate(node, taints));

  const notReady = nodeReadyStatus(node) === 'False' || nodeReadyStatus(node) === 'Unknown';
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  let nextMs: number | undefined;
  for (const pod of input.pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    // The spec write goes first: it is conditional on the resourceVersion this plan read, which the status
    // write of the same batch would change.
    if (pod.metadata.deletionTimestamp === undefined && noExecute.length > 0) {
      const at = evictionTime(
        pod,
        noExecute,
        now,
        input.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS,
      );
      if (at !== undefined && at <= now.getTime()) actions.push(...eviction(pod, now, input.term));
      else if (at !== undefined) nextMs = Math.min(nextMs ?? Number.POSITIVE_INFINITY, at - now.getTime());
    }
    if (notReady) actions.push(...markNotReady(pod, now));
  }
  return nextMs === undefined ? { actions } : { actions, requeueAfterMs: nextMs };
}

function taintUpdate(node: Node, taints: readonly Taint[]): ControllerAction {
  const updated = structuredClone(node) as Node;
  const spec = { ...updated.spec };
  if (taints.length > 0) spec.taints = [...taints];
  else delete spec.taints;
  updated.spec = spec;
  return { type: 'update', object: updated as KubeObject };
}

/** Graceful deletion as the API does it (agent/api/podDeletion.ts), with the term stamped, in one write. */
function eviction(pod: Pod, now: Date, term: number): ControllerAction[] {
  const marked = structuredClone(pod) as Pod;
  marked.metadata.deletionTimestamp = now.toISOString();
  marked.metadata.deletionGracePeriodSeconds =
    pod.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  marked.metadata.annotations = { ...marked.metadata.annotations, [EVICTED_TERM_ANNOTATION]: String(term) };
  const namespace = pod.metadata.namespace ?? 'default';
  return [
    { type: 'update', object: marked as KubeObject },
    podEvent(
      pod,
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${namespace}/${pod.metadata.name}`,
    ),
  ];
}

/** Kubernetes' MarkPodsNotReady: the Ready condition turns False; nothing else of the status changes. */
function markNotReady(pod: Pod, now: Date): ControllerAction[] {
  const conditions = pod.status?.conditions;
  const ready = conditions?.find((c) => c.type === 'Ready');
  if (!conditions || !ready || ready.status === 'False') return [];
  const status: PodStatus = {
    ...pod.status,
    conditions: conditions.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: conditionTime(now.getTime()) } : c,
    ),
  };
  return [
    {
      type: 'updateStatus',
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      status,
    },
    podEvent(pod, 'Warning', 'NodeNotReady', 'Node is not ready'),
  ];
}

function podEvent(pod: Pod, type: EventRecord['type'], reason: string, message: string): ControllerAction {
  return objectEvent(pod, type, reason, message, SOURCE);
}
