// Ages and durations as kubectl shows them; the rules live in shared/display/duration.ts, which the
// dashboard uses too.
import { ageOf } from '../../../shared/display/duration.ts';

export { durationBetween, humanDuration } from '../../../shared/display/duration.ts';

/** The time since an RFC 3339 timestamp; `<unknown>` when there is none, as kubectl prints. */
export function ageSince(timestamp: string | undefined, now: Date): string {
  return ageOf(timestamp, now.getTime()) ?? '<unknown>';
}
