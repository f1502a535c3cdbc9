// The agent's MemoryPressure and DiskPressure conditions, decided as the kubelet decides them from its
// default hard eviction thresholds: memory.available < 100Mi, nodefs.available < 10% (the node file system
// being the one the container engine keeps its data on). Pure: the caller measures, this judges. The
// kubelet's reasons and messages are kept word for word, because tools and people match on them.
import { conditionTime, type NodeCondition } from './nodeConditions.ts';

/** The kubelet's default `evictionHard` memory.available threshold: 100Mi. */
export const MEMORY_AVAILABLE_THRESHOLD_BYTES = 100 * 1024 * 1024;
/** The kubelet's default `evictionHard` nodefs.available threshold: 10% of the file system. */
export const NODEFS_AVAILABLE_THRESHOLD = 0.1;

/** Sizes of a file system as statfs reports them to an unprivileged process. */
export interface FsStats {
  capacityBytes: number;
  /** Free bytes an unprivileged writer may use (statfs `bavail`): what containers can actually fill. */
  availableBytes: number;
}

export function hasMemoryPressure(availableBytes: number): boolean {
  return availableBytes < MEMORY_AVAILABLE_THRESHOLD_BYTES;
}

export function hasDiskPressure(fs: FsStats): boolean {
  return fs.availableBytes < fs.capacityBytes * NODEFS_AVAILABLE_THRESHOLD;
}

function condition(
  type: string,
  status: NodeCondition['status'],
  reason: string,
  message: string,
  now: number,
): NodeCondition {
  const at = conditionTime(now);
  return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at };
}

/** `availableBytes` undefined: the machine could not be measured, so the condition is Unknown. */
export function memoryPressureCondition(availableBytes: number | undefined, now: number): NodeCondition {
  if (availableBytes === undefined)
    return condition(
      'MemoryPressure',
      'Unknown',
      'MemoryStatsUnavailable',
      'cannot read available memory',
      now,
    );
  return hasMemoryPressure(availableBytes)
    ? condition(
        'MemoryPressure',
        'True',
        'KubeletHasInsufficientMemory',
        'kubelet has insufficient memory available',
        now,
      )
    : condition(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
        now,
      );
}

/** `fs` undefined: the engine's root directory is unknown or could not be measured (Unknown). */
export function diskPressureCondition(fs: FsStats | undefined, now: number): NodeCondition {
  if (fs === undefined)
    return condition(
      'DiskPressure',
      'Unknown',
      'DiskStatsUnavailable',
      "cannot measure the container engine's file system",
      now,
    );
  return hasDiskPressure(fs)
    ? condition('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure', now)
    : condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now);
}
