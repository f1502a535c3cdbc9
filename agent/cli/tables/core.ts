// kubectl's columns for pods, nodes, namespaces, config maps, secrets and events
// (k8s.io/kubernetes/pkg/printers/internalversion/printers.go).
import { restartsText, podSummary as summarizePod } from '../../../shared/display/podStatus.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { ConfigMap, Namespace, Node, Pod, Secret } from '../../../shared/model/types.ts';
import { ageSince } from './age.ts';
import { orNone } from './cells.ts';
import type { KindColumns } from './types.ts';

/** printPod's READY, STATUS and RESTARTS cells at `now` (the rules: shared/display/podStatus.ts). */
export function podSummary(pod: Pod, now: Date): { ready: string; status: string; restarts: string } {
  const summary = summarizePod(pod);
  return { ready: summary.ready, status: summary.status, restarts: restartsText(summary, now.getTime()) };
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
