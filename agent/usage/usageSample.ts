// One node's resource usage at one moment, and the ephemeral message that carries it between peers. The
// shape is the renderer's UsageSample (renderer/src/connection/ClusterConnection.ts). Everything a peer
// sends is checked here before it is kept: a malformed or absurd sample is refused with the reason.
import { isRecord } from '../../shared/model/names.ts';

export interface UsageSample {
  node: string;
  /** ms since the epoch */
  at: number;
  /** Cores in use (1.5 = one and a half cores). */
  cpuCores: number;
  memoryBytes: number;
}

export const USAGE_MESSAGE_TYPE = 'shoal-usage';

export interface UsageMessage {
  type: typeof USAGE_MESSAGE_TYPE;
  node: string;
  /** The sender's clock; receivers stamp samples with their own (peers' clocks are not trusted). */
  sentAt: number;
  cpuCores: number;
  memoryBytes: number;
}

/** Far above any machine Shoal runs on, low enough to keep charts sane if a peer lies. */
const MAX_CORES = 4096;
const MAX_MEMORY_BYTES = 2 ** 50; // 1 PiB
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isFiniteIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

/**
 * The usage a message reports, or why it is refused (undefined: not a usage message at all, so not ours to
 * judge). `receivedAt` becomes the sample's time.
 */
export function readUsageMessage(
  message: unknown,
  receivedAt: number,
): { ok: true; sample: UsageSample } | { ok: false; error: string } | undefined {
  if (!isRecord(message) || message.type !== USAGE_MESSAGE_TYPE) return undefined;
  const { node, sentAt, cpuCores, memoryBytes } = message;
  if (typeof node !== 'string' || node.length > 253 || !NODE_NAME.test(node)) {
    return { ok: false, error: 'usage message: node is not a valid node name' };
  }
  const keys = Object.keys(message);
  const extra = keys.filter((k) => !['type', 'node', 'sentAt', 'cpuCores', 'memoryBytes'].includes(k));
  if (extra.length > 0) return { ok: false, error: `usage from ${node}: unknown field ${extra[0]}` };
  if (!isFiniteIn(sentAt, 0, Number.MAX_SAFE_INTEGER)) {
    return { ok: false, error: `usage from ${node}: sentAt is not a time in ms` };
  }
  if (!isFiniteIn(cpuCores, 0, MAX_CORES)) {
    return { ok: false, error: `usage from ${node}: cpuCores must be a number in 0..${MAX_CORES}` };
  }
  if (!isFiniteIn(memoryBytes, 0, MAX_MEMORY_BYTES) || !Number.isInteger(memoryBytes)) {
    return {
      ok: false,
      error: `usage from ${node}: memoryBytes must be a whole number of bytes, at most 1 PiB`,
    };
  }
  return { ok: true, sample: { node, at: receivedAt, cpuCores, memoryBytes } };
}

export function usageMessage(sample: UsageSample): UsageMessage {
  return {
    type: USAGE_MESSAGE_TYPE,
    node: sample.node,
    sentAt: sample.at,
    cpuCores: sample.cpuCores,
    memoryBytes: sample.memoryBytes,
  };
}
