// A Node's capacity and allocatable, as the kubelet reports them with its defaults.
//
// Capacity: the machine's CPUs, memory (in Ki, as the kubelet writes it), 110 pods (the kubelet's default
// --max-pods), and ephemeral-storage: the size of the file system the container engine keeps its data on.
// Allocatable = capacity - kube-reserved - system-reserved - hard eviction thresholds; Shoal reserves
// nothing for itself and uses the kubelet's default thresholds, so allocatable memory is capacity - 100Mi
// (memory.available) and allocatable ephemeral-storage is capacity - 10% (nodefs.available). CPU and pods
// have no threshold and stay whole.
import { type FsStats, MEMORY_AVAILABLE_THRESHOLD_BYTES, NODEFS_AVAILABLE_THRESHOLD } from './pressure.ts';

/** The kubelet's default --max-pods. */
export const PODS_PER_NODE = 110;

export type ResourceList = Record<string, string>;

export interface CapacityInput {
  cpus: number;
  memoryBytes: number;
  /** The engine's root file system; unknown when the engine did not answer. */
  rootFs?: FsStats;
}

export function nodeCapacity(input: CapacityInput): { capacity: ResourceList; allocatable: ResourceList } {
  const memoryKi = Math.floor(input.memoryBytes / 1024);
  const capacity: ResourceList = {
    cpu: String(input.cpus),
    memory: `${memoryKi}Ki`,
    pods: String(PODS_PER_NODE),
  };
  const allocatable: ResourceList = {
    cpu: capacity.cpu as string,
    memory: `${Math.max(0, memoryKi - MEMORY_AVAILABLE_THRESHOLD_BYTES / 1024)}Ki`,
    pods: capacity.pods as string,
  };
  if (input.rootFs) {
    const storageKi = Math.floor(input.rootFs.capacityBytes / 1024);
    const storageBytes = storageKi * 1024;
    capacity['ephemeral-storage'] = `${storageKi}Ki`;
    // Plain bytes, as the kubelet writes it: 90% of a size in Ki is rarely a whole number of Ki.
    allocatable['ephemeral-storage'] = String(
      storageBytes - Math.trunc(storageBytes * NODEFS_AVAILABLE_THRESHOLD),
    );
  }
  return { capacity, allocatable };
}
