// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/app/App.tsx';
import { parseRoute, routeHash } from '../../renderer/src/app/router.ts';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { useDrainStore } from '../../renderer/src/views/nodes/drainStore.ts';
import { loadByNode, podRequests } from '../../renderer/src/views/nodes/nodeResources.ts';
import type { Pod } from '../../shared/model/types.ts';
import { event, type FakeCluster, fakeCluster, namespace, node, pod } from './fakeClusterConnection.ts';

// The other helpers' views are stubbed: this file tests the shell and H-core's own views.
vi.mock('../../renderer/src/views/workloads/WorkloadsView.tsx', () => ({
  WorkloadsView: () => <div data-testid="view-workloads" />,
}));
vi.mock('../../renderer/src/views/pods/PodsView.tsx', () => ({
  PodsView: () => (
    <div data-testid="view-pods">
      <input data-filter="" aria-label="Filter pods" />
    </div>
  ),
}));
vi.mock('../../renderer/src/views/services/ServicesView.tsx', () => ({
  ServicesView: () => <div data-testid="view-services" />,
}));
vi.mock('../../renderer/src/views/apply/ApplyView.tsx', () => ({
  ApplyView: () => <div data-testid="view-apply" />,
}));
vi.mock('../../renderer/src/views/templates/TemplatesView.tsx', () => ({
  TemplatesView: () => <div data-testid="view-templates" />,
}));
vi.mock('../../renderer/src/views/onboarding/OnboardingView.tsx', () => ({
  OnboardingView: () => <div data-testid="view-onboarding" />,
}));

let cluster: FakeCluster;

function setHash(hash: string) {
  act(() => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}

function press(...keys: string[]) {
  for (const key of keys) fireEvent.keyDown(document.activeElement ?? document.body, { key });
}

async function renderSynced(objects = [node('node-a'), namespace('default'), namespace('prod')]) {
  render(<App connection={cluster.connection} />);
  // The sync starts while membership is being checked; the shell comes once the peer says it is a member.
  await waitFor(() => expect(cluster.connection.watchAll).toHaveBeenCalled());
  await screen.findByRole('navigation', { name: 'Views' });
  act(() => {
    cluster.watch().onState('live');
    cluster.watch().onSnapshot(objects);
  });
}

beforeEach(() => {
  localStorage.clear();
  useClusterStore.setState({ namespace: '', theme: 'light' });
  useDrainStore.setState({ drains: {} });
  window.location.hash = '';
  cluster = fakeCluster();
});

afterEach(() => {
  cleanup();
});

describe('App shell', () => {
  it('shows only onboarding while this peer is not a member', async () => {
    cluster = fakeCluster({ member: false });
    render(<App connection={cluster.connection} />);
    expect(await screen.findByTestId('view-onboarding')).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Views' })).toBeNull();
    // A sync started while membership was unknown is stopped once the peer says it is not a member.
    expect(() => cluster.watch()).toThrow('nothing called watchAll');
    await waitFor(() => expect(window.location.hash).toBe('#/onboarding'));
    // Onboarding done: it navigates to a view, and the shell takes over.
    cluster.onboarding = { member: true };
    setHash('#/overview');
    expect(await screen.findByRole('navigation', { name: 'Views' })).toBeTruthy();
    act(() => cluster.watch().onSnapshot([]));
    expect(await screen.findByTestId('view-overview')).toBeTruthy();
  });

  it('says when the peer cannot be reached, and retries', async () => {
    vi.mocked(cluster.connection.onboarding).mockRejectedValueOnce(new Error('connection refused'));
    render(<App connection={cluster.connection} />);
    expect((await screen.findByRole('alert')).textContent).toContain('connection refused');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('navigation', { name: 'Views' })).toBeTruthy();
  });

  it('shows loading until the first snapshot, then the overview', async () => {
    render(<App connection={cluster.connection} />);
    expect(await screen.findByText('Loading the cluster…')).toBeTruthy();
    await waitFor(() => expect(cluster.connection.watchAll).toHaveBeenCalled());
    act(() => cluster.watch().onSnapshot([node('node-a'), pod('default', 'web', { node: 'node-a' })]));
    const overview = await screen.findByTestId('view-overview');
    expect(within(overview).getByTestId('row-node-node-a')).toBeTruthy();
    await waitFor(() => expect(within(overview).getByTestId('stat-term').textContent).toContain('3'));
    expect(within(overview).getByTestId('stat-leader').textContent).toContain('node-a');
  });

  it('offers to retry when the cluster cannot be reached before the first snapshot', async () => {
    render(<App connection={cluster.connection} />);
    await waitFor(() => expect(cluster.connection.watchAll).toHaveBeenCalled());
    act(() => cluster.watch().onState('failed', 'agent not running'));
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.some((a) => a.textContent?.includes('agent not running'))).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(cluster.connection.watchAll).toHaveBeenCalledTimes(2));
    expect(cluster.openWatches()).toBe(3); // the first sync was stopped
  });

  it('navigates by hash', async () => {
    await renderSynced();
    setHash('#/nodes');
    expect(await screen.findByTestId('view-nodes')).toBeTruthy();
    setHash('#/pods/default/web');
    expect(await screen.findByTestId('view-pods')).toBeTruthy();
    setHash('#/nonsense');
    expect(await screen.findByTestId('view-overview')).toBeTruthy();
    const current = screen.getByRole('link', { current: 'page' });
    expect(current.textContent).toContain('Overview');
  });

  it('navigates with g-sequences and ignores them while typing', async () => {
    await renderSynced();
    press('g', 'p');
    expect(await screen.findByTestId('view-pods')).toBeTruthy();
    press('g', 'e');
    expect(await screen.findByTestId('view-events')).toBeTruthy();
    press('g', 'n');
    expect(await screen.findByTestId('view-nodes')).toBeTruthy();
    press('g', 'w');
    expect(await screen.findByTestId('view-workloads')).toBeTruthy();

    setHash('#/events');
    const filter = await screen.findByRole('searchbox', { name: 'Filter events' });
    press('/');
    expect(document.activeElement).toBe(filter);
    fireEvent.keyDown(filter, { key: 'g' });
    fireEvent.keyDown(filter, { key: 'p' });
    expect(screen.getByTestId('view-events')).toBeTruthy();
  });

  it('opens the shortcuts dialog with ? and closes it with Escape', async () => {
    await renderSynced();
    press('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('Go to Pods');
    press('Escape');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('toggles and remembers the theme', async () => {
    await renderSynced();
    expect(document.documentElement.dataset.theme).toBe('light');
    fireEvent.click(screen.getByRole('button', { name: 'Switch to dark theme' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('shoal.theme')).toBe('dark');
    fireEvent.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('builds the namespace switcher from Namespace objects', async () => {
    await renderSynced();
    const select = screen.getByRole('combobox', { name: 'Namespace' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual([
      'All namespaces',
      'default',
      'prod',
    ]);
    fireEvent.change(select, { target: { value: 'prod' } });
    expect(useClusterStore.getState().namespace).toBe('prod');
    act(() => cluster.watch().onChanges([{ type: 'ADDED', object: namespace('staging') }]));
    expect(Array.from(select.options).map((o) => o.value)).toContain('staging');
  });

  it('shows the link state in a banner', async () => {
    await renderSynced();
    expect(screen.queryByTestId('link-banner')).toBeNull();
    act(() => cluster.watch().onState('reconnecting'));
    expect(screen.getByTestId('link-banner').textContent).toContain('Reconnecting…');
    act(() => cluster.watch().onState('failed', 'connection refused'));
    expect(screen.getByTestId('link-banner').textContent).toContain(
      'Cannot reach the cluster: connection refused',
    );
    act(() => cluster.watch().onState('live'));
    expect(screen.queryByTestId('link-banner')).toBeNull();
  });
});

describe('empty states', () => {
  it('tells what to do when there is nothing yet', async () => {
    await renderSynced([]);
    const overview = await screen.findByTestId('view-overview');
    expect(within(overview).getByText('No nodes yet')).toBeTruthy();
    expect(within(overview).getByText('No pods yet')).toBeTruthy();
    expect(within(overview).getByText('No events yet')).toBeTruthy();
    expect(within(overview).getByText('No CPU samples yet')).toBeTruthy();
    setHash('#/nodes');
    expect(await screen.findByText('No nodes yet')).toBeTruthy();
    setHash('#/events');
    expect(await screen.findByText('No events yet')).toBeTruthy();
  });
});

describe('Overview', () => {
  it('shows requests against allocatable, pods by phase and recent events', async () => {
    await renderSynced([
      node('node-a'),
      pod('default', 'a', { node: 'node-a', cpu: '500m', memory: '1Gi' }),
      pod('default', 'b', { node: 'node-a', cpu: '1', memory: '1Gi' }),
      pod('default', 'done', { node: 'node-a', cpu: '2', phase: 'Succeeded' }),
      pod('default', 'waiting', { phase: 'Pending' }),
    ]);
    act(() =>
      cluster.pushEvents([
        event('e1', { reason: 'Pulled' }),
        event('e2', { reason: 'BackOff', type: 'Warning' }),
      ]),
    );
    act(() =>
      cluster.pushUsage([{ node: 'node-a', at: Date.now(), cpuCores: 1.25, memoryBytes: 2 * 1024 ** 3 }]),
    );
    const overview = await screen.findByTestId('view-overview');
    // The finished pod holds nothing.
    const cpu = within(overview).getByRole('meter', { name: 'CPU requests on node-a' });
    expect(cpu.getAttribute('aria-valuetext')).toBe('1.5 / 4 cores');
    const memory = within(overview).getByRole('meter', { name: 'Memory requests on node-a' });
    expect(memory.getAttribute('aria-valuetext')).toBe('2.0 GiB / 8.0 GiB');
    expect(within(overview).getByTestId('phase-running').textContent).toContain('2');
    expect(within(overview).getByTestId('phase-pending').textContent).toContain('1');
    expect(within(overview).getByTestId('phase-succeeded').textContent).toContain('1');
    const events = within(overview).getByTestId('overview-events');
    expect(events.textContent).toMatch(/BackOff.*Pulled/s);
    expect(within(overview).getByTestId('overview-cpu').textContent).toContain('1.25 cores');
    expect(within(overview).getByTestId('overview-memory').textContent).toContain('2.0 GiB');
  });
});

describe('Nodes', () => {
  it('shows a node with its pods, and cordons, uncordons and drains it', async () => {
    await renderSynced([
      node('node-a'),
      node('node-b', { ready: false, unschedulable: true }),
      pod('default', 'web', { node: 'node-a' }),
    ]);
    setHash('#/nodes');
    const view = await screen.findByTestId('view-nodes');
    expect(within(view).getByTestId('row-node-node-b').textContent).toContain('NotReady');
    expect(within(view).getByTestId('row-node-node-b').textContent).toContain('SchedulingDisabled');
    expect(within(view).getByTestId('row-node-node-a').textContent).toContain('leader');

    fireEvent.click(within(view).getByTestId('row-node-node-a'));
    const details = await screen.findByTestId('node-details-node-a');
    expect(window.location.hash).toBe('#/nodes/node-a');
    expect(within(details).getByTestId('row-pod-web')).toBeTruthy();
    expect(within(details).getByRole('table', { name: 'Conditions' }).textContent).toContain('Ready');

    fireEvent.click(within(details).getByRole('button', { name: 'Cordon' }));
    await waitFor(() => expect(cluster.connection.cordon).toHaveBeenCalledWith('node-a', true));

    vi.mocked(cluster.connection.drain).mockImplementation(async (_node, onProgress) => {
      onProgress({ remaining: [{ namespace: 'default', name: 'web' }], evicted: 0, total: 1, done: false });
      onProgress({ remaining: [], evicted: 1, total: 1, done: true });
    });
    fireEvent.click(within(details).getByRole('button', { name: 'Drain' }));
    fireEvent.click(within(details).getByRole('button', { name: 'Confirm Drain' }));
    await waitFor(() =>
      expect(within(details).getByTestId('drain-progress').textContent).toContain(
        'Drained: 1 of 1 pods evicted',
      ),
    );

    setHash('#/nodes/node-b');
    const other = await screen.findByTestId('node-details-node-b');
    fireEvent.click(within(other).getByRole('button', { name: 'Uncordon' }));
    await waitFor(() => expect(cluster.connection.cordon).toHaveBeenCalledWith('node-b', false));
  });

  it('shows a failed cordon in the API words', async () => {
    await renderSynced([node('node-a')]);
    vi.mocked(cluster.connection.cordon).mockRejectedValueOnce(new Error('nodes "node-a" is forbidden'));
    setHash('#/nodes/node-a');
    const details = await screen.findByTestId('node-details-node-a');
    fireEvent.click(within(details).getByRole('button', { name: 'Cordon' }));
    expect((await within(details).findByRole('alert')).textContent).toContain('forbidden');
  });
});

describe('Events', () => {
  it('lists events newest first, filtered by type, text and namespace', async () => {
    await renderSynced();
    const now = Date.now();
    act(() =>
      cluster.pushEvents([
        event('old', { reason: 'Scheduled', at: new Date(now - 3 * 3600_000).toISOString() }),
        event('warn', { reason: 'BackOff', type: 'Warning', at: new Date(now - 60_000).toISOString() }),
        event('new', { reason: 'Started', at: new Date(now - 1000).toISOString(), namespace: 'prod' }),
      ]),
    );
    setHash('#/events');
    const view = await screen.findByTestId('view-events');
    const reasons = () => Array.from(view.querySelectorAll('.event-item strong')).map((e) => e.textContent);
    expect(reasons()).toEqual(['Started', 'BackOff', 'Scheduled']);
    expect(within(view).getByRole('region', { name: 'Last 5 minutes' })).toBeTruthy();

    fireEvent.click(within(view).getByRole('button', { name: /Warnings/ }));
    expect(reasons()).toEqual(['BackOff']);
    fireEvent.click(within(view).getByRole('button', { name: 'All' }));

    fireEvent.change(within(view).getByRole('searchbox', { name: 'Filter events' }), {
      target: { value: 'sched' },
    });
    expect(reasons()).toEqual(['Scheduled']);
    fireEvent.change(within(view).getByRole('searchbox', { name: 'Filter events' }), {
      target: { value: '' },
    });

    act(() => useClusterStore.getState().setNamespace('prod'));
    expect(reasons()).toEqual(['Started']);
  });
});

describe('routes', () => {
  it('parses views and their parameters, and falls back to the overview', () => {
    expect(parseRoute('#/pods/default/web-1')).toEqual({ view: 'pods', params: ['default', 'web-1'] });
    expect(parseRoute('#/nodes')).toEqual({ view: 'nodes', params: [] });
    expect(parseRoute('')).toEqual({ view: 'overview', params: [] });
    expect(parseRoute('#token=abc')).toEqual({ view: 'overview', params: [] });
    expect(parseRoute(routeHash('pods', 'my ns', 'a/b'))).toEqual({ view: 'pods', params: ['my ns', 'a/b'] });
  });
});

describe('requests', () => {
  it('counts the larger of the containers and the largest init container, and skips finished pods', () => {
    const p = pod('default', 'a', { node: 'n', cpu: '100m', memory: '64Mi' }) as Pod;
    p.spec.initContainers = [
      { name: 'init', image: 'x', resources: { requests: { cpu: '1', memory: '1Mi' } } },
    ] as Pod['spec']['containers'];
    expect(podRequests(p)).toEqual({ cpu: 1000, memory: 64 * 1024 ** 2 });
    const done = pod('default', 'b', { node: 'n', phase: 'Failed' }) as Pod;
    const unscheduled = pod('default', 'c') as Pod;
    expect(loadByNode([p, done, unscheduled]).get('n')).toEqual({
      cpu: 1000,
      memory: 64 * 1024 ** 2,
      pods: 1,
    });
  });
});
