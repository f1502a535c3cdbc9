// The Events section that ends `describe` (kubectl's DescribeEvents): `Events:  <none>`, or a
// Type/Reason/Age/From/Message table, oldest first, aligned on its own.
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Event } from '../../../shared/model/types.ts';
import { ageSince } from '../tables/age.ts';
import { sortEventsByLastSeen } from '../tables/events.ts';
import type { DescribeWriter } from './writer.ts';

/** Age: the first time; for a repeated event `<last> (xN over <first>)`, as kubectl prints. */
export function eventInterval(e: Event, now: Date): string {
  const first = ageSince(e.eventTime ?? e.firstTimestamp, now);
  const count = e.count ?? 1;
  return count > 1 ? `${ageSince(e.lastTimestamp, now)} (x${count} over ${first})` : first;
}

/** Writes the section; nothing when `events` is undefined (they could not be fetched). */
export function writeEvents(w: DescribeWriter, events: readonly KubeObject[] | undefined, now: Date): void {
  if (events === undefined) return;
  if (events.length === 0) {
    w.field(0, 'Events', '<none>');
    return;
  }
  w.flush();
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sortEventsByLastSeen(events as readonly Event[])) {
    const source = e.source?.component || e.reportingComponent || '';
    const message = (e.message ?? '').trim();
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${eventInterval(e, now)}\t${source}\t${message}\n`);
  }
}
