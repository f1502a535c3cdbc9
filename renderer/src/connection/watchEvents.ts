// Events, kept by each agent apart from the cluster document (agent/api/eventsApi.ts), over the WebSocket
// watch `?kind=Event`: the ones the agent holds first (oldest first), then each new or updated one. After a
// loss the watch resumes from the last resourceVersion seen, so no event is delivered twice; events are not
// deleted by users, so a resume misses nothing a view shows.
import { WATCH_PATH } from '../../../shared/api/paths.ts';
import type { KubeEvent, Transport } from './ClusterConnection.ts';
import { FrameBatcher } from './frameBatcher.ts';
import { reconnectingSocket } from './reconnectingSocket.ts';
import { maxResourceVersion, readWatchUpdate } from './watchMessages.ts';

/** When an event last happened, in ms (0 when it says nothing). */
export function eventTime(e: KubeEvent): number {
  const text = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? 0 : ms;
}

export function watchEvents(transport: Transport, onEvents: (events: KubeEvent[]) => void): () => void {
  let resourceVersion: string | undefined;
  let initial: KubeEvent[] | undefined;
  const batcher = new FrameBatcher<KubeEvent>(onEvents);

  const stop = reconnectingSocket(transport, {
    path: () => {
      const query = new URLSearchParams({ kind: 'Event', allowWatchBookmarks: 'true' });
      if (resourceVersion !== undefined) query.set('resourceVersion', resourceVersion);
      return `${WATCH_PATH}?${query}`;
    },
    onOpen: () => {
      initial = [];
    },
    onMessage: (data, control) => {
      const m = readWatchUpdate(data, control);
      if (m === undefined) return;
      if (m.type === 'BOOKMARK') {
        if (m.initialEventsEnd && initial !== undefined) {
          resourceVersion = maxResourceVersion(resourceVersion, m.resourceVersion);
          for (const e of initial)
            resourceVersion = maxResourceVersion(resourceVersion, e.metadata.resourceVersion);
          const events = initial.sort((a, b) => eventTime(a) - eventTime(b));
          initial = undefined;
          control.healthy();
          if (events.length > 0) onEvents(events);
        }
        return;
      }
      if (m.type === 'DELETED' || m.object.kind !== 'Event') return; // an expired event: views keep their own
      const event = m.object as KubeEvent;
      // The initial list comes in no particular order: resuming from the middle of it would skip the rest,
      // so only the bookmark that ends it moves the resume point.
      if (initial !== undefined) {
        initial.push(event);
        return;
      }
      resourceVersion = maxResourceVersion(resourceVersion, event.metadata.resourceVersion);
      batcher.push(event);
    },
    onLost: () => {
      initial = undefined;
      batcher.flush();
    },
  });
  return () => {
    stop();
    batcher.clear();
  };
}
