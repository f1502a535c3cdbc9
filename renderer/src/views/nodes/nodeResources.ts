// Facts about nodes the Overview and Nodes views show: readiness, roles, what is allocatable and how much
// of it pods request. Requests follow the scheduler's rule: a pod asks for the larger of the sum of its
// containers and its largest init container; pods that finished hold nothing.
import { parseQuantity } from '../../../../shared/model/quantity.ts';
import type { Node, Pod } from '../../../../shared/model/types.ts';
import type { ClusterStatus } from '../../connection/ClusterConnection.ts';

export type Readiness = 'Ready' | 'NotReady' | 'Unknown';

export function nodeReadiness(node: Node): Readiness {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'Unknown') return 'Unknown';
  return ready.status === 'True' ? 'Ready' : 'NotReady';
}

export function isCordoned(node: Node): boolean {
  return node.spec?.unschedulable === true;
}

/** Roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, plus `leader`. */
export function nodeRoles(node: Node, status: ClusterStatus | undefined): string[] {
  const roles = new Set<string>();
  if (status?.leader?.name === node.metadata.name) roles.add('leader');
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  if (node.metadata.annotations?.['shoal.dev/voter'] !== undefined) roles.add('voter');
  return [...roles];
}

export interface Resources {
  /** Millicores. */
  cpu: number;
  memory: number;
}

/** A quantity in base units (cores, bytes), 0 when absent or invalid: a display must never throw. */
function amount(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const parsed = parseQuantity(q);
  return parsed.ok ? parsed.value : 0;
}

function resourcesOf(list: Record<string, string | number> | undefined): Resources {
  return { cpu: Math.round(amount(list?.cpu) * 1000), memory: Math.round(amount(list?.memory)) };
}

/** What the scheduler may place on the node: allocatable, or capacity when allocatable is not reported. */
export function nodeAllocatable(node: Node): Resources & { pods: number } {
  const list = node.status?.allocatable ?? node.status?.capacity;
  return { ...resourcesOf(list), pods: amount(list?.pods) };
}

export function nodeCapacity(node: Node): Resources & { pods: number } {
  const list = node.status?.capacity;
  return { ...resourcesOf(list), pods: amount(list?.pods) };
}

// Per pod object: the store keeps an unchanged pod's identity, so a change to one pod among 1,000 parses
// one pod's quantities, not all of them.
const requestsCache = new WeakMap<Pod, Resources>();

export function podRequests(pod: Pod): Resources {
  let cached = requestsCache.get(pod);
  if (!cached) {
    cached = computeRequests(pod);
    requestsCache.set(pod, cached);
  }
  return cached;
}

function computeRequests(pod: Pod): Resources {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    const r = resourcesOf(c.resources?.requests);
    cpu += r.cpu;
    memory += r.memory;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = resourcesOf(c.resources?.requests);
    cpu = Math.max(cpu, r.cpu);
    memory = Math.max(memory, r.memory);
  }
  return { cpu, memory };
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export interface NodeLoad extends Resources {
  /** Pods bound to the node that still run or will. */
  pods: number;
}

/** Requests and pod counts per node name, over every pod bound to a node. */
export function loadByNode(pods: readonly Pod[]): Map<string, NodeLoad> {
  const loads = new Map<string, NodeLoad>();
  for (const pod of pods) {
    const node = pod.spec.nodeName;
    if (!node || isTerminal(pod)) continue;
    const r = podRequests(pod);
    const load = loads.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
    load.cpu += r.cpu;
    load.memory += r.memory;
    load.pods += 1;
    loads.set(node, load);
  }
  return loads;
}

/** `1.5` cores from millicores, trimmed: `0.25`, `2`. */
export function formatCores(millicores: number): string {
  return String(Math.round(millicores / 10) / 100);
}

/** Bytes as GiB/MiB with one decimal, for capacity columns. */
export function formatMemory(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}
