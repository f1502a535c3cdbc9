// Hash routes (`#/pods/default/web-1`): they work from any path the dashboard is served at and from
// file:// in Electron, and survive a reload.
import { useSyncExternalStore } from 'react';

export const VIEWS = [
  'overview',
  'workloads',
  'pods',
  'services',
  'nodes',
  'events',
  'apply',
  'templates',
  'onboarding',
] as const;

export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  /** The path segments after the view, decoded: `#/pods/default/web` → `['default', 'web']`. */
  params: string[];
}

export const DEFAULT_VIEW: ViewName = 'overview';

function isViewName(value: string): value is ViewName {
  return (VIEWS as readonly string[]).includes(value);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape: show it as typed rather than fail
  }
}

/** Parses a location hash; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const [first = '', ...rest] = path.split('/');
  if (!isViewName(first)) return { view: DEFAULT_VIEW, params: [] };
  return { view: first, params: rest.filter((s) => s !== '').map(decode) };
}

/** `routeHash('pods', 'default', 'web')` → `#/pods/default/web`. */
export function routeHash(view: ViewName, ...params: string[]): string {
  return `#/${[view, ...params.map(encodeURIComponent)].join('/')}`;
}

/** Goes to a hash (`#/pods` or `/pods`). */
export function navigate(hash: string): void {
  const normalized = hash.startsWith('#') ? hash : `#${hash.startsWith('/') ? '' : '/'}${hash}`;
  if (window.location.hash !== normalized) window.location.hash = normalized;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function currentHash(): string {
  return window.location.hash;
}

/** The raw location hash; re-renders on every change. */
export function useLocationHash(): string {
  return useSyncExternalStore(subscribe, currentHash, () => '');
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useLocationHash();
  // Parsed per render of a hash, not per call: the string is the stable snapshot.
  return parseRouteCached(hash);
}

let lastHash: string | undefined;
let lastRoute: Route = { view: DEFAULT_VIEW, params: [] };
function parseRouteCached(hash: string): Route {
  if (hash !== lastHash) {
    lastHash = hash;
    lastRoute = parseRoute(hash);
  }
  return lastRoute;
}
