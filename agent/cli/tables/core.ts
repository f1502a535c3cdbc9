// kubectl's columns for pods, nodes, namespaces, config maps, secrets and events
// (k8s.io/kubernetes/pkg/printers/internalversion/printers.go).
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { ConfigMap, Namespace, Node, Pod, Secret } from '../../../shared/model/types.ts';
import { ageSince } from './age.ts';
import { orNone } from './cells.ts';
import type { KindColumns } from './types.ts';

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function hasCondition(conditions: { type: string; status: string }[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** printPod: READY, STATUS (the reason kubectl derives from phase and container states), RESTARTS. */
export function podSummary(pod: Pod, now: Date): { ready: string; status: string; restarts: string } {
  const status = pod.status ?? {};
  const initContainers = pod.spec.initContainers ?? [];
  let restarts = 0;
  let readyContainers = 0;
  let lastRestart = 0;
  let reason: string = status.phase ?? 'Pending';
  if (status.reason) reason = status.reason;
  const noteRestart = (c: ContainerStatus) => {
    restarts += c.restartCount;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
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

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart > 0) {
    restartsText = `${restarts} (${ageSince(new Date(lastRestart).toISOString(), now)} ago)`;
  }
  return {
    ready: `${readyContainers}/${pod.spec.containers.length}`,
    status: reason,
    restarts: restartsText,
  };
}

export const podColumns: KindColumns = {
  headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  wideHeaders: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  row(obj, now) {
    const pod = obj as Pod;
    const s = podSummary(pod, now);
    return [s.ready, s.status, s.restarts, ageSince(pod.metadata.creationTimestamp, now)];
  },
  wideRow(obj) {
    const pod = obj as Pod;
    const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
    return [orNone(ip), orNone(pod.spec.nodeName), orNone(pod.status?.nominatedNodeName), '<none>'];
  },
};

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodeColumns: KindColumns = {
  headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
  wideHeaders: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
  row(obj, now) {
    const node = obj as Node;
    const roles = nodeRoles(node).join(',');
    return [
      nodeStatus(node),
      roles || '<none>',
      ageSince(node.metadata.creationTimestamp, now),
      node.status?.nodeInfo?.kubeletVersion ?? '',
    ];
  },
  wideRow(obj) {
    const node = obj as Node;
    const info = node.status?.nodeInfo ?? {};
    return [
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

export const namespaceColumns: KindColumns = {
  headers: ['NAME', 'STATUS', 'AGE'],
  row(obj, now) {
    const ns = obj as Namespace;
    return [ns.status?.phase ?? 'Active', ageSince(ns.metadata.creationTimestamp, now)];
  },
};

export const configMapColumns: KindColumns = {
  headers: ['NAME', 'DATA', 'AGE'],
  row(obj, now) {
    const cm = obj as ConfigMap;
    const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return [String(count), ageSince(cm.metadata.creationTimestamp, now)];
  },
};

export const secretColumns: KindColumns = {
  headers: ['NAME', 'TYPE', 'DATA', 'AGE'],
  row(obj, now) {
    const s = obj as Secret;
    const count = Object.keys(s.data ?? {}).length;
    return [s.type ?? 'Opaque', String(count), ageSince(s.metadata.creationTimestamp, now)];
  },
};
