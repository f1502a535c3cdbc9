// The ten most recent events in the selected namespace.
import { useMemo } from 'react';
import { Age } from '../../components/Age.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { eventTone } from '../../components/tones.ts';
import { useClusterStore } from '../../store/clusterStore.ts';
import { eventKey, eventNamespace, eventObject, eventTimestamp } from '../events/eventText.ts';

const SHOWN = 10;

export function RecentEvents() {
  const events = useClusterStore((s) => s.events);
  const namespace = useClusterStore((s) => s.namespace);
  const recent = useMemo(() => {
    const out = [];
    // Newest last in the store: walk back until ten match.
    for (let i = events.length - 1; i >= 0 && out.length < SHOWN; i--) {
      const e = events[i];
      if (e && (!namespace || eventNamespace(e) === namespace)) out.push(e);
    }
    return out;
  }, [events, namespace]);

  if (recent.length === 0) {
    return (
      <EmptyState
        title="No events yet"
        hint="Agents and controllers report what they do here as it happens."
      />
    );
  }
  return (
    <ul className="recent-events">
      {recent.map((e) => (
        <li key={eventKey(e)} className="recent-event">
          <StatusBadge tone={eventTone(e.type)}>{e.reason ?? e.type ?? 'Event'}</StatusBadge>
          <div className="recent-event-text">
            <span className="mono">{eventObject(e)}</span> <span>{e.message}</span>
          </div>
          <span className="muted recent-event-age">
            <Age timestamp={eventTimestamp(e)} />
          </span>
        </li>
      ))}
    </ul>
  );
}
