// The Events timeline's sections: events newest first, grouped by how long ago they happened.
import type { KubeEvent } from '../../connection/ClusterConnection.ts';
import { eventTime } from '../../store/eventLog.ts';

export interface EventGroup {
  label: string;
  events: KubeEvent[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The section an event falls in, relative to `now`. */
export function groupLabel(at: number, now: number): string {
  if (at === 0) return 'Time unknown';
  const ago = now - at;
  if (ago < 5 * MINUTE) return 'Last 5 minutes';
  if (ago < HOUR) return 'Last hour';
  const today = startOfDay(now);
  if (at >= today) return 'Earlier today';
  if (at >= today - 24 * HOUR) return 'Yesterday';
  return 'Older';
}

/** `events` is oldest first (as the store keeps them); the groups and their events are newest first. */
export function groupEvents(events: readonly KubeEvent[], now: number): EventGroup[] {
  const groups: EventGroup[] = [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as KubeEvent;
    const label = groupLabel(eventTime(e), now);
    const last = groups[groups.length - 1];
    if (last?.label === label) last.events.push(e);
    else groups.push({ label, events: [e] });
  }
  return groups;
}
