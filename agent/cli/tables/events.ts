// kubectl's columns for events (printers.go printEvent) and the order `get events` prints them in.
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Event } from '../../../shared/model/types.ts';
import { ageSince } from './age.ts';
import type { KindColumns } from './types.ts';

/** LAST SEEN falls back to the first time (or eventTime) when an event has no lastTimestamp. */
function eventTimes(e: Event, now: Date): { first: string; last: string } {
  const first = ageSince(e.firstTimestamp ?? e.eventTime, now);
  const last = e.lastTimestamp ? ageSince(e.lastTimestamp, now) : first;
  return { first, last };
}

/** OBJECT: `pod/web`, or the kind alone for an event about no named object. */
function eventTarget(e: Event): string {
  const kind = (e.involvedObject.kind ?? '').toLowerCase();
  return e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind;
}

/** SOURCE (wide): `kubelet, node-a`. */
function eventSource(e: Event): string {
  return [e.source?.component || e.reportingComponent, e.source?.host || e.reportingInstance]
    .filter((s) => s)
    .join(', ');
}

export const eventColumns: KindColumns = {
  headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  nameless: true,
  row(obj, now) {
    const e = obj as Event;
    return [eventTimes(e, now).last, e.type ?? '', e.reason ?? '', eventTarget(e), (e.message ?? '').trim()];
  },
  wideHeaders: [
    'LAST SEEN',
    'TYPE',
    'REASON',
    'OBJECT',
    'SUBOBJECT',
    'SOURCE',
    'MESSAGE',
    'FIRST SEEN',
    'COUNT',
    'NAME',
  ],
  wideReplaces: true,
  wideRow(obj, now) {
    const e = obj as Event;
    const times = eventTimes(e, now);
    return [
      times.last,
      e.type ?? '',
      e.reason ?? '',
      eventTarget(e),
      e.involvedObject.fieldPath ?? '',
      eventSource(e),
      (e.message ?? '').trim(),
      times.first,
      String(e.count ?? 1),
      e.metadata.name,
    ];
  },
};

/** When an event last happened (ms), from lastTimestamp, eventTime or firstTimestamp; 0 when none parses. */
export function eventLastSeen(obj: KubeObject): number {
  const e = obj as Event;
  const t = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first, so the newest event is the last line, as `kubectl get events` reads best; stable on ties. */
export function sortEventsByLastSeen<T extends KubeObject>(events: readonly T[]): T[] {
  return events
    .map((e, i) => ({ e, i, t: eventLastSeen(e) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ e }) => e);
}
