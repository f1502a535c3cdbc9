// The scheduler's working picture of the nodes during one pass: what each node can give and what is already
// asked of it, in flat arrays indexed by node (sorted by name, which is also the tie-break order), updated
// in memory as each pod is placed so later pods of the same pass see earlier placements.

import type { Node, Pod } from '../../../shared/model/types.ts';
import { controllerRef } from '../ownerRefs.ts';
import { TopologyIndex } from './podAffinity.ts';
import { nodeAllocatable, podResources } from './podResources.ts';
import { normalizeImageName } from './scores.ts';
import { effectiveTaints, type Taint } from './taints.ts';

/** A host port a pod wants: `TCP/8080` on an address (0.0.0.0 = every address). */
export interface HostPort {
  port: string;
  ip: string;
}

const ANY_ADDRESS = '0.0.0.0';

export function hostPortsOf(pod: Pod): HostPort[] {
  const ports: HostPort[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (p.hostPort === undefined || p.hostPort <= 0) continue;
      ports.push({ port: `${p.protocol ?? 'TCP'}/${p.hostPort}`, ip: p.hostIP || ANY_ADDRESS });
    }
  }
  return ports;
}

export class NodeTable {
  readonly nodes: readonly Node[];
  readonly indexByName = new Map<string, number>();
  readonly taints: readonly (readonly Taint[])[];
  readonly allocMilliCpu: Float64Array;
  readonly allocMemory: Float64Array;
  readonly allocPods: Float64Array;
  /** Exact requests of the pods on the node (the fit filter). */
  readonly reqMilliCpu: Float64Array;
  readonly reqMemory: Float64Array;
  /** Requests with kube-scheduler's non-zero defaults (the least-allocated score). */
  readonly nzMilliCpu: Float64Array;
  readonly nzMemory: Float64Array;
  readonly podCount: Int32Array;
  /** Host ports in use per node: port → addresses bound. Undefined until a pod takes one. */
  readonly usedPorts: (Map<string, Set<string>> | undefined)[];
  /** Pods per node of each controller (ownerReference uid). */
  readonly ownerCounts = new Map<string, Int32Array>();
  readonly topology = new TopologyIndex();
  #images: (ReadonlySet<string> | undefined)[] | undefined;

  constructor(nodes: readonly Node[], assigned: readonly Pod[]) {
    this.nodes = [...nodes].sort((a, b) =>
      a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0,
    );
    const n = this.nodes.length;
    this.allocMilliCpu = new Float64Array(n);
    this.allocMemory = new Float64Array(n);
    this.allocPods = new Float64Array(n);
    this.reqMilliCpu = new Float64Array(n);
    this.reqMemory = new Float64Array(n);
    this.nzMilliCpu = new Float64Array(n);
    this.nzMemory = new Float64Array(n);
    this.podCount = new Int32Array(n);
    this.usedPorts = new Array(n).fill(undefined);
    this.taints = this.nodes.map(effectiveTaints);
    this.nodes.forEach((node, i) => {
      this.indexByName.set(node.metadata.name, i);
      const alloc = nodeAllocatable(node.status?.allocatable);
      this.allocMilliCpu[i] = alloc.milliCpu;
      this.allocMemory[i] = alloc.memory;
      this.allocPods[i] = alloc.pods;
    });
    for (const pod of assigned) {
      const i = pod.spec.nodeName === undefined ? undefined : this.indexByName.get(pod.spec.nodeName);
      if (i !== undefined) this.place(pod, i);
    }
  }

  /** Accounts `pod` on node `i`: its requests, pod count, host ports, owner count and inter-pod terms. */
  place(pod: Pod, i: number): void {
    const { requests, nonZero } = podResources(pod);
    this.reqMilliCpu[i] = (this.reqMilliCpu[i] as number) + requests.milliCpu;
    this.reqMemory[i] = (this.reqMemory[i] as number) + requests.memory;
    this.nzMilliCpu[i] = (this.nzMilliCpu[i] as number) + nonZero.milliCpu;
    this.nzMemory[i] = (this.nzMemory[i] as number) + nonZero.memory;
    this.podCount[i] = (this.podCount[i] as number) + 1;
    for (const { port, ip } of hostPortsOf(pod)) {
      const used = this.usedPorts[i] ?? new Map<string, Set<string>>();
      this.usedPorts[i] = used;
      const ips = used.get(port) ?? new Set<string>();
      used.set(port, ips);
      ips.add(ip);
    }
    const owner = controllerRef(pod)?.uid;
    if (owner !== undefined) {
      const counts = this.ownerCounts.get(owner) ?? new Int32Array(this.nodes.length);
      this.ownerCounts.set(owner, counts);
      counts[i] = (counts[i] as number) + 1;
    }
    this.topology.add(pod, this.nodes[i] as Node);
  }

  /** NodePorts: a wanted port clashes when the same port is bound on the same address or on every address. */
  portsConflict(i: number, wanted: readonly HostPort[]): boolean {
    const used = this.usedPorts[i];
    if (!used) return false;
    for (const { port, ip } of wanted) {
      const ips = used.get(port);
      if (ips && (ip === ANY_ADDRESS || ips.has(ANY_ADDRESS) || ips.has(ip))) return true;
    }
    return false;
  }

  /** The node's images, normalized; undefined when it reports none. */
  imagesOf(i: number): ReadonlySet<string> | undefined {
    this.#images ??= this.nodes.map((node) => {
      const images = node.status?.images;
      if (!images?.length) return undefined;
      return new Set(images.flatMap((img) => img.names.map(normalizeImageName)));
    });
    return this.#images[i];
  }
}
