// Usage samples per node over the last USAGE_WINDOW_MS. The usage feed replays its history on every
// reconnection, so samples not newer than the last one kept for a node are dropped.
import type { UsageSample } from '../connection/ClusterConnection.ts';

export const USAGE_WINDOW_MS = 10 * 60 * 1000;

export function mergeUsage(
  current: Readonly<Record<string, UsageSample[]>>,
  incoming: readonly UsageSample[],
): Record<string, UsageSample[]> {
  if (incoming.length === 0) return current as Record<string, UsageSample[]>;
  const next: Record<string, UsageSample[]> = { ...current };
  const touched = new Set<string>();
  let newest = 0;
  for (const s of incoming) {
    if (!Number.isFinite(s.at)) continue;
    newest = Math.max(newest, s.at);
    let list = next[s.node];
    if (!touched.has(s.node)) {
      list = [...(list ?? [])]; // copy once per node per batch: changed nodes get a new array
      next[s.node] = list;
      touched.add(s.node);
    }
    const last = list?.[list.length - 1];
    if (last && s.at <= last.at) continue;
    list?.push(s);
  }
  // Everything is measured against the newest sample, not the local clock, which may differ from the agents'.
  // A node that stopped reporting loses its history once it is all older than the window.
  const cutoff = newest - USAGE_WINDOW_MS;
  for (const [node, list] of Object.entries(next)) {
    const first = list[0];
    if (!first || first.at >= cutoff) continue;
    const kept = list.filter((s) => s.at >= cutoff);
    if (kept.length === 0) delete next[node];
    else next[node] = kept;
  }
  return next;
}
