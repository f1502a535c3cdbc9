// Usage samples of every node over `/shoal/v1/usage` (WebSocket, messages `{ samples: UsageSample[] }`, the
// first one the recent history). A reconnection sends the history again: samples no newer than the last
// one seen from their node are dropped, so each is delivered once.
import { SHOAL_PREFIX } from '../../../shared/api/paths.ts';
import { isRecord } from './apiCall.ts';
import type { Transport, UsageSample } from './ClusterConnection.ts';
import { reconnectingSocket } from './reconnectingSocket.ts';

export const USAGE_PATH = `${SHOAL_PREFIX}/usage`;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads one message; throws an Error naming what is wrong with it. */
export function parseUsageMessage(data: string | Uint8Array): UsageSample[] {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    throw new Error('the usage stream sent a message that is not JSON');
  }
  if (!isRecord(raw) || !Array.isArray(raw.samples)) {
    throw new Error('the usage stream sent a message without a "samples" array');
  }
  return raw.samples.map((s: unknown, i): UsageSample => {
    if (!isRecord(s) || typeof s.node !== 'string' || s.node === '') {
      throw new Error(`usage samples[${i}]: "node" must be a node name`);
    }
    if (!finite(s.at) || !finite(s.cpuCores) || !finite(s.memoryBytes)) {
      throw new Error(
        `usage samples[${i}] (node ${s.node}): "at", "cpuCores" and "memoryBytes" must be numbers`,
      );
    }
    return { node: s.node, at: s.at, cpuCores: s.cpuCores, memoryBytes: s.memoryBytes };
  });
}

export function watchUsage(transport: Transport, onSamples: (samples: UsageSample[]) => void): () => void {
  const latest = new Map<string, number>();
  return reconnectingSocket(transport, {
    path: () => USAGE_PATH,
    onMessage: (data, control) => {
      let samples: UsageSample[];
      try {
        samples = parseUsageMessage(data);
      } catch (err) {
        control.fail(err instanceof Error ? err.message : String(err));
        return;
      }
      control.healthy();
      const fresh = samples.filter((s) => s.at > (latest.get(s.node) ?? Number.NEGATIVE_INFINITY));
      for (const s of fresh) latest.set(s.node, Math.max(s.at, latest.get(s.node) ?? 0));
      if (fresh.length > 0) onSamples(fresh);
    },
    onLost: () => {},
  });
}
