// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  STATUS_REFRESH_DEBOUNCE_MS,
  startClusterSync,
  useClusterStore,
} from '../../renderer/src/store/clusterStore.ts';
import { MAX_EVENTS } from '../../renderer/src/store/eventLog.ts';
import { useObject, useObjects } from '../../renderer/src/store/hooks.ts';
import { USAGE_WINDOW_MS } from '../../renderer/src/store/usageHistory.ts';
import { event, type FakeCluster, fakeCluster, namespace, node, pod } from './fakeClusterConnection.ts';

let cluster: FakeCluster;
let stop: () => void;

beforeEach(() => {
  localStorage.clear();
  useClusterStore.setState({ namespace: '' });
  cluster = fakeCluster();
  stop = startClusterSync(cluster.connection);
});

afterEach(() => {
  stop();
  vi.useRealTimers();
});

const state = () => useClusterStore.getState();

describe('startClusterSync', () => {
  it('fills every kind from the snapshot and marks the store synced', () => {
    expect(state().synced).toBe(false);
    cluster.watch().onSnapshot([node('node-a'), pod('default', 'web'), namespace('default')]);
    expect(state().synced).toBe(true);
    expect([...state().objects.Node.keys()]).toEqual(['node-a']);
    expect([...state().objects.Pod.keys()]).toEqual(['default/web']);
    expect([...state().objects.Namespace.keys()]).toEqual(['default']);
    expect(state().objects.Service.size).toBe(0);
  });

  it('applies added, modified and deleted objects', () => {
    cluster.watch().onSnapshot([pod('default', 'a'), pod('default', 'b')]);
    cluster.watch().onChanges([
      { type: 'ADDED', object: pod('default', 'c') },
      { type: 'MODIFIED', object: pod('default', 'a', { phase: 'Failed' }) },
      { type: 'DELETED', object: pod('default', 'b') },
    ]);
    const pods = state().objects.Pod;
    expect([...pods.keys()].sort()).toEqual(['default/a', 'default/c']);
    expect(pods.get('default/a')?.status?.phase).toBe('Failed');
  });

  it('gives a new Map only to the kinds a batch changed', () => {
    cluster.watch().onSnapshot([node('node-a'), pod('default', 'a'), namespace('default')]);
    const before = state().objects;
    cluster.watch().onChanges([{ type: 'MODIFIED', object: pod('default', 'a', { phase: 'Succeeded' }) }]);
    const after = state().objects;
    expect(after.Pod).not.toBe(before.Pod);
    expect(after.Node).toBe(before.Node);
    expect(after.Namespace).toBe(before.Namespace);
    expect(after.Service).toBe(before.Service);
  });

  it('keeps the identity of objects a batch did not touch', () => {
    cluster.watch().onSnapshot([pod('default', 'a'), pod('default', 'b')]);
    const b = state().objects.Pod.get('default/b');
    cluster.watch().onChanges([{ type: 'MODIFIED', object: pod('default', 'a', { version: '2' }) }]);
    expect(state().objects.Pod.get('default/b')).toBe(b);
  });

  it('applies a change to 1,000 pods in one store update, quickly', () => {
    const pods = Array.from({ length: 1000 }, (_, i) => pod('default', `p-${i}`, { node: 'node-a' }));
    cluster.watch().onSnapshot([node('node-a'), ...pods]);
    const updates = vi.fn();
    const unsubscribe = useClusterStore.subscribe(updates);
    const changes = pods.map((p) => ({
      type: 'MODIFIED' as const,
      object: { ...p, status: { phase: 'Succeeded' } },
    }));
    const started = performance.now();
    cluster.watch().onChanges(changes);
    const elapsed = performance.now() - started;
    unsubscribe();
    expect(updates).toHaveBeenCalledTimes(1);
    expect(elapsed).toBeLessThan(100);
    const all = [...state().objects.Pod.values()];
    expect(all).toHaveLength(1000);
    expect(all.every((p) => p.status?.phase === 'Succeeded')).toBe(true);
  });

  it('ignores a batch of objects of unknown kinds', () => {
    cluster.watch().onSnapshot([pod('default', 'a')]);
    const before = state().objects;
    cluster
      .watch()
      .onChanges([
        { type: 'ADDED', object: { apiVersion: 'x/v1', kind: 'Widget' as never, metadata: { name: 'w' } } },
      ]);
    expect(state().objects).toBe(before);
  });

  it('replaces everything on a new snapshot (after a reconnection)', () => {
    cluster.watch().onSnapshot([pod('default', 'a'), pod('default', 'b')]);
    cluster.watch().onSnapshot([pod('default', 'b')]);
    expect([...state().objects.Pod.keys()]).toEqual(['default/b']);
  });

  it('records the link state and its error', () => {
    cluster.watch().onState('reconnecting');
    expect(state().link).toBe('reconnecting');
    cluster.watch().onState('failed', 'connection refused');
    expect(state()).toMatchObject({ link: 'failed', linkError: 'connection refused' });
    cluster.watch().onState('live');
    expect(state().link).toBe('live');
    expect(state().linkError).toBeUndefined();
  });

  it('reads the status at start', async () => {
    await vi.waitFor(() => expect(state().status?.term).toBe(3));
    expect(state().status?.leader?.name).toBe('node-a');
  });

  it('refreshes the status once per burst of Node changes', async () => {
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(0);
    const status = vi.mocked(cluster.connection.status);
    status.mockClear();
    cluster.status = { ...cluster.status, term: 4, leader: { name: 'node-b', id: 'bbb' } };
    for (let i = 0; i < 5; i++) {
      cluster.watch().onChanges([{ type: 'MODIFIED', object: node('node-a', { ready: i % 2 === 0 }) }]);
    }
    cluster.watch().onChanges([{ type: 'MODIFIED', object: pod('default', 'x') }]);
    expect(status).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(STATUS_REFRESH_DEBOUNCE_MS + 10);
    expect(status).toHaveBeenCalledTimes(1);
    expect(state().status).toMatchObject({ term: 4, leader: { name: 'node-b' } });
  });

  it('does not refresh the status for changes of other kinds', async () => {
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(0);
    const status = vi.mocked(cluster.connection.status);
    status.mockClear();
    cluster.watch().onChanges([{ type: 'ADDED', object: pod('default', 'x') }]);
    await vi.advanceTimersByTimeAsync(STATUS_REFRESH_DEBOUNCE_MS * 2);
    expect(status).not.toHaveBeenCalled();
  });

  it('merges events by identity, newest last, at most 1,000', () => {
    cluster.pushEvents([
      event('a', { at: '2026-01-01T00:00:02Z' }),
      event('b', { at: '2026-01-01T00:00:01Z' }),
    ]);
    expect(state().events.map((e) => e.metadata.name)).toEqual(['b', 'a']);
    // Replayed on reconnection, and b seen again later: no duplicates, b moves to the end.
    cluster.pushEvents([
      event('a', { at: '2026-01-01T00:00:02Z' }),
      event('b', { at: '2026-01-01T00:00:03Z' }),
    ]);
    expect(state().events.map((e) => e.metadata.name)).toEqual(['a', 'b']);

    const many = Array.from({ length: MAX_EVENTS + 50 }, (_, i) =>
      event(`e${i}`, { at: new Date(Date.UTC(2026, 1, 1, 0, 0, i)).toISOString() }),
    );
    cluster.pushEvents(many);
    expect(state().events).toHaveLength(MAX_EVENTS);
    expect(state().events.at(-1)?.metadata.name).toBe(`e${MAX_EVENTS + 49}`);
  });

  it('keeps ten minutes of usage per node, without replayed samples', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const sample = (nodeName: string, at: number) => ({ node: nodeName, at, cpuCores: 1, memoryBytes: 1e9 });
    cluster.pushUsage([sample('a', t0), sample('a', t0 + 5000), sample('b', t0 + 5000)]);
    const b = state().usage.b;
    cluster.pushUsage([sample('a', t0 + 5000), sample('a', t0 + 10_000)]); // the first is a replay
    expect(state().usage.a?.map((s) => s.at)).toEqual([t0, t0 + 5000, t0 + 10_000]);
    expect(state().usage.b).toBe(b); // untouched node keeps its array
    cluster.pushUsage([sample('a', t0 + USAGE_WINDOW_MS + 6000)]);
    expect(state().usage.a?.map((s) => s.at)).toEqual([t0 + 10_000, t0 + USAGE_WINDOW_MS + 6000]);
    expect(state().usage.b).toBeUndefined(); // all of b's history is older than the window
  });

  it('closes every watch when stopped and ignores late callbacks', () => {
    const handlers = cluster.watch();
    expect(cluster.openWatches()).toBe(3);
    stop();
    expect(cluster.openWatches()).toBe(0);
    handlers.onSnapshot([pod('default', 'late')]);
    expect(state().objects.Pod.size).toBe(0);
  });
});

describe('useObjects and useObject', () => {
  beforeEach(() => {
    cluster
      .watch()
      .onSnapshot([
        pod('prod', 'b'),
        pod('default', 'z'),
        pod('prod', 'a'),
        node('node-b'),
        node('node-a'),
        namespace('prod'),
        namespace('default'),
      ]);
  });

  it('sorts by namespace then name', () => {
    const { result } = renderHook(() => useObjects('Pod'));
    expect(result.current.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'default/z',
      'prod/a',
      'prod/b',
    ]);
  });

  it("filters namespaced kinds by the store's namespace, unless asked for all", () => {
    const filtered = renderHook(() => useObjects('Pod'));
    const all = renderHook(() => useObjects('Pod', { allNamespaces: true }));
    act(() => state().setNamespace('prod'));
    expect(filtered.result.current.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(all.result.current).toHaveLength(3);
    act(() => state().setNamespace(''));
    expect(filtered.result.current).toHaveLength(3);
  });

  it('never filters cluster-scoped kinds', () => {
    act(() => state().setNamespace('prod'));
    const { result } = renderHook(() => useObjects('Node'));
    expect(result.current.map((n) => n.metadata.name)).toEqual(['node-a', 'node-b']);
  });

  it('keeps the array while its kind does not change, and updates when it does', () => {
    const { result } = renderHook(() => useObjects('Pod'));
    const first = result.current;
    act(() => cluster.watch().onChanges([{ type: 'MODIFIED', object: node('node-a', { ready: false }) }]));
    expect(result.current).toBe(first);
    act(() => cluster.watch().onChanges([{ type: 'DELETED', object: pod('prod', 'a') }]));
    expect(result.current.map((p) => p.metadata.name)).toEqual(['z', 'b']);
  });

  it('finds one object by namespace and name', () => {
    const { result } = renderHook(() => ({
      pod: useObject('Pod', 'prod', 'a'),
      node: useObject('Node', undefined, 'node-b'),
      missing: useObject('Pod', 'default', 'a'),
    }));
    expect(result.current.pod?.metadata.name).toBe('a');
    expect(result.current.node?.metadata.name).toBe('node-b');
    expect(result.current.missing).toBeUndefined();
  });

  it('remembers the namespace and the theme', () => {
    act(() => {
      state().setNamespace('prod');
      state().setTheme('dark');
    });
    expect(localStorage.getItem('shoal.namespace')).toBe('prod');
    expect(localStorage.getItem('shoal.theme')).toBe('dark');
  });
});
