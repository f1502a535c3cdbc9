// What a pod asks of a node, as kube-scheduler computes it (k8s.io/component-helpers/resource): the sum of
// the app containers' requests, raised to any init container's request (init containers run one at a
// time, before the app containers). Two views: the exact requests the fit filter checks, and the
// "non-zero" requests the least-allocated score uses, where an unset cpu or memory request counts as
// 100m / 200Mi so that pods without requests still spread instead of piling onto one node.

import { toBytes, toMillicores } from '../../../shared/model/quantity.ts';
import type { Pod } from '../../../shared/model/types.ts';

export interface PodRequests {
  milliCpu: number;
  memory: number;
}

export interface PodResourceView {
  /** What the NodeResourcesFit filter checks against allocatable. */
  requests: PodRequests;
  /** What the LeastAllocated score adds (unset requests count as the defaults below). */
  nonZero: PodRequests;
}

/** kube-scheduler's DefaultMilliCPURequest and DefaultMemoryRequest, for scoring only. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type Container = Pod['spec']['containers'][number];

// A cluster has few distinct quantity strings, and parsing one is exact BigInt arithmetic: remember them.
const milliCpuOf = new Map<string, number>();
const bytesOf = new Map<string, number>();

function cachedParse(cache: Map<string, number>, parse: (q: string) => number, q: string): number {
  let v = cache.get(q);
  if (v === undefined) {
    v = parse(q);
    if (cache.size < 10_000) cache.set(q, v);
  }
  return v;
}

function containerRequests(c: Container): { cpu?: number; memory?: number } {
  const req = c.resources?.requests;
  const cpu = req?.cpu;
  const memory = req?.memory;
  return {
    ...(cpu === undefined ? {} : { cpu: cachedParse(milliCpuOf, toMillicores, String(cpu)) }),
    ...(memory === undefined ? {} : { memory: cachedParse(bytesOf, toBytes, String(memory)) }),
  };
}

// Objects from the store are frozen and replaced on every write, so a pod object's view never goes stale.
const views = new WeakMap<Pod, PodResourceView>();

export function podResources(pod: Pod): PodResourceView {
  const known = views.get(pod);
  if (known) return known;
  const requests = { milliCpu: 0, memory: 0 };
  const nonZero = { milliCpu: 0, memory: 0 };
  for (const c of pod.spec.containers) {
    const r = containerRequests(c);
    requests.milliCpu += r.cpu ?? 0;
    requests.memory += r.memory ?? 0;
    nonZero.milliCpu += r.cpu ?? DEFAULT_MILLI_CPU_REQUEST;
    nonZero.memory += r.memory ?? DEFAULT_MEMORY_REQUEST;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    requests.milliCpu = Math.max(requests.milliCpu, r.cpu ?? 0);
    requests.memory = Math.max(requests.memory, r.memory ?? 0);
    nonZero.milliCpu = Math.max(nonZero.milliCpu, r.cpu ?? DEFAULT_MILLI_CPU_REQUEST);
    nonZero.memory = Math.max(nonZero.memory, r.memory ?? DEFAULT_MEMORY_REQUEST);
  }
  const view = { requests, nonZero };
  if (Object.isFrozen(pod)) views.set(pod, view);
  return view;
}

/** A node's allocatable cpu (millicores), memory (bytes) and pod count; absent amounts are zero pods/none. */
export interface NodeAllocatable {
  milliCpu: number;
  memory: number;
  pods: number;
}

export function nodeAllocatable(
  allocatable: Readonly<Record<string, string | number>> | undefined,
): NodeAllocatable {
  const cpu = allocatable?.cpu;
  const memory = allocatable?.memory;
  const pods = allocatable?.pods;
  return {
    milliCpu: cpu === undefined ? 0 : cachedParse(milliCpuOf, toMillicores, String(cpu)),
    memory: memory === undefined ? 0 : cachedParse(bytesOf, toBytes, String(memory)),
    pods: pods === undefined ? 0 : cachedParse(bytesOf, toBytes, String(pods)),
  };
}
