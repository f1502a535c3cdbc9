// The events the store keeps: newest last, at most MAX_EVENTS. The events API replays the recent ones on
// every reconnection and re-sends an aggregated event when its count grows, so events are merged by
// identity rather than appended.
import type { KubeEvent } from '../connection/ClusterConnection.ts';

export const MAX_EVENTS = 1_000;

function eventIdentity(e: KubeEvent): string {
  return e.metadata.uid ?? `${e.metadata.namespace ?? ''}/${e.metadata.name}`;
}

/** When an event last happened, in ms since the epoch (0 when it carries no time). */
export function eventTime(e: KubeEvent): number {
  const text = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  const t = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

export function mergeEvents(current: readonly KubeEvent[], incoming: readonly KubeEvent[]): KubeEvent[] {
  if (incoming.length === 0) return current as KubeEvent[];
  const byId = new Map<string, KubeEvent>();
  for (const e of current) byId.set(eventIdentity(e), e);
  for (const e of incoming) {
    const id = eventIdentity(e);
    byId.delete(id); // re-inserted last: an updated event is news again
    byId.set(id, e);
  }
  // Stable sort: events with equal times keep their arrival order.
  const merged = [...byId.values()].sort((a, b) => eventTime(a) - eventTime(b));
  return merged.length > MAX_EVENTS ? merged.slice(merged.length - MAX_EVENTS) : merged;
}
