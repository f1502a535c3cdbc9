// The events about one pod, newest first, from the store's event log.
import { useMemo } from 'react';
import { Age } from '../../components/Age.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';

export function PodEvents({ namespace, name }: { namespace: string; name: string }) {
  const events = useClusterStore((s) => s.events);
  const mine = useMemo(
    () =>
      events
        .filter(
          (e) =>
            e.involvedObject.kind === 'Pod' &&
            e.involvedObject.name === name &&
            (e.involvedObject.namespace ?? e.metadata.namespace) === namespace,
        )
        .reverse(),
    [events, namespace, name],
  );
  if (mine.length === 0) return <p className="muted">No events for this pod.</p>;
  return (
    <ul className="pod-events">
      {mine.map((e) => (
        <li key={`${e.metadata.name}-${e.count ?? 1}-${e.lastTimestamp ?? e.eventTime ?? ''}`}>
          <StatusBadge tone={e.type === 'Warning' ? 'warn' : 'idle'}>{e.reason ?? 'Event'}</StatusBadge>
          <span className="pod-event-message">{e.message}</span>
          <span className="muted">
            {(e.count ?? 1) > 1 ? `×${e.count} · ` : ''}
            <Age timestamp={e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp} />
          </span>
        </li>
      ))}
    </ul>
  );
}
