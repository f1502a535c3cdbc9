// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  ClusterConnection,
  ExecHandlers,
  KubeEvent,
  LogOptions,
} from '../../renderer/src/connection/ClusterConnection.ts';
import { ConnectionProvider } from '../../renderer/src/store/ConnectionContext.tsx';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { emptyObjectMaps } from '../../renderer/src/store/objectMaps.ts';
import { ExecTerminal } from '../../renderer/src/views/pods/ExecTerminal.tsx';
import { LogViewer } from '../../renderer/src/views/pods/LogViewer.tsx';
import { PodsView } from '../../renderer/src/views/pods/PodsView.tsx';
import type { TerminalAdapter } from '../../renderer/src/views/pods/terminalAdapter.ts';
import type { Node, Pod } from '../../shared/model/types.ts';
import { fakeConnection, resetStore } from './fakeViewConnection.ts';

const created = new Date(Date.now() - 3 * 60_000).toISOString();

function pod(
  name: string,
  opts: { namespace?: string; labels?: Record<string, string>; node?: string; status?: Pod['status'] } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      labels: opts.labels,
      creationTimestamp: created,
      uid: `${name}-uid`,
    },
    spec: { containers: [{ name: 'main', image: 'shoal.test/busybox:1' }], nodeName: opts.node },
    status: opts.status,
  } as Pod;
}

const running: Pod['status'] = {
  phase: 'Running',
  podIP: '10.1.0.4',
  hostIP: '192.168.1.10',
  conditions: [
    { type: 'Ready', status: 'True' },
    { type: 'PodScheduled', status: 'True' },
  ],
  containerStatuses: [
    {
      name: 'main',
      ready: true,
      restartCount: 0,
      image: 'busybox',
      state: { running: { startedAt: created } },
    },
  ],
};
const crashing: Pod['status'] = {
  phase: 'Running',
  containerStatuses: [
    {
      name: 'main',
      ready: false,
      restartCount: 7,
      image: 'busybox',
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
    },
  ],
};
const creating: Pod['status'] = {
  phase: 'Pending',
  containerStatuses: [
    {
      name: 'main',
      ready: false,
      restartCount: 0,
      image: 'busybox',
      state: { waiting: { reason: 'ContainerCreating' } },
    },
  ],
};

const PODS = [
  pod('web-1', { labels: { app: 'web' }, node: 'alpha', status: running }),
  pod('web-2', { labels: { app: 'web' }, node: 'beta', status: crashing }),
  pod('db-1', { labels: { app: 'db' }, node: 'beta', status: creating }),
  pod('job-1', { namespace: 'batch', labels: { app: 'job' }, node: 'alpha', status: { phase: 'Succeeded' } }),
];

function fill(pods: Pod[], events: KubeEvent[] = []): void {
  const nodes = ['alpha', 'beta'].map(
    (name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} }) as unknown as Node,
  );
  useClusterStore.setState({
    objects: {
      ...emptyObjectMaps(),
      Pod: new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p])),
      Node: new Map(nodes.map((n) => [n.metadata.name, n])),
    },
    events,
  });
}

function renderWith(connection: ClusterConnection, ui: React.ReactNode) {
  return render(<ConnectionProvider connection={connection}>{ui}</ConnectionProvider>);
}

function cellsOf(testId: string): string[] {
  return within(screen.getByTestId(testId))
    .getAllByRole('cell')
    .map((c) => c.textContent ?? '');
}

function shownPods(): string[] {
  return screen
    .queryAllByTestId(/^row-pod-/)
    .map((r) => r.getAttribute('data-testid')?.slice('row-pod-'.length) ?? '');
}

beforeEach(() => {
  resetStore();
  window.location.hash = '#/pods';
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('PodsView table and filters', () => {
  it('shows kubectl columns with the computed status', () => {
    fill(PODS);
    renderWith(fakeConnection(), <PodsView />);
    expect(screen.getByTestId('view-pods')).toBeTruthy();
    expect(cellsOf('row-pod-web-1')).toEqual([
      'default',
      'web-1',
      '1/1',
      'Running',
      '0',
      '3m',
      'alpha',
      '10.1.0.4',
    ]);
    expect(cellsOf('row-pod-web-2').slice(1, 5)).toEqual(['web-2', '0/1', 'CrashLoopBackOff', '7']);
    expect(cellsOf('row-pod-db-1')[3]).toBe('ContainerCreating');
    expect(cellsOf('row-pod-job-1')[3]).toBe('Succeeded');
    expect(cellsOf('row-pod-db-1')[7]).toBe('<none>');
  });

  it('follows the store namespace, and the view switcher sets it', () => {
    fill(PODS);
    useClusterStore.setState({ namespace: 'batch' });
    renderWith(fakeConnection(), <PodsView />);
    expect(shownPods()).toEqual(['job-1']);
    expect(screen.queryByRole('columnheader', { name: 'NAMESPACE' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: '' } });
    expect(useClusterStore.getState().namespace).toBe('');
    expect(shownPods()).toHaveLength(4);
  });

  it('filters by label selector, node and phase, and names a bad selector', () => {
    fill(PODS);
    renderWith(fakeConnection(), <PodsView />);
    const input = document.querySelector<HTMLInputElement>('[data-filter]');
    expect(input).toBeTruthy();
    fireEvent.change(input as HTMLInputElement, { target: { value: 'app=web' } });
    expect(shownPods()).toEqual(['web-1', 'web-2']);
    fireEvent.change(screen.getByLabelText('Node'), { target: { value: 'beta' } });
    expect(shownPods()).toEqual(['web-2']);
    fireEvent.change(screen.getByLabelText('Node'), { target: { value: '' } });
    fireEvent.change(input as HTMLInputElement, { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Phase'), { target: { value: 'Pending' } });
    expect(shownPods()).toEqual(['db-1']);
    fireEvent.change(screen.getByLabelText('Phase'), { target: { value: '' } });
    fireEvent.change(input as HTMLInputElement, { target: { value: 'app in (web' } });
    expect(screen.getByTestId('selector-error').textContent).toMatch(/Label selector: .*expected/);
    expect(shownPods()).toHaveLength(4);
    fireEvent.change(input as HTMLInputElement, { target: { value: 'app=nothing' } });
    expect(screen.getByText('No pods match these filters')).toBeTruthy();
    fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' })[0] as HTMLElement);
    expect(shownPods()).toHaveLength(4);
  });

  it('says what to do when there are no pods, and waits for the first snapshot', () => {
    useClusterStore.setState({ synced: false });
    const { unmount } = renderWith(fakeConnection(), <PodsView />);
    expect(screen.getByText('Waiting for the cluster…')).toBeTruthy();
    unmount();
    useClusterStore.setState({ synced: true });
    renderWith(fakeConnection(), <PodsView />);
    expect(screen.getByText('No pods yet')).toBeTruthy();
  });

  it('renders 1,000 pods quickly, windowed, and updates one pod quickly', () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      pod(`pod-${String(i).padStart(4, '0')}`, { labels: { app: 'load' }, node: 'alpha', status: running }),
    );
    fill(many);
    const start = performance.now();
    renderWith(fakeConnection(), <PodsView />);
    const firstRender = performance.now() - start;
    const rows = shownPods();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByTestId('pod-count').textContent).toBe('1000 pods');

    const changed = { ...many[3], status: crashing } as Pod;
    const update = performance.now();
    act(() => {
      const map = new Map(useClusterStore.getState().objects.Pod);
      map.set('default/pod-0003', changed);
      useClusterStore.setState((s) => ({ objects: { ...s.objects, Pod: map } }));
    });
    const updateTime = performance.now() - update;
    expect(cellsOf('row-pod-pod-0003')[3]).toBe('CrashLoopBackOff');
    // Generous bounds for a shared CI machine under happy-dom; a browser is far faster.
    expect(firstRender).toBeLessThan(1500);
    expect(updateTime).toBeLessThan(200);
  });
});

describe('PodsView details', () => {
  const events: KubeEvent[] = [
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-2.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-2', namespace: 'default' },
      reason: 'BackOff',
      type: 'Warning',
      message: 'Back-off restarting failed container main',
      count: 5,
      lastTimestamp: created,
    } as KubeEvent,
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-1.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' },
      reason: 'Started',
      message: 'Started container main',
    } as KubeEvent,
  ];

  it('opens the selected pod from the route, with labels, node, IPs, conditions, containers and events', async () => {
    fill(PODS, events);
    renderWith(fakeConnection(), <PodsView />);
    fireEvent.click(screen.getByTestId('row-pod-web-2'));
    expect(window.location.hash).toBe('#/pods/default/web-2');
    const details = await screen.findByTestId('pod-details');
    expect(details.textContent).toContain('app=web');
    expect(details.textContent).toContain('beta');
    expect(within(details).getByTestId('container-main').textContent).toMatch(
      /Waiting: CrashLoopBackOff.*7 restarts/,
    );
    expect(details.textContent).toContain('back-off 5m0s');
    expect(details.textContent).toContain('Back-off restarting failed container main');
    expect(details.textContent).not.toContain('Started container main');
    expect(screen.getByTestId('row-pod-web-2').getAttribute('aria-selected')).toBe('true');

    act(() => {
      window.location.hash = '#/pods/default/web-1';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    const other = await screen.findByTestId('pod-details');
    await waitFor(() => expect(other.textContent).toContain('10.1.0.4'));
    expect(other.textContent).toContain('192.168.1.10');
    expect(within(other).getByRole('region', { name: 'Conditions' }).textContent).toContain('Ready');
  });

  it('says when the selected pod is gone, and deletes a pod after confirmation', async () => {
    fill(PODS);
    const del = vi.fn(async () => {});
    window.location.hash = '#/pods/default/nope';
    const { unmount } = renderWith(fakeConnection({ delete: del }), <PodsView />);
    expect((await screen.findByTestId('pod-details')).textContent).toContain('does not exist');
    unmount();
    window.location.hash = '#/pods/default/web-1';
    renderWith(fakeConnection({ delete: del }), <PodsView />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(del).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm delete of web-1' }));
    expect(del).toHaveBeenCalledWith('Pod', 'default', 'web-1');
  });
});

interface FakeLogs {
  connection: ClusterConnection;
  calls: Array<{
    opts: LogOptions;
    onText(text: string): void;
    onEnd(error?: string): void;
    close: ReturnType<typeof vi.fn>;
  }>;
}

function fakeLogs(): FakeLogs {
  const calls: FakeLogs['calls'] = [];
  const connection = fakeConnection({
    logs: (_ns, _pod, opts, onText, onEnd) => {
      const close = vi.fn();
      calls.push({ opts, onText, onEnd, close });
      return { close };
    },
  });
  return { connection, calls };
}

describe('LogViewer', () => {
  it('streams text, follows by default, and closes the stream on unmount', async () => {
    const logs = fakeLogs();
    const { unmount } = renderWith(
      logs.connection,
      <LogViewer namespace="default" pod="web-1" containers={['main']} />,
    );
    expect(logs.connection.logs).toHaveBeenCalledWith(
      'default',
      'web-1',
      { container: 'main', follow: true, tailLines: 500 },
      expect.any(Function),
      expect.any(Function),
    );
    act(() => logs.calls[0]?.onText('starting up\nlistening on :80\nGET / 200\n'));
    await screen.findByText('listening on :80');
    expect(screen.getByTestId('log-output').textContent).toContain('GET / 200');
    unmount();
    expect(logs.calls[0]?.close).toHaveBeenCalledTimes(1);
  });

  it('highlights matches and jumps between them', async () => {
    const logs = fakeLogs();
    renderWith(logs.connection, <LogViewer namespace="default" pod="web-1" containers={['main']} />);
    act(() => logs.calls[0]?.onText('error one\nfine\nanother ERROR here\n'));
    await screen.findByText('fine');
    fireEvent.change(screen.getByLabelText('Search logs'), { target: { value: 'error' } });
    const output = screen.getByTestId('log-output');
    expect(output.querySelectorAll('mark')).toHaveLength(2);
    expect(screen.getByTestId('log-match-count').textContent).toBe('1 of 2');
    expect(output.querySelector('[data-active-match]')?.textContent).toBe('error');
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByTestId('log-match-count').textContent).toBe('2 of 2');
    expect(output.querySelector('[data-active-match]')?.textContent).toBe('ERROR');
    fireEvent.keyDown(screen.getByLabelText('Search logs'), { key: 'Enter' });
    expect(screen.getByTestId('log-match-count').textContent).toBe('1 of 2');
    fireEvent.click(screen.getByRole('button', { name: 'Previous match' }));
    expect(screen.getByTestId('log-match-count').textContent).toBe('2 of 2');
    fireEvent.change(screen.getByLabelText('Search logs'), { target: { value: 'absent' } });
    expect(screen.getByTestId('log-match-count').textContent).toBe('no matches');
  });

  it('reopens the stream for another container, follow off, or another tail', () => {
    const logs = fakeLogs();
    renderWith(
      logs.connection,
      <LogViewer namespace="default" pod="web-1" containers={['init', 'main']} defaultContainer="main" />,
    );
    fireEvent.change(screen.getByLabelText('Container'), { target: { value: 'init' } });
    expect(logs.calls[0]?.close).toHaveBeenCalled();
    expect(logs.calls.at(-1)?.opts).toEqual({ container: 'init', follow: true, tailLines: 500 });
    fireEvent.click(screen.getByLabelText('Follow'));
    expect(logs.calls.at(-1)?.opts).toEqual({ container: 'init', follow: false, tailLines: 500 });
    fireEvent.change(screen.getByLabelText('Last'), { target: { value: '100' } });
    expect(logs.calls.at(-1)?.opts).toEqual({ container: 'init', follow: false, tailLines: 100 });
    expect(logs.calls.slice(0, -1).every((c) => c.close.mock.calls.length === 1)).toBe(true);
  });

  it('keeps a bounded buffer and shows a stream error with a retry', async () => {
    const logs = fakeLogs();
    renderWith(
      logs.connection,
      <LogViewer namespace="default" pod="web-1" containers={['main']} maxLines={5} />,
    );
    act(() => logs.calls[0]?.onText(`${Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n')}\n`));
    await screen.findByText('line 11');
    expect(screen.getByTestId('log-output').querySelectorAll('.log-line')).toHaveLength(5);
    expect(screen.queryByText('line 6')).toBeNull();
    act(() => logs.calls[0]?.onEnd('container "main" in pod "web-1" is waiting to start'));
    expect(screen.getByRole('alert').textContent).toContain('is waiting to start');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(logs.calls).toHaveLength(2);
  });
});

class FakeTerminal implements TerminalAdapter {
  written: string[] = [];
  cols = 100;
  rows = 30;
  opened = false;
  disposed = false;
  private dataListeners: Array<(data: string) => void> = [];
  private resizeListeners: Array<(size: { cols: number; rows: number }) => void> = [];
  open() {
    this.opened = true;
  }
  write(data: string | Uint8Array) {
    this.written.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
  }
  onData(listener: (data: string) => void) {
    this.dataListeners.push(listener);
    return { dispose: () => (this.dataListeners = this.dataListeners.filter((l) => l !== listener)) };
  }
  onResize(listener: (size: { cols: number; rows: number }) => void) {
    this.resizeListeners.push(listener);
    return { dispose: () => (this.resizeListeners = this.resizeListeners.filter((l) => l !== listener)) };
  }
  fit() {}
  reset() {
    this.written = [];
  }
  focus() {}
  dispose() {
    this.disposed = true;
  }
  type(data: string) {
    for (const l of this.dataListeners) l(data);
  }
  resize(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
    for (const l of this.resizeListeners) l({ cols, rows });
  }
}

function fakeExec() {
  const sessions: Array<{
    handlers: ExecHandlers;
    write: ReturnType<typeof vi.fn>;
    resize: ReturnType<typeof vi.fn>;
    close: ReturnType<typeof vi.fn>;
  }> = [];
  const connection = fakeConnection({
    exec: (_ns, _pod, _opts, handlers) => {
      const session = { handlers, write: vi.fn(), resize: vi.fn(), close: vi.fn() };
      sessions.push(session);
      return session;
    },
  });
  return { connection, sessions };
}

describe('ExecTerminal', () => {
  it('runs sh with a TTY of the terminal size, wires input, output and resize, and shows the exit code', () => {
    const { connection, sessions } = fakeExec();
    const terminal = new FakeTerminal();
    const { unmount } = renderWith(
      connection,
      <ExecTerminal
        namespace="default"
        pod="web-1"
        containers={['main', 'sidecar']}
        createTerminal={() => terminal}
      />,
    );
    expect(terminal.opened).toBe(true);
    expect((screen.getByLabelText('Command') as HTMLInputElement).value).toBe('sh');
    fireEvent.change(screen.getByLabelText('Container'), { target: { value: 'sidecar' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(connection.exec).toHaveBeenCalledWith(
      'default',
      'web-1',
      { container: 'sidecar', command: ['sh'], tty: true, cols: 100, rows: 30 },
      expect.any(Object),
    );
    const session = sessions[0];
    if (!session) throw new Error('no session');
    terminal.type('ls\r');
    expect(session.write).toHaveBeenCalledWith('ls\r');
    terminal.resize(120, 40);
    expect(session.resize).toHaveBeenCalledWith(120, 40);
    act(() => session.handlers.onOutput(new TextEncoder().encode('bin  etc\r\n')));
    expect(terminal.written.join('')).toContain('bin  etc');
    expect(screen.getByRole('button', { name: 'Disconnect' })).toBeTruthy();
    act(() => session.handlers.onExit(3));
    expect(screen.getByTestId('exec-exit').textContent).toBe('The command exited with code 3.');
    expect(screen.getByRole('button', { name: 'Run' })).toBeTruthy();
    // Input after the end goes nowhere.
    terminal.type('x');
    expect(session.write).toHaveBeenCalledTimes(1);

    fireEvent.change(screen.getByLabelText('Command'), { target: { value: `sh -c 'echo hi'` } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(sessions[1]).toBeTruthy();
    expect(vi.mocked(connection.exec).mock.calls[1]?.[2].command).toEqual(['sh', '-c', 'echo hi']);
    unmount();
    expect(sessions[1]?.close).toHaveBeenCalledTimes(1);
    expect(terminal.disposed).toBe(true);
  });

  it('shows a command that failed to start, and refuses a malformed command', () => {
    const connection = fakeConnection({
      exec: (_ns, _pod, _opts, handlers) => {
        handlers.onExit(undefined, 'container "main" is not running');
        return { write: vi.fn(), resize: vi.fn(), close: vi.fn() };
      },
    });
    const terminal = new FakeTerminal();
    renderWith(
      connection,
      <ExecTerminal namespace="default" pod="web-1" containers={['main']} createTerminal={() => terminal} />,
    );
    fireEvent.change(screen.getByLabelText('Command'), { target: { value: "sh -c 'oops" } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByRole('alert').textContent).toContain('unterminated');
    expect(connection.exec).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Command'), { target: { value: 'sh' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByTestId('exec-exit').textContent).toBe('container "main" is not running');
    expect(screen.getByRole('button', { name: 'Run' })).toBeTruthy();
  });

  it('works with the real xterm.js terminal from the pod details Shell tab', async () => {
    fill(PODS);
    const { connection, sessions } = fakeExec();
    window.location.hash = '#/pods/default/web-1/shell';
    const { unmount } = renderWith(connection, <PodsView />);
    // The terminal (xterm.js) is loaded on first use: give the import time on a busy machine.
    fireEvent.click(await screen.findByRole('button', { name: 'Run' }, { timeout: 10_000 }));
    expect(connection.exec).toHaveBeenCalledWith(
      'default',
      'web-1',
      expect.objectContaining({ container: 'main', command: ['sh'], tty: true }),
      expect.any(Object),
    );
    act(() => sessions[0]?.handlers.onExit(0));
    expect(screen.getByTestId('exec-exit').textContent).toBe('The command exited with code 0.');
    unmount();
  });
});
