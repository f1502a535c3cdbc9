// The Kubernetes REST paths the API serves, both ways: `resourcePath` builds one (for the CLI and tests),
// `parseResourcePath` reads one (for the server). `/api/v1/namespaces/default/pods/web/status`,
// `/apis/apps/v1/deployments` (all namespaces), `/api/v1/namespaces/default` (the Namespace itself).
import { KIND_INFO, KINDS, type Kind } from '../model/kinds.ts';

export const SHOAL_PREFIX = '/shoal/v1';
export const APPLY_PATH = `${SHOAL_PREFIX}/apply`;
export const STATUS_PATH = `${SHOAL_PREFIX}/status`;
export const WATCH_PATH = `${SHOAL_PREFIX}/watch`;
/** The answering agent's service proxy (agent/api/proxyApi.ts). */
export const PROXY_PATH = `${SHOAL_PREFIX}/proxy`;

/** `/api/v1` or `/apis/apps/v1`: where a kind's resources live. */
export function groupVersionPrefix(kind: Kind): string {
  const apiVersion = KIND_INFO[kind].apiVersion;
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * The path of a collection (no name) or of one object. A namespaced kind with no namespace gives the
 * all-namespaces collection; the namespace is ignored for cluster-scoped kinds.
 */
export function resourcePath(
  kind: Kind,
  namespace: string | undefined,
  name?: string,
  subresource?: 'status',
): string {
  const info = KIND_INFO[kind];
  let path = groupVersionPrefix(kind);
  if (info.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${info.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

export interface ResourceRoute {
  kind: Kind;
  /** Set for a namespaced path; undefined for all-namespaces collections and cluster-scoped kinds. */
  namespace?: string;
  /** Absent for a collection. */
  name?: string;
  subresource?: 'status';
}

/** apiVersion → plural → kind, for the kinds Shoal serves. */
const KIND_BY_PATH = new Map<string, Kind>(
  KINDS.map((kind) => [`${KIND_INFO[kind].apiVersion}/${KIND_INFO[kind].plural}`, kind]),
);

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The resource a Kubernetes path names, or undefined when it names none Shoal serves. */
export function parseResourcePath(pathname: string): ResourceRoute | undefined {
  const raw = pathname.split('/').filter((s) => s !== '');
  const parts: string[] = [];
  for (const s of raw) {
    const d = decode(s);
    if (d === undefined || d === '' || d.includes('/')) return undefined;
    parts.push(d);
  }
  let apiVersion: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    apiVersion = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    apiVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  const kindOf = (plural: string | undefined) => KIND_BY_PATH.get(`${apiVersion}/${plural}`);

  let namespace: string | undefined;
  // `namespaces/NS/<plural>...` scopes a namespaced resource; `namespaces[/NS[/status]]` is the Namespace kind.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const kind = kindOf(rest[0]);
  if (kind === undefined) return undefined;
  if (namespace !== undefined && !KIND_INFO[kind].namespaced) return undefined;
  if (rest.length > 3) return undefined;
  const route: ResourceRoute = { kind };
  if (namespace !== undefined) route.namespace = namespace;
  if (rest.length >= 2) route.name = rest[1];
  if (rest.length === 3) {
    if (rest[2] !== 'status') return undefined;
    route.subresource = 'status';
  }
  // A named namespaced object needs its namespace in the path, as in Kubernetes.
  if (route.name !== undefined && KIND_INFO[kind].namespaced && namespace === undefined) return undefined;
  return route;
}
