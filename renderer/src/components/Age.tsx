// "5m30s" since a timestamp, kept current; the exact time on hover.
import { ageOf } from '../../../shared/display/duration.ts';
import { useNow } from './useNow.ts';

export function Age({ timestamp }: { timestamp: string | undefined }) {
  const now = useNow();
  const age = ageOf(timestamp, now);
  if (age === undefined) return <span className="muted">—</span>;
  return (
    <time dateTime={timestamp} title={new Date(timestamp as string).toLocaleString()}>
      {age}
    </time>
  );
}
