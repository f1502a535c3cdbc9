// The one ClusterConnection over a fake Transport: list-then-watch with snapshots, batches, back-off and
// resume; the workload verbs as the CLI does them (scale, restart, undo, cordon, drain); exec frames and exit
// codes; logs; and errors that carry the API's Status message.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bearerProtocol as serverBearerProtocol } from '../../agent/api/auth.ts';
import {
  type ClusterConnection,
  ClusterError,
  type DrainProgress,
  type KubeObject,
  type LinkState,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  type TransportSocket,
  type UsageSample,
  type WatchHandlers,
} from '../../renderer/src/connection/ClusterConnection.ts';
import { createClusterConnection } from '../../renderer/src/connection/createClusterConnection.ts';
import { bearerProtocol } from '../../renderer/src/connection/webTransport.ts';

// A Transport the tests drive: requests answered over an in-memory object map (with resourceVersion
// conflicts, as the API has), sockets and streams played by hand.
class FakeSocket implements TransportSocket {
  readonly sent: Array<string | Uint8Array> = [];
  closed = false;
  #open: Array<() => void> = [];
  #message: Array<(data: string | Uint8Array) => void> = [];
  #close: Array<(info: { code: number; reason: string; error?: string }) => void> = [];

  constructor(
    readonly path: string,
    readonly protocols: readonly string[] | undefined,
  ) {}

  send(data: string | Uint8Array): void {
    if (this.closed) throw new Error('send on a closed socket');
    this.sent.push(data);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.#close) cb({ code: 1000, reason: '' });
  }
  onOpen(cb: () => void): void {
    this.#open.push(cb);
  }
  onMessage(cb: (data: string | Uint8Array) => void): void {
    this.#message.push(cb);
  }
  onClose(cb: (info: { code: number; reason: string; error?: string }) => void): void {
    this.#close.push(cb);
  }

  // The server's side.
  open(): void {
    for (const cb of this.#open) cb();
  }
  receive(data: string | Uint8Array | object): void {
    const payload = typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data);
    for (const cb of this.#message) cb(payload);
  }
  drop(error?: string, code = 1006): void {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.#close) cb({ code, reason: '', ...(error !== undefined ? { error } : {}) });
  }
}

interface FakeStream {
  path: string;
  chunk(text: string): void;
  end(error?: string): void;
  cancelled: boolean;
}

type Handler = (req: TransportRequest) => TransportResponse | Promise<TransportResponse> | undefined;

class FakeTransport implements Transport {
  readonly kind = 'web' as const;
  readonly sockets: FakeSocket[] = [];
  readonly requests: TransportRequest[] = [];
  readonly streams: FakeStream[] = [];
  /** Objects by API path. */
  readonly objects = new Map<string, Record<string, unknown>>();
  /** Tried before the object map; undefined falls through. */
  handler: Handler = () => undefined;
  #rv = 100;

  put(path: string, obj: Record<string, unknown>): void {
    const meta = (obj.metadata ?? {}) as Record<string, unknown>;
    this.objects.set(path, { ...obj, metadata: { ...meta, resourceVersion: String(++this.#rv) } });
  }

  get lastSocket(): FakeSocket {
    const s = this.sockets.at(-1);
    if (!s) throw new Error('no socket was opened');
    return s;
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    this.requests.push(structuredClone(req));
    const handled = await this.handler(req);
    if (handled) return handled;
    const [path, query] = req.path.split('?') as [string, string | undefined];
    if (req.method === 'GET') {
      const obj = this.objects.get(path);
      if (obj) return { status: 200, body: structuredClone(obj) };
      // A collection: every object under the path.
      const items = [...this.objects]
        .filter(([p]) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/'))
        .map(([, o]) => structuredClone(o))
        .filter((o) => {
          const field = new URLSearchParams(query ?? '').get('fieldSelector');
          if (!field) return true;
          const node = field.replace('spec.nodeName=', '');
          return (o.spec as { nodeName?: string } | undefined)?.nodeName === node;
        });
      if (items.length > 0 || path.endsWith('s')) return { status: 200, body: { kind: 'List', items } };
    }
    const current = this.objects.get(path);
    if (!current) return notFound(path);
    if (req.method === 'PUT') {
      const body = req.body as { metadata: { resourceVersion?: string } };
      const currentRv = (current.metadata as { resourceVersion: string }).resourceVersion;
      if (body.metadata.resourceVersion !== currentRv) {
        return {
          status: 409,
          body: {
            kind: 'Status',
            status: 'Failure',
            reason: 'Conflict',
            code: 409,
            message: 'the object has been modified',
          },
        };
      }
      this.put(path, body as unknown as Record<string, unknown>);
      return { status: 200, body: this.objects.get(path) };
    }
    if (req.method === 'DELETE') {
      this.objects.delete(path);
      return { status: 200, body: { kind: 'Status', status: 'Success', code: 200 } };
    }
    return { status: 405, body: { kind: 'Status', message: `${req.method} not allowed`, code: 405 } };
  }

  openSocket(path: string, protocols?: readonly string[]): TransportSocket {
    const socket = new FakeSocket(path, protocols);
    this.sockets.push(socket);
    return socket;
  }

  stream(path: string, onChunk: (text: string) => void, onEnd: (error?: string) => void): () => void {
    const s: FakeStream = {
      path,
      cancelled: false,
      chunk: (text) => onChunk(text),
      end: (error) => onEnd(error),
    };
    this.streams.push(s);
    return () => {
      s.cancelled = true;
    };
  }
}

function notFound(path: string): TransportResponse {
  const name = path.split('/').at(-1);
  return {
    status: 404,
    body: {
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `"${name}" not found`,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

const bookmark = (rv = '200') => ({
  type: 'BOOKMARK',
  object: {
    apiVersion: 'v1',
    kind: 'Bookmark',
    metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } },
  },
});
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '5', ...extra },
  spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox' }] },
});

function recorder() {
  const calls: string[] = [];
  const snapshots: KubeObject[][] = [];
  const changes: Array<Array<{ type: string; object: KubeObject }>> = [];
  const states: Array<[LinkState, string | undefined]> = [];
  const handlers: WatchHandlers = {
    onSnapshot: (objects) => {
      calls.push('snapshot');
      snapshots.push(objects);
    },
    onChanges: (c) => {
      calls.push('changes');
      changes.push(c);
    },
    onState: (s, e) => {
      calls.push(`state:${s}`);
      states.push([s, e]);
    },
  };
  return { calls, snapshots, changes, states, handlers };
}

let transport: FakeTransport;
let conn: ClusterConnection;
beforeEach(() => {
  vi.useFakeTimers();
  transport = new FakeTransport();
  conn = createClusterConnection(transport);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchAll', () => {
  it('lists every kind, then hands over changes in batches per frame', async () => {
    const r = recorder();
    const stop = conn.watchAll(r.handlers);
    const s = transport.lastSocket;
    expect(s.path).toBe('/shoal/v1/watch?allowWatchBookmarks=true');
    expect(r.states).toEqual([['connecting', undefined]]);
    s.open();
    s.receive({ type: 'ADDED', object: pod('a') });
    s.receive({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } } });
    expect(r.snapshots).toEqual([]);
    s.receive(bookmark());
    expect(r.snapshots[0]?.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Pod/a', 'Node/node-a']);
    expect(r.states.at(-1)).toEqual(['live', undefined]);
    s.receive({ type: 'MODIFIED', object: pod('a', { labels: { x: 'y' } }) });
    s.receive({ type: 'ADDED', object: pod('b') });
    s.receive({ type: 'DELETED', object: pod('a') });
    expect(r.changes).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]?.map((c) => `${c.type} ${c.object.metadata.name}`)).toEqual([
      'MODIFIED a',
      'ADDED b',
      'DELETED a',
    ]);
    stop();
    expect(s.closed).toBe(true);
    expect(transport.sockets).toHaveLength(1);
  });

  it('reconnects with back-off (0.5 s doubling to 10 s), relisting everything each time', async () => {
    const r = recorder();
    const stop = conn.watchAll(r.handlers);
    transport.lastSocket.open();
    transport.lastSocket.receive({ type: 'ADDED', object: pod('a') });
    transport.lastSocket.receive(bookmark());
    transport.lastSocket.receive({ type: 'ADDED', object: pod('b') });
    transport.lastSocket.drop('connection reset');
    // The change before the loss is delivered before the state changes; the link says why it is down.
    expect(r.calls.slice(-2)).toEqual(['changes', 'state:reconnecting']);
    expect(r.states.at(-1)).toEqual(['reconnecting', 'connection reset']);

    const opensAfter: number[] = [];
    let elapsed = 0;
    for (let i = 0; i < 7; i++) {
      const before = transport.sockets.length;
      while (transport.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        elapsed += 100;
      }
      opensAfter.push(elapsed);
      elapsed = 0;
      transport.lastSocket.open(); // opens, then drops before its list: not healthy, so the delay grows
      transport.lastSocket.drop();
    }
    expect(opensAfter).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);

    // A watch that works again starts over with a full list, and the next loss retries quickly.
    await vi.advanceTimersByTimeAsync(10_000);
    const s = transport.lastSocket;
    expect(s.path).toBe('/shoal/v1/watch?allowWatchBookmarks=true');
    s.open();
    s.receive({ type: 'ADDED', object: pod('c') });
    s.receive(bookmark());
    expect(r.snapshots.at(-1)?.map((o) => o.metadata.name)).toEqual(['c']);
    expect(r.states.at(-1)).toEqual(['live', undefined]);
    s.drop();
    const before = transport.sockets.length;
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.sockets.length).toBe(before + 1);
    stop();
  });

  it('fails for good when the API refuses the token, and on a refused watch', async () => {
    transport.handler = (req) =>
      req.path === '/shoal/v1/status' ? { status: 401, body: { kind: 'Status', code: 401 } } : undefined;
    const r = recorder();
    conn.watchAll(r.handlers);
    transport.lastSocket.drop(); // refused before it opened: the browser does not say why
    await vi.advanceTimersByTimeAsync(0);
    expect(r.states.at(-1)?.[0]).toBe('failed');
    expect(r.states.at(-1)?.[1]).toMatch(/refused the token/);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(transport.sockets).toHaveLength(1);

    const r2 = recorder();
    conn.watchAll(r2.handlers);
    transport.lastSocket.open();
    transport.lastSocket.receive({
      type: 'ERROR',
      object: { kind: 'Status', code: 400, message: 'bad selector' },
    });
    expect(r2.states.at(-1)).toEqual(['failed', 'bad selector']);
  });

  it('treats a malformed message as a broken connection and says what was wrong', () => {
    const r = recorder();
    conn.watchAll(r.handlers);
    transport.lastSocket.open();
    transport.lastSocket.receive({ type: 'ADDED', object: { kind: 'Pod', metadata: {} } });
    expect(r.states.at(-1)).toEqual(['reconnecting', 'the watch sent a Pod without metadata.name']);
    expect(transport.lastSocket.closed).toBe(true);
  });
});

describe('watchEvents and watchUsage', () => {
  const event = (name: string, rv: string, at: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default', resourceVersion: rv },
    involvedObject: { kind: 'Pod', name: 'a' },
    reason: 'Started',
    lastTimestamp: at,
  });

  it('sends the recent events oldest first, then new ones, resuming after a loss', async () => {
    const got: string[][] = [];
    conn.watchEvents((events) => got.push(events.map((e) => e.metadata.name)));
    const s = transport.lastSocket;
    expect(s.path).toBe('/shoal/v1/watch?kind=Event&allowWatchBookmarks=true');
    s.open();
    s.receive({ type: 'ADDED', object: event('late', '7', '2026-01-01T00:00:09Z') });
    s.receive({ type: 'ADDED', object: event('early', '6', '2026-01-01T00:00:01Z') });
    s.receive(bookmark('7'));
    expect(got).toEqual([['early', 'late']]);
    s.receive({ type: 'ADDED', object: event('next', '9', '2026-01-01T00:00:10Z') });
    await vi.advanceTimersByTimeAsync(20);
    expect(got.at(-1)).toEqual(['next']);
    s.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.lastSocket.path).toBe(
      '/shoal/v1/watch?kind=Event&allowWatchBookmarks=true&resourceVersion=9',
    );
  });

  it('delivers usage samples once, though a reconnection sends the history again', async () => {
    const got: UsageSample[][] = [];
    conn.watchUsage((samples) => got.push(samples));
    const history = {
      samples: [
        { node: 'a', at: 1000, cpuCores: 0.5, memoryBytes: 100 },
        { node: 'a', at: 2000, cpuCores: 0.7, memoryBytes: 120 },
      ],
    };
    expect(transport.lastSocket.path).toBe('/shoal/v1/usage');
    transport.lastSocket.open();
    transport.lastSocket.receive(history);
    transport.lastSocket.drop();
    await vi.advanceTimersByTimeAsync(500);
    transport.lastSocket.open();
    transport.lastSocket.receive({
      samples: [...history.samples, { node: 'a', at: 3000, cpuCores: 1, memoryBytes: 130 }],
    });
    expect(got.map((g) => g.map((s) => s.at))).toEqual([[1000, 2000], [3000]]);
    transport.lastSocket.receive({ samples: [{ node: 'a', at: 'soon' }] });
    expect(transport.lastSocket.closed).toBe(true);
  });
});

describe('workload actions', () => {
  const deployPath = '/apis/apps/v1/namespaces/default/deployments/web';
  const template = (image: string, extra: Record<string, string> = {}) => ({
    metadata: { labels: { app: 'web', ...extra } },
    spec: { containers: [{ name: 'web', image }] },
  });
  const deployment = (image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'd1',
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template(image) },
  });
  const replicaSet = (revision: number, image: string, cause?: string) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${revision}`,
      namespace: 'default',
      uid: `rs${revision}`,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        ...(cause ? { 'kubernetes.io/change-cause': cause } : {}),
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: template(image, { 'pod-template-hash': `h${revision}` }),
    },
  });
  const current = () =>
    transport.objects.get(deployPath) as unknown as {
      metadata: { annotations?: Record<string, string> };
      spec: { replicas: number; template: ReturnType<typeof template> };
    };

  beforeEach(() => {
    transport.put(deployPath, deployment('nginx:3'));
    transport.put('/apis/apps/v1/namespaces/default/replicasets/web-1', replicaSet(1, 'nginx:1', 'first'));
    transport.put('/apis/apps/v1/namespaces/default/replicasets/web-2', replicaSet(2, 'nginx:2'));
    transport.put('/apis/apps/v1/namespaces/default/replicasets/web-3', replicaSet(3, 'nginx:3'));
  });

  it('scales with GET then PUT of spec.replicas, redoing the edit after a Conflict', async () => {
    let conflicts = 1;
    transport.handler = (req) => {
      if (req.method === 'PUT' && conflicts-- > 0) {
        transport.put(deployPath, { ...current(), kind: 'Deployment' }); // a controller wrote meanwhile
        return undefined;
      }
      return undefined;
    };
    await conn.scale('Deployment', 'default', 'web', 5);
    expect(current().spec.replicas).toBe(5);
    expect(transport.requests.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET', 'PUT']);
    await expect(conn.scale('Deployment', 'default', 'web', -1)).rejects.toThrow(
      'replicas must be a whole number',
    );
  });

  it('restarts by stamping the template with restartedAt', async () => {
    await conn.rolloutRestart('default', 'web');
    const meta = current().spec.template.metadata as { annotations?: Record<string, string> };
    expect(meta.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(current().spec.template.spec.containers[0]?.image).toBe('nginx:3');
  });

  it('rolls back to the previous revision, or the one asked for, as kubectl does', async () => {
    await conn.rolloutUndo('default', 'web');
    expect(current().spec.template).toEqual(template('nginx:2'));
    // The revision annotation is the deployment's own; the change cause comes from the replica set.
    await conn.rolloutUndo('default', 'web', 1);
    expect(current().spec.template).toEqual(template('nginx:1'));
    expect(current().metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubernetes.io/change-cause': 'first',
    });
    const puts = transport.requests.filter((r) => r.method === 'PUT').length;
    await conn.rolloutUndo('default', 'web', 1); // already that template: nothing written
    expect(transport.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
    await expect(conn.rolloutUndo('default', 'web', 9)).rejects.toMatchObject({
      name: 'ClusterError',
      message: 'unable to find specified revision 9 in history',
    });
  });

  it('cordons and uncordons through spec.unschedulable', async () => {
    transport.put('/api/v1/nodes/node-a', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      spec: {},
    });
    await conn.cordon('node-a', true);
    expect(transport.objects.get('/api/v1/nodes/node-a')?.spec).toEqual({ unschedulable: true });
    await conn.cordon('node-a', false);
    expect(transport.objects.get('/api/v1/nodes/node-a')?.spec).toEqual({});
  });
});

describe('drain', () => {
  const owned = (name: string, kind: string) =>
    pod(name, { ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'x', uid: 'x1', controller: true }] });

  beforeEach(() => {
    transport.put('/api/v1/nodes/node-a', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
  });

  it('cordons, evicts all but DaemonSet pods, and reports progress until they are gone', async () => {
    transport.put('/api/v1/namespaces/default/pods/web-1', owned('web-1', 'ReplicaSet'));
    transport.put('/api/v1/namespaces/default/pods/web-2', owned('web-2', 'ReplicaSet'));
    transport.put('/api/v1/namespaces/default/pods/agent', owned('agent', 'DaemonSet'));
    transport.handler = (req) =>
      req.method === 'GET' && req.path.startsWith('/api/v1/pods?')
        ? {
            status: 200,
            body: {
              items: [...transport.objects.entries()]
                .filter(([p]) => p.startsWith('/api/v1/namespaces/default/pods/'))
                .map(([, o]) => o),
            },
          }
        : undefined;
    const progress: DrainProgress[] = [];
    const done = conn.drain('node-a', (p) => progress.push(structuredClone(p)));
    await vi.waitFor(() => expect(transport.sockets).toHaveLength(1));
    expect(transport.objects.get('/api/v1/nodes/node-a')?.spec).toEqual({ unschedulable: true });
    expect(transport.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/api/v1/namespaces/default/pods/web-1',
      '/api/v1/namespaces/default/pods/web-2',
    ]);
    const s = transport.lastSocket;
    expect(s.path).toBe(
      '/shoal/v1/watch?kind=Pod&fieldSelector=spec.nodeName%3Dnode-a&allowWatchBookmarks=true',
    );
    s.open();
    // web-1 is still terminating; web-2 went before the watch started.
    s.receive({ type: 'ADDED', object: owned('web-1', 'ReplicaSet') });
    s.receive({ type: 'ADDED', object: owned('agent', 'DaemonSet') });
    s.receive(bookmark());
    expect(progress.at(-1)).toMatchObject({
      evicted: 1,
      total: 2,
      done: false,
      remaining: [{ name: 'web-1' }],
    });
    s.receive({ type: 'DELETED', object: owned('web-1', 'ReplicaSet') });
    await done;
    expect(progress[0]).toMatchObject({ evicted: 0, total: 2, done: false });
    expect(progress.at(-1)).toEqual({ remaining: [], evicted: 2, total: 2, done: true });
    expect(s.closed).toBe(true);
  });

  it('refuses to evict a pod no controller would recreate, before evicting anything', async () => {
    transport.handler = (req) =>
      req.method === 'GET' && req.path.startsWith('/api/v1/pods?')
        ? { status: 200, body: { items: [pod('bare')] } }
        : undefined;
    const progress: DrainProgress[] = [];
    await expect(conn.drain('node-a', (p) => progress.push(p))).rejects.toThrow(
      'cannot delete Pods declare no controller (use --force to override): default/bare',
    );
    expect(progress.at(-1)).toMatchObject({ done: true, error: expect.stringContaining('default/bare') });
    expect(transport.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });
});

describe('pod streams', () => {
  const bytes = (channel: number, text: string) =>
    new Uint8Array([channel, ...new TextEncoder().encode(text)]);
  const decode = (data: string | Uint8Array | undefined) =>
    data instanceof Uint8Array ? [data[0], new TextDecoder().decode(data.subarray(1))] : data;

  it('execs over v5 channel frames: stdin, resize, output and the exit code kubectl reads', async () => {
    const output: string[] = [];
    const exits: Array<[number | undefined, string | undefined]> = [];
    const session = conn.exec(
      'default',
      'web-1',
      { command: ['sh', '-c', 'exit 3'], tty: true, container: 'web', cols: 80, rows: 24 },
      { onOutput: (d) => output.push(new TextDecoder().decode(d)), onExit: (c, e) => exits.push([c, e]) },
    );
    const s = transport.lastSocket;
    expect(s.path).toBe(
      '/api/v1/namespaces/default/pods/web-1/exec?command=sh&command=-c&command=exit+3&stdin=true&tty=true&container=web',
    );
    expect(s.protocols).toEqual(['v5.channel.k8s.io']);
    session.write('ls\r'); // before the socket is open: queued
    expect(s.sent).toEqual([]);
    s.open();
    session.resize(100, 30);
    expect(s.sent.map(decode)).toEqual([
      [4, '{"Width":80,"Height":24}'],
      [0, 'ls\r'],
      [4, '{"Width":100,"Height":30}'],
    ]);
    s.receive(bytes(1, 'out'));
    s.receive(bytes(2, 'err'));
    expect(output).toEqual(['out', 'err']);
    s.receive(
      bytes(
        3,
        JSON.stringify({
          status: 'Failure',
          reason: 'NonZeroExitCode',
          message: 'command terminated with non-zero exit code',
          details: { causes: [{ reason: 'ExitCode', message: '3' }] },
        }),
      ),
    );
    s.drop(undefined, 1000);
    expect(exits).toEqual([[3, undefined]]);
  });

  it('reports success as 0, and a command that could not start with its message', () => {
    const exits: Array<[number | undefined, string | undefined]> = [];
    const handlers = {
      onOutput: () => {},
      onExit: (c: number | undefined, e?: string) => exits.push([c, e]),
    };
    conn.exec('default', 'p', { command: ['true'], tty: false }, handlers);
    transport.lastSocket.open();
    transport.lastSocket.receive(bytes(3, '{"metadata":{},"status":"Success"}'));
    conn.exec('default', 'p', { command: ['nope'], tty: false }, handlers);
    transport.lastSocket.open();
    transport.lastSocket.receive(
      bytes(3, '{"status":"Failure","reason":"InternalError","message":"executable file not found"}'),
    );
    conn.exec('default', 'p', { command: ['sh'], tty: false }, handlers);
    transport.lastSocket.drop('refused');
    expect(exits).toEqual([
      [0, undefined],
      [undefined, 'executable file not found'],
      [undefined, 'refused'],
    ]);
  });

  it('streams logs with the options in the query, until closed', () => {
    const text: string[] = [];
    const ends: Array<string | undefined> = [];
    const stream = conn.logs(
      'default',
      'web-1',
      { container: 'web', follow: true, tailLines: 100 },
      (t) => text.push(t),
      (e) => ends.push(e),
    );
    const s = transport.streams[0];
    expect(s?.path).toBe('/api/v1/namespaces/default/pods/web-1/log?container=web&follow=true&tailLines=100');
    s?.chunk('line 1\n');
    s?.chunk('line 2\n');
    stream.close();
    s?.chunk('late\n');
    expect(text).toEqual(['line 1\n', 'line 2\n']);
    expect(s?.cancelled).toBe(true);
    expect(ends).toEqual([]);

    conn.logs(
      'default',
      'gone',
      {},
      () => {},
      (e) => ends.push(e),
    );
    transport.streams[1]?.end('pods "gone" not found');
    expect(ends).toEqual(['pods "gone" not found']);
  });
});

describe('errors, apply, status and onboarding', () => {
  it('turns a failed call into a ClusterError with the Status message and reason', async () => {
    const err = await conn.delete('Pod', 'default', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect(err).toMatchObject({ message: '"nope" not found', status: 404, reason: 'NotFound' });
    transport.handler = () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(conn.status()).rejects.toMatchObject({
      status: 0,
      message: expect.stringContaining('Failed to fetch'),
    });
  });

  it('applies with dryRun and reads the status', async () => {
    transport.handler = (req) => {
      if (req.path === '/shoal/v1/apply') return { status: 200, body: { results: [{ action: 'created' }] } };
      if (req.path === '/shoal/v1/status')
        return { status: 200, body: { clusterName: 'lab', members: [], term: 1 } };
      return undefined;
    };
    await conn.apply([{ kind: 'Pod' }], { dryRun: true });
    expect(transport.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/shoal/v1/apply',
      body: { objects: [{ kind: 'Pod' }], dryRun: true },
    });
    expect((await conn.status()).clusterName).toBe('lab');
  });

  it("reads the agent's service proxy status, and refuses a malformed one", async () => {
    let body: unknown = { node: 'a', serviceAddress: '127.0.1.1', servesPods: true, listeners: [] };
    transport.handler = (req) => (req.path === '/shoal/v1/proxy' ? { status: 200, body } : undefined);
    expect((await conn.proxyStatus()).serviceAddress).toBe('127.0.1.1');
    body = { node: 'a' };
    await expect(conn.proxyStatus()).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('"serviceAddress" and "listeners"'),
    });
  });

  it("calls the dashboard's own endpoints", async () => {
    transport.handler = (req) => {
      if (req.path === '/shoal/dashboard/v1/state')
        return { status: 200, body: { member: true, clusterName: 'lab' } };
      if (req.path === '/shoal/dashboard/v1/join-key') return { status: 200, body: { key: 'shoal1-abc' } };
      if (req.path === '/shoal/dashboard/v1/cluster') {
        const body = req.body as { action: string; key?: string };
        if (body.key === 'bad')
          return {
            status: 400,
            body: { kind: 'Status', code: 400, reason: 'BadRequest', message: 'not a join key' },
          };
        return { status: 200, body: {} };
      }
      return undefined;
    };
    expect(await conn.onboarding()).toEqual({ member: true, clusterName: 'lab' });
    expect(await conn.joinKey()).toBe('shoal1-abc');
    await conn.createCluster(' lab ');
    await conn.joinCluster('shoal1-abc');
    await conn.startLocalCluster(3);
    expect(transport.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { action: 'create', name: 'lab' },
      { action: 'join', key: 'shoal1-abc' },
      { action: 'local', agents: 3 },
    ]);
    await expect(conn.joinCluster('bad')).rejects.toMatchObject({
      message: 'not a join key',
      reason: 'BadRequest',
    });
    await expect(conn.startLocalCluster(0)).rejects.toThrow('whole number ≥ 1');
  });
});

describe('webTransport', () => {
  it('carries the token in the bearer subprotocol exactly as the API reads it (base64url, no padding)', () => {
    for (const token of ['abc', 'tök/en+?~', 'x'.repeat(43)]) {
      expect(bearerProtocol(token)).toBe(serverBearerProtocol(token));
      expect(bearerProtocol(token)).not.toMatch(/[=+/]/);
    }
  });
});
