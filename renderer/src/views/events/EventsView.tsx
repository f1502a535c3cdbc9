// Every event in the cluster, newest first, grouped by how long ago; filtered by type, text and namespace.
import { useMemo, useState } from 'react';
import { routeHash } from '../../app/router.ts';
import { Age } from '../../components/Age.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { FilterInput } from '../../components/FilterInput.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { eventTone } from '../../components/tones.ts';
import { useNow } from '../../components/useNow.ts';
import type { KubeEvent } from '../../connection/ClusterConnection.ts';
import { useClusterStore } from '../../store/clusterStore.ts';
import { groupEvents } from './eventGroups.ts';
import {
  eventKey,
  eventNamespace,
  eventObject,
  eventSearchText,
  eventSource,
  eventTimestamp,
} from './eventText.ts';
import './events.css';

type TypeFilter = 'all' | 'Warning' | 'Normal';

const TYPE_FILTERS: ReadonlyArray<{ value: TypeFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'Warning', label: 'Warnings' },
  { value: 'Normal', label: 'Normal' },
];

/** Link to the object an event is about, when the dashboard has a view for it. */
function objectHref(e: KubeEvent): string | undefined {
  const { kind, name } = e.involvedObject;
  const namespace = eventNamespace(e);
  if (!name) return undefined;
  if (kind === 'Pod' && namespace) return routeHash('pods', namespace, name);
  if (kind === 'Node') return routeHash('nodes', name);
  return undefined;
}

function EventItem({ event }: { event: KubeEvent }) {
  const href = objectHref(event);
  const object = eventObject(event);
  const namespace = eventNamespace(event);
  const source = eventSource(event);
  return (
    <li className={`event-item event-${event.type === 'Warning' ? 'warning' : 'normal'}`}>
      <span className="event-marker" aria-hidden="true" />
      <div className="event-main">
        <div className="event-head">
          <StatusBadge tone={eventTone(event.type)}>{event.type ?? 'Normal'}</StatusBadge>
          <strong>{event.reason ?? 'Event'}</strong>
          {href ? (
            <a className="mono" href={href}>
              {object}
            </a>
          ) : (
            <span className="mono">{object}</span>
          )}
          {namespace && <span className="muted">in {namespace}</span>}
          {(event.count ?? 1) > 1 && <span className="muted">×{event.count}</span>}
        </div>
        {event.message && <div className="event-message">{event.message}</div>}
        {source && <div className="muted event-source">{source}</div>}
      </div>
      <span className="muted event-age">
        <Age timestamp={eventTimestamp(event)} />
      </span>
    </li>
  );
}

export function EventsView() {
  const events = useClusterStore((s) => s.events);
  const namespace = useClusterStore((s) => s.namespace);
  const [type, setType] = useState<TypeFilter>('all');
  const [text, setText] = useState('');
  // Sections move at most once a minute; regrouping a thousand events every second would be waste.
  const minute = Math.floor(useNow() / 60_000);

  const filtered = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return events.filter(
      (e) =>
        (type === 'all' || (e.type ?? 'Normal') === type) &&
        (!namespace || eventNamespace(e) === namespace) &&
        (!needle || eventSearchText(e).includes(needle)),
    );
  }, [events, type, text, namespace]);
  const groups = useMemo(() => groupEvents(filtered, minute * 60_000), [filtered, minute]);
  const warnings = useMemo(() => events.filter((e) => e.type === 'Warning').length, [events]);

  return (
    <div className="view" data-testid="view-events">
      <header className="view-header">
        <h1 className="view-title">Events</h1>
        <div className="view-toolbar">
          <fieldset className="segmented" aria-label="Event type">
            {TYPE_FILTERS.map((f) => (
              <button
                key={f.value}
                type="button"
                className="segmented-option"
                aria-pressed={type === f.value}
                onClick={() => setType(f.value)}
              >
                {f.label}
                {f.value === 'Warning' && warnings > 0 && <span className="segmented-count">{warnings}</span>}
              </button>
            ))}
          </fieldset>
          <FilterInput value={text} onChange={setText} placeholder="Filter events…" label="Filter events" />
        </div>
      </header>

      {groups.length === 0 ? (
        events.length === 0 ? (
          <EmptyState
            title="No events yet"
            hint="Controllers, the scheduler and every kubelet report what they do here: scheduling, pulling images, starting containers, failures."
          />
        ) : (
          <EmptyState
            title="No event matches"
            hint={`${events.length} events, none with ${type === 'all' ? '' : `type ${type}, `}${namespace ? `namespace ${namespace}, ` : ''}${text ? `“${text}”` : 'these filters'}.`}
            action={
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setType('all');
                  setText('');
                }}
              >
                Clear filters
              </button>
            }
          />
        )
      ) : (
        <div className="timeline">
          {groups.map((g) => (
            <section key={g.label} className="timeline-group" aria-label={g.label}>
              <h2 className="timeline-label">
                {g.label} <span className="muted">({g.events.length})</span>
              </h2>
              <ol className="timeline-list">
                {g.events.map((e) => (
                  <EventItem key={eventKey(e)} event={e} />
                ))}
              </ol>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
