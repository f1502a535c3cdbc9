// The renderer's one store: the cluster as the connection streams it (objects, events, usage, status) and
// the user's namespace and theme. startClusterSync is the only writer of cluster state; views read it
// through the hooks in hooks.ts.
import { create } from 'zustand';
import type {
  ClusterConnection,
  ClusterStatus,
  KubeEvent,
  LinkState,
  UsageSample,
} from '../connection/ClusterConnection.ts';
import { mergeEvents } from './eventLog.ts';
import {
  applyWatchChanges,
  emptyObjectMaps,
  type ObjectMaps,
  objectMapsFromSnapshot,
  type WatchChange,
} from './objectMaps.ts';
import { loadNamespace, loadTheme, saveNamespace, saveTheme, type Theme } from './preferences.ts';
import { mergeUsage } from './usageHistory.ts';

export type { ObjectMaps, Theme };

export interface ClusterState {
  link: LinkState;
  linkError?: string;
  /** The first snapshot has arrived. */
  synced: boolean;
  /** Key = objectKey (`ns/name`, or `name` for cluster-scoped kinds); a kind's Map is replaced when it changes. */
  objects: ObjectMaps;
  /** Newest last, at most 1,000. */
  events: KubeEvent[];
  /** By node, the last 10 minutes, oldest first. */
  usage: Record<string, UsageSample[]>;
  status?: ClusterStatus;
  /** '' = all namespaces. */
  namespace: string;
  theme: Theme;
  setNamespace(ns: string): void;
  setTheme(t: Theme): void;
}

export const useClusterStore = create<ClusterState>()((set) => ({
  link: 'connecting',
  synced: false,
  objects: emptyObjectMaps(),
  events: [],
  usage: {},
  namespace: loadNamespace(),
  theme: loadTheme(),
  setNamespace(ns) {
    saveNamespace(ns);
    set({ namespace: ns });
  },
  setTheme(t) {
    saveTheme(t);
    set({ theme: t });
  },
}));

/** Status is refreshed this long after the last Node change: a burst of heartbeats costs one request. */
export const STATUS_REFRESH_DEBOUNCE_MS = 300;

/**
 * Streams the cluster behind `connection` into the store until the returned function is called. Resets
 * the cluster state first, so switching connections never mixes two clusters.
 */
export function startClusterSync(connection: ClusterConnection): () => void {
  let stopped = false;
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  // Answers can arrive out of order; only the newest request may write.
  let statusRequest = 0;

  const refreshStatus = () => {
    const request = ++statusRequest;
    connection.status().then(
      (status) => {
        if (!stopped && request === statusRequest) useClusterStore.setState({ status });
      },
      () => {
        // The link banner already says when the cluster is unreachable; the last known status stays shown.
      },
    );
  };
  const scheduleStatusRefresh = () => {
    if (statusTimer !== undefined) clearTimeout(statusTimer);
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      if (!stopped) refreshStatus();
    }, STATUS_REFRESH_DEBOUNCE_MS);
  };

  useClusterStore.setState({
    link: 'connecting',
    linkError: undefined,
    synced: false,
    objects: emptyObjectMaps(),
    events: [],
    usage: {},
    status: undefined,
  });

  const stopWatch = connection.watchAll({
    onSnapshot(objects) {
      if (stopped) return;
      useClusterStore.setState({ objects: objectMapsFromSnapshot(objects), synced: true });
      scheduleStatusRefresh();
    },
    onChanges(changes: WatchChange[]) {
      if (stopped) return;
      const changed = applyWatchChanges(useClusterStore.getState().objects, changes);
      if (!changed) return;
      useClusterStore.setState((s) => ({ objects: { ...s.objects, ...changed } }));
      if (changed.Node) scheduleStatusRefresh();
    },
    onState(link, error) {
      if (stopped) return;
      useClusterStore.setState({ link, linkError: error });
      // A leader change often comes with a reconnection; the status may have moved meanwhile.
      if (link === 'live') scheduleStatusRefresh();
    },
  });
  const stopEvents = connection.watchEvents((events) => {
    if (stopped) return;
    useClusterStore.setState((s) => ({ events: mergeEvents(s.events, events) }));
  });
  const stopUsage = connection.watchUsage((samples) => {
    if (stopped) return;
    useClusterStore.setState((s) => ({ usage: mergeUsage(s.usage, samples) }));
  });
  refreshStatus();

  return () => {
    if (stopped) return;
    stopped = true;
    if (statusTimer !== undefined) clearTimeout(statusTimer);
    stopWatch();
    stopEvents();
    stopUsage();
  };
}
