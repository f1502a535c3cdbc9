// Events on the local API, served from the agent's EventLog rather than the cluster document: list and get
// (`/api/v1/events`, `/api/v1/namespaces/NS/events[/NAME]`, with labelSelector and fieldSelector), the HTTP
// streaming watch (`?watch=1`) and the WebSocket watch (`/shoal/v1/watch?kind=Event`, what `shoal get
// events --watch` uses). The log is put behind a read-only ClusterStore view so the list, watch and
// transport code of the store-backed resources serves events unchanged, in the same formats.
// Events are written by the agents themselves, never through the API: writes answer 405.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { parseResourcePath, WATCH_PATH } from '../../shared/api/paths.ts';
import { isKind, type Kind, resolveKind } from '../../shared/model/kinds.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { EventLog } from '../events/EventLog.ts';
import type { ApiExtension } from './extensions.ts';
import { sendJson, sendStatus } from './http.ts';
import { failure, type KubeStatus, notFound, StatusError } from './kubeStatus.ts';
import { listObjects } from './resources.ts';
import { watchSpecFromQuery } from './watch.ts';
import { serveHttpWatch, WatchSockets } from './watchTransports.ts';

/** What the events API reads: the EventLog, or anything with its read side. */
export type EventSource = Pick<EventLog, 'list' | 'get' | 'watch'>;

export interface EventsApiOptions {
  log: EventSource;
  logger: Logger;
}

const WRITE_REFUSED = (method: string): KubeStatus =>
  failure(
    'MethodNotAllowed',
    `events cannot be written through the API (${method}): each agent records its own events and shares ` +
      'them with its peers; only GET, list and watch are allowed',
  );

/** The log as a ClusterStore that holds only Events and refuses every write. */
function readOnlyEventStore(log: EventSource): ClusterStore {
  const refuse = (method: string) => Promise.reject(new StatusError(WRITE_REFUSED(method)));
  return {
    get: (kind, namespace, name) => (kind === 'Event' ? log.get(namespace, name) : undefined),
    list: (kind, opts) => (kind === 'Event' ? log.list(opts) : []),
    watch: (kind, handler) => (kind === undefined || kind === 'Event' ? log.watch(handler) : () => {}),
    create: () => refuse('POST'),
    updateSpec: () => refuse('PUT'),
    updateStatus: () => refuse('PUT'),
    delete: () => refuse('DELETE'),
    problems: () => [],
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch !== null && watch !== '0' && watch !== 'false';
}

function kindOfWatch(query: URLSearchParams): Kind | undefined {
  const kind = query.get('kind');
  if (kind === null || kind === '') return undefined;
  return isKind(kind) ? kind : resolveKind(kind);
}

/** The API extension the agent passes to startApiServer (`extensions: [eventsApi({ log, logger })]`). */
export function eventsApi(opts: EventsApiOptions): ApiExtension {
  const store = readOnlyEventStore(opts.log);
  const sockets = new WatchSockets(store, opts.logger);
  const httpWatches = new Set<() => void>();

  return {
    handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      const route = parseResourcePath(url.pathname);
      if (route?.kind !== 'Event') return false;
      const method = req.method ?? 'GET';
      const query = url.searchParams;
      if (method !== 'GET') {
        req.resume(); // the body is not read: nothing in it could be accepted
        res.setHeader('Allow', 'GET');
        sendStatus(res, WRITE_REFUSED(method));
        return true;
      }
      if (route.subresource !== undefined) {
        sendStatus(res, failure('NotFound', 'events have no status subresource'));
        return true;
      }
      if (route.name !== undefined) {
        const event = opts.log.get(route.namespace, route.name);
        if (!event) throw new StatusError(notFound('Event', route.name));
        sendJson(res, 200, event);
        return true;
      }
      if (isWatch(query)) {
        const spec = watchSpecFromQuery(query, route);
        const timeout = Number(query.get('timeoutSeconds') ?? '');
        const stop = serveHttpWatch(store, spec, res, Number.isFinite(timeout) ? timeout : undefined);
        httpWatches.add(stop);
        res.on('close', () => httpWatches.delete(stop));
        return true;
      }
      sendJson(res, 200, listObjects(store, route, query));
      return true;
    },

    upgrade(req, socket, head, url): boolean {
      if (url.pathname !== WATCH_PATH || kindOfWatch(url.searchParams) !== 'Event') return false;
      sockets.upgrade(req, socket, head, watchSpecFromQuery(url.searchParams));
      return true;
    },

    close(): void {
      sockets.close();
      for (const stop of httpWatches) stop();
      httpWatches.clear();
    },
  };
}
