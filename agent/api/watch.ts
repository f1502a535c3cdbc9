// Watches: list-then-watch over the store, as etcd's and Kubernetes' watches do. A session first reports every
// existing object that passes the filter as ADDED (or, resuming from a resourceVersion, only the newer ones),
// then each change. With selectors, an object that starts to match is ADDED and one that stops matching is
// DELETED, so a client's view stays exactly the set that matches.
import { isKind, KIND_INFO, KINDS, type Kind, resolveKind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { objectKey } from '../../shared/model/meta.ts';
import type { ClusterStore, WatchEventType } from '../../shared/store/ClusterStore.ts';
import { badRequest, type KubeStatus } from './kubeStatus.ts';
import { matchesSelectors, type Selectors, selectorsFromQuery } from './listOptions.ts';
import { currentResourceVersion } from './resources.ts';

/** What a watch sends: a change, the end of the initial events (on request), or an error. */
export type WatchMessage =
  | { type: WatchEventType; object: KubeObject }
  | { type: 'BOOKMARK'; object: BookmarkObject }
  | { type: 'ERROR'; object: KubeStatus };

/** Carries only the resourceVersion reached, as Kubernetes' bookmarks do. */
export interface BookmarkObject {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; annotations: Record<string, string> };
}

/** Kubernetes marks the bookmark that ends the initial events with this annotation. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface WatchSpec {
  /** One kind, or every kind when undefined. */
  kind?: Kind;
  namespace?: string;
  selectors: Selectors;
  /** Resume: only objects newer than this are sent as initial ADDED events. */
  sinceResourceVersion?: number;
  /** Send a BOOKMARK once the initial events are out, so a client knows its list is complete. */
  bookmark: boolean;
}

function truthy(value: string | null): boolean {
  return value !== null && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Reads a watch's parameters: `kind` (any name kubectl accepts; all kinds when absent) unless the path names
 * the kind, `namespace`, `labelSelector`, `fieldSelector`, `resourceVersion`, and `allowWatchBookmarks`
 * (or `bookmarks`). Throws a 400 StatusError on a bad one.
 */
export function watchSpecFromQuery(
  query: URLSearchParams,
  route?: { kind: Kind; namespace?: string },
): WatchSpec {
  const spec: WatchSpec = {
    selectors: selectorsFromQuery(query),
    bookmark: truthy(query.get('allowWatchBookmarks')) || truthy(query.get('bookmarks')),
  };
  if (route) {
    spec.kind = route.kind;
    if (route.namespace !== undefined) spec.namespace = route.namespace;
  } else {
    const kind = query.get('kind');
    if (kind !== null && kind !== '') {
      const resolved = isKind(kind) ? kind : resolveKind(kind);
      if (resolved === undefined) {
        throw badRequest(`unknown kind "${kind}"; Shoal serves ${KINDS.join(', ')}`);
      }
      spec.kind = resolved;
    }
    const namespace = query.get('namespace');
    if (namespace !== null && namespace !== '') spec.namespace = namespace;
  }
  const rv = query.get('resourceVersion');
  if (rv !== null && rv !== '' && rv !== '0') {
    const n = Number(rv);
    if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`invalid resourceVersion "${rv}"`);
    spec.sinceResourceVersion = n;
  }
  return spec;
}

/** Starts a watch; `send` gets every message in order. Returns the function that stops it. */
export function startWatch(
  store: ClusterStore,
  spec: WatchSpec,
  send: (m: WatchMessage) => void,
): () => void {
  const sent = new Set<string>(); // kind + key of every object the client currently holds
  const idOf = (obj: KubeObject) => `${obj.kind}/${objectKey(obj)}`;
  const matches = (obj: KubeObject) => matchesSelectors(obj, spec.namespace, spec.selectors);

  // Subscribing and listing in one synchronous step: store events are dispatched synchronously, so none can
  // fall between the list and the subscription, and none is reported twice.
  const unsubscribe = store.watch(spec.kind, (event) => {
    const id = idOf(event.object);
    const had = sent.has(id);
    if (event.type === 'DELETED') {
      if (had) {
        sent.delete(id);
        send(event);
      }
      return;
    }
    if (matches(event.object)) {
      sent.add(id);
      send({ type: had ? 'MODIFIED' : 'ADDED', object: event.object });
    } else if (had) {
      sent.delete(id);
      send({ type: 'DELETED', object: event.object });
    }
  });
  const kinds = spec.kind ? [spec.kind] : KINDS;
  const since = spec.sinceResourceVersion;
  for (const kind of kinds) {
    for (const obj of store.list(kind, { namespace: spec.namespace, ...spec.selectors })) {
      sent.add(idOf(obj));
      if (since === undefined || Number(obj.metadata.resourceVersion) > since)
        send({ type: 'ADDED', object: obj });
    }
  }
  if (spec.bookmark) {
    send({
      type: 'BOOKMARK',
      object: {
        apiVersion: spec.kind ? KIND_INFO[spec.kind].apiVersion : 'v1',
        kind: spec.kind ?? 'Bookmark',
        metadata: {
          resourceVersion: currentResourceVersion(store),
          annotations: { [INITIAL_EVENTS_END]: 'true' },
        },
      },
    });
  }
  return unsubscribe;
}
