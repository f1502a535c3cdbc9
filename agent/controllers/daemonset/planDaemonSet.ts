// The DaemonSet planner (Kubernetes' daemon controller, pkg/controller/daemon): one pod on every eligible
// node. Per node: create the pod when it belongs there and there is none; delete failed pods, extra pods
// (the oldest stays) and pods on nodes that no longer want them; pods bound to nodes that are gone are
// removed at once, since no kubelet will finish a graceful deletion there. When that leaves nothing to do,
// a rolling update replaces old pods within maxUnavailable (or maxSurge). Then the status. Pure: all comes in the input.

import { isDeepStrictEqual } from 'node:util';
import type { DaemonSet, Node, Pod } from '../../../shared/model/types.ts';
import type { ControllerAction, ReconcileResult } from '../controllerTypes.ts';
import { objectEvent } from '../objectEvent.ts';
import { isPodAvailable, isPodReady, podReadySince } from '../podUtil.ts';
import { compareOldestFirst, isPodUpdated, newDaemonPod } from './daemonPods.ts';
import { type DaemonPlacement, nodeShouldRunDaemonPod } from './nodeEligibility.ts';
import { allowsSurge, planUnavailableUpdate } from './rollingUpdate.ts';
import { planSurgeUpdate, surplusWhileSurging } from './surgeUpdate.ts';
import { templateHash } from './templateHash.ts';

export type DaemonSetStatus = NonNullable<DaemonSet['status']>;

export interface DaemonSetPlanInput {
  ds: DaemonSet;
  /** The pods `ds` controls. */
  pods: readonly Pod[];
  nodes: readonly Node[];
  now: Date;
  /** The leader's term, stamped on each pod's assignment. */
  term: number;
  /** A fresh pod name (`<ds>-<5 random>`), taken by no pod. */
  newPodName(): string;
}

interface Deletion {
  pod: Pod;
  /** 0 for a pod whose node is gone: no kubelet will finish a graceful deletion. */
  gracePeriodSeconds?: number;
}

interface Manage {
  createOn: string[];
  deletions: Deletion[];
  warnings: ControllerAction[];
}

export function planDaemonSet(input: DaemonSetPlanInput): ReconcileResult {
  const { ds, nodes, now } = input;
  // Being deleted: the garbage collector takes the pods.
  if (ds.metadata.deletionTimestamp !== undefined) return { actions: [] };
  const hash = templateHash(ds.spec.template);
  const podsByNode = groupByNode(input.pods);
  const placements = new Map<string, DaemonPlacement>(
    nodes.map((n) => [n.metadata.name, nodeShouldRunDaemonPod(ds.spec.template.spec, n)]),
  );

  const managed = manage(ds, podsByNode, placements, hash, now);
  let { deletions, createOn } = managed;
  if (createOn.length === 0 && deletions.length === 0 && isRollingUpdate(ds)) {
    // Like Kubernetes, roll only once the manage step has nothing left to do, so what it counts is settled.
    const desired = [...placements.values()].filter((p) => p.shouldRun).length;
    if (allowsSurge(ds)) {
      const surge = planSurgeUpdate(ds, podsByNode, placements, desired, hash, now);
      deletions = surge.deletions.map((pod) => ({ pod }));
      createOn = surge.createOn;
    } else {
      deletions = planUnavailableUpdate(ds, podsByNode, desired, hash, now).map((pod) => ({ pod }));
    }
  }

  const actions: ControllerAction[] = [...managed.warnings];
  for (const nodeName of createOn) {
    const pod = newDaemonPod(ds, nodeName, hash, input.term, input.newPodName());
    actions.push({ type: 'create', object: pod });
    actions.push(dsEvent(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`));
  }
  for (const { pod, gracePeriodSeconds } of deletions) {
    actions.push({
      type: 'delete',
      kind: 'Pod',
      namespace: namespaceOf(ds),
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    });
    actions.push(dsEvent(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`));
  }

  const status = statusOf(ds, nodes, placements, podsByNode, hash, now);
  if (!isDeepStrictEqual(status, ds.status ?? {})) {
    actions.push({
      type: 'updateStatus',
      kind: 'DaemonSet',
      namespace: namespaceOf(ds),
      name: ds.metadata.name,
      status,
    });
  }
  const wait = nextAvailability(ds, input.pods, now);
  return { actions, ...(wait !== undefined ? { requeueAfterMs: wait } : {}) };
}

function isRollingUpdate(ds: DaemonSet): boolean {
  return (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** The pods on each node, in node name order; pods with no node under ''. */
function groupByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = pod.spec.nodeName ?? '';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return new Map([...byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Kubernetes' manage and podsShouldBeOnNode, plus removal of pods whose node is gone. */
function manage(
  ds: DaemonSet,
  podsByNode: ReadonlyMap<string, readonly Pod[]>,
  placements: ReadonlyMap<string, DaemonPlacement>,
  hash: string,
  now: Date,
): Manage {
  const out: Manage = { createOn: [], deletions: [], warnings: [] };
  const surge = allowsSurge(ds);
  for (const [nodeName, placement] of placements) {
    const pods = podsByNode.get(nodeName) ?? [];
    // A pod still terminating counts as present: its replacement comes once it is gone.
    if (placement.shouldRun && pods.length === 0) {
      out.createOn.push(nodeName);
    } else if (placement.shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata.deletionTimestamp !== undefined) continue;
        const phase = pod.status?.phase;
        if (phase === 'Failed') {
          out.warnings.push(
            dsEvent(
              ds,
              'Warning',
              'FailedDaemonPod',
              `Found failed daemon pod ${namespaceOf(ds)}/${pod.metadata.name} on node ${nodeName}, will try to kill it`,
            ),
          );
          out.deletions.push({ pod });
        } else if (phase === 'Succeeded') {
          out.deletions.push({ pod });
        } else {
          running.push(pod);
        }
      }
      // More than one: the oldest stays (while surging, the oldest new one and the old one it replaces).
      const surplus = surge
        ? surplusWhileSurging(running, hash, ds.spec.minReadySeconds ?? 0, now)
        : running.sort(compareOldestFirst).slice(1);
      for (const pod of surplus) out.deletions.push({ pod });
    } else {
      for (const pod of pods) if (pod.metadata.deletionTimestamp === undefined) out.deletions.push({ pod });
    }
  }
  for (const [nodeName, pods] of podsByNode) {
    if (placements.has(nodeName)) continue;
    for (const pod of pods) out.deletions.push({ pod, gracePeriodSeconds: 0 });
  }
  return out;
}

/** Kubernetes' updateDaemonSetStatus: counted over the nodes, from each node's oldest pod. */
function statusOf(
  ds: DaemonSet,
  nodes: readonly Node[],
  placements: ReadonlyMap<string, DaemonPlacement>,
  podsByNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string,
  now: Date,
): DaemonSetStatus {
  const minReady = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of nodes) {
    const pods = podsByNode.get(node.metadata.name) ?? [];
    if (!placements.get(node.metadata.name)?.shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    const pod = [...pods].sort(compareOldestFirst)[0];
    if (!pod) continue;
    current++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash)) updated++;
  }
  return {
    ...(ds.status?.conditions ? { conditions: ds.status.conditions } : {}),
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    ...(ds.metadata.generation !== undefined ? { observedGeneration: ds.metadata.generation } : {}),
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
}

/** With minReadySeconds: when the next Ready pod becomes available (status and rolling update move then). */
function nextAvailability(ds: DaemonSet, pods: readonly Pod[], now: Date): number | undefined {
  const minReady = ds.spec.minReadySeconds ?? 0;
  if (minReady <= 0) return undefined;
  const waits = pods
    .map((p) => podReadySince(p))
    .filter((since): since is Date => since !== undefined)
    .map((since) => since.getTime() + minReady * 1000 - now.getTime())
    .filter((ms) => ms > 0);
  return waits.length > 0 ? Math.min(...waits) : undefined;
}

function dsEvent(
  ds: DaemonSet,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
): ControllerAction {
  return objectEvent(ds, type, reason, message);
}

function namespaceOf(ds: DaemonSet): string {
  return ds.metadata.namespace ?? 'default';
}
