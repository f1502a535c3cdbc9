// The service proxy's data plane over real sockets on 127.0.0.1: "backends" stand in for pods, and the
// dialer connects to them directly, as the integrator's dialer does for local pods.
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceProxy, type ServiceProxyOptions } from '../../agent/proxy/ServiceProxy.ts';
import type { ProxyProblem, ProxyTarget, ServiceDialer } from '../../agent/proxy/types.ts';
import type { Uid } from '../../shared/model/meta.ts';
import type { Endpoints, Service } from '../../shared/model/types.ts';

const logger = pino({ level: 'silent' });
const HOST = '127.0.0.1';
const ADDRESSES = { service: [HOST], nodePort: [] };

/** A pod: greets with its name, echoes what it reads, and says 'bye' once the client has ended its writing. */
interface Backend {
  name: string;
  port: number;
  server: Server;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function backend(name: string): Promise<Backend> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(`${name}\n`);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('end', () => socket.end('bye'));
  });
  const port = await listen(server);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { name, port, server };
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** A port nothing listens on (the kernel chose it free, then it was released). */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface RecordingDialer extends ServiceDialer {
  dials: ProxyTarget[];
}

function directDialer(hang?: (t: ProxyTarget) => boolean): RecordingDialer {
  const dials: ProxyTarget[] = [];
  return {
    dials,
    dial(target) {
      dials.push(target);
      if (hang?.(target)) return new Promise<Duplex>(() => {});
      return new Promise((resolve, reject) => {
        const socket = connect({ host: target.ip, port: target.port, allowHalfOpen: true });
        socket.once('error', reject);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
      });
    },
  };
}

/**
 * Dials as directDialer, but hands the proxy a plain Duplex in front of the socket, as the swarm's streams
 * are: the proxy must relay it as a stream, with back-pressure and half-close.
 */
function streamDialer(): RecordingDialer {
  const direct = directDialer();
  return {
    dials: direct.dials,
    async dial(target) {
      const socket = (await direct.dial(target)) as Socket;
      const stream = new Duplex({
        allowHalfOpen: true,
        read() {
          socket.resume();
        },
        write(chunk: Buffer, _encoding, callback) {
          socket.write(chunk, callback);
        },
        final(callback) {
          socket.end(callback);
        },
        destroy(err, callback) {
          socket.destroy();
          callback(err);
        },
      });
      socket.on('data', (chunk: Buffer) => {
        if (!stream.push(chunk)) socket.pause();
      });
      socket.on('end', () => stream.push(null));
      socket.on('error', (err) => stream.destroy(err));
      // A socket closed after its end leaves the stream to finish reading what it still buffers.
      socket.on('close', () => {
        if (!socket.readableEnded) stream.destroy();
      });
      return stream;
    },
  };
}

function service(name: string, port: number, extra: Partial<Service['spec']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}` as Uid },
    spec: { ports: [{ name: 'http', port, targetPort: 8080 }], ...extra },
  };
}

/** One subset per backend: each listens on its own port of 127.0.0.1. */
function endpointsOf(name: string, backends: readonly { name: string; port: number }[]): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'default' },
    subsets: backends.map((b) => ({
      addresses: [
        { ip: HOST, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: b.name } },
      ],
      ports: [{ name: 'http', port: b.port, protocol: 'TCP' as const }],
    })),
  };
}

function newProxy(opts: Partial<ServiceProxyOptions> & { dialer: ServiceDialer }): ServiceProxy {
  const proxy = new ServiceProxy({ logger, ...opts });
  cleanups.push(() => proxy.close());
  return proxy;
}

/** Connects, sends `payload`, ends writing, and reads everything: the greeting, the echo and 'bye'. */
function request(port: number, payload = 'hello', localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: HOST,
      port,
      allowHalfOpen: true,
      ...(localAddress ? { localAddress } : {}),
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(text));
    socket.end(payload);
  });
}

/** A connection held open: resolves once the backend's greeting arrived (so the proxy counts it). */
async function hold(
  port: number,
): Promise<{ socket: Socket; greeting: string; read: () => Promise<string> }> {
  const socket = connect({ host: HOST, port, allowHalfOpen: true });
  socket.setEncoding('utf8');
  cleanups.push(() => {
    socket.destroy();
  });
  const greeting = await new Promise<string>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', (d: string) => resolve(d));
  });
  const read = () => new Promise<string>((resolve) => socket.once('data', (d: string) => resolve(d)));
  return { socket, greeting: greeting.trim(), read };
}

function names(replies: string[]): string[] {
  return replies.map((r) => r.split('\n')[0] ?? '');
}

async function until(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Fails fast, naming what did not happen, instead of waiting for the test's timeout. */
async function within<T>(promise: Promise<T>, what: string, timeoutMs = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function sequential(n: number, port: number, localAddress?: string): Promise<string[]> {
  const replies: string[] = [];
  for (let i = 0; i < n; i += 1) replies.push(await request(port, 'hello', localAddress));
  return replies;
}

describe('ServiceProxy', () => {
  it('forwards a connection to an endpoint, through the dialer, with the pod it is', async () => {
    const b1 = await backend('b1');
    const dialer = directDialer();
    const proxy = newProxy({ dialer });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', [b1])], ADDRESSES);
    expect(proxy.listeners()).toEqual([
      { address: HOST, port, service: 'default/web', portName: 'http', state: 'listening' },
    ]);
    expect(await request(port)).toBe('b1\nhellobye');
    expect(dialer.dials).toEqual([
      { ip: HOST, port: b1.port, nodeName: 'node-1', pod: { namespace: 'default', name: 'b1' } },
    ]);
  });

  it('spreads connections over 3 endpoints round-robin, exactly', async () => {
    const backends = await Promise.all(['b1', 'b2', 'b3'].map(backend));
    const proxy = newProxy({ dialer: directDialer() });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', backends)], ADDRESSES);
    const counts = new Map<string, number>();
    for (const name of names(await sequential(9, port))) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ b1: 3, b2: 3, b3: 3 });
  });

  it('with least-connections sends new connections to the idle endpoint', async () => {
    const backends = await Promise.all(['b1', 'b2', 'b3'].map(backend));
    const proxy = newProxy({ dialer: directDialer(), balance: 'least-connections' });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', backends)], ADDRESSES);
    const held = [await hold(port), await hold(port), await hold(port)];
    expect(held.map((h) => h.greeting).sort()).toEqual(['b1', 'b2', 'b3']);
    const idle = held[1]!;
    idle.socket.end();
    await until(() => proxy.openConnections() === 2, 'the ended connection to close');
    for (let i = 0; i < 3; i += 1) {
      expect(names([await request(port)])).toEqual([idle.greeting]);
      await until(() => proxy.openConnections() === 2, 'the request to close');
    }
  });

  it('takes the mode from the Service (shoal.dev/balance), and a changed mode from the next update', async () => {
    const backends = await Promise.all(['b1', 'b2', 'b3'].map(backend));
    const proxy = newProxy({ dialer: directDialer() }); // the proxy's default: round-robin
    const port = await freePort();
    const web = service('web', port);
    const leastConnections: Service = {
      ...web,
      metadata: { ...web.metadata, annotations: { 'shoal.dev/balance': 'least-connections' } },
    };
    await proxy.update([leastConnections], [endpointsOf('web', backends)], ADDRESSES);
    const held = [await hold(port), await hold(port), await hold(port)];
    const idle = held[2]!;
    idle.socket.end();
    await until(() => proxy.openConnections() === 2, 'the ended connection to close');
    for (let i = 0; i < 3; i += 1) {
      expect(names([await request(port)])).toEqual([idle.greeting]);
      await until(() => proxy.openConnections() === 2, 'the request to close');
    }
    // Back to round-robin: every endpoint gets its turn again, busy or not.
    await proxy.update([web], [endpointsOf('web', backends)], ADDRESSES);
    expect(names(await sequential(3, port)).sort()).toEqual(['b1', 'b2', 'b3']);
  });

  it('skips an endpoint that refuses, with no client error', async () => {
    const b1 = await backend('b1');
    const dead = { name: 'dead', port: await freePort() };
    const dialer = directDialer();
    const proxy = newProxy({ dialer });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', [dead, b1])], ADDRESSES);
    expect(names(await sequential(4, port))).toEqual(['b1', 'b1', 'b1', 'b1']);
    expect(dialer.dials.filter((d) => d.port === dead.port).length).toBeGreaterThanOrEqual(2);
  });

  it('tries the next endpoint when one does not answer within the dial timeout', async () => {
    const [b1, b2] = await Promise.all([backend('b1'), backend('b2')]);
    const proxy = newProxy({ dialer: directDialer((t) => t.port === b1.port), dialTimeoutMs: 100 });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', [b1, b2])], ADDRESSES);
    const started = Date.now();
    expect(await request(port)).toBe('b2\nhellobye');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('closes a client at once when the Service has no endpoints', async () => {
    const proxy = newProxy({ dialer: directDialer() });
    const port = await freePort();
    await proxy.update([service('web', port)], [], ADDRESSES);
    const started = Date.now();
    const outcome = await request(port).then(
      (text) => `closed with '${text}'`,
      (err: NodeJS.ErrnoException) => `error ${err.code}`,
    );
    expect(["closed with ''", 'error ECONNRESET']).toContain(outcome);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('keeps a client IP on one endpoint with ClientIP affinity, and other clients elsewhere', async () => {
    const backends = await Promise.all(['b1', 'b2', 'b3'].map(backend));
    const proxy = newProxy({ dialer: directDialer() });
    const port = await freePort();
    const svc = service('web', port, { sessionAffinity: 'ClientIP' });
    await proxy.update([svc], [endpointsOf('web', backends)], ADDRESSES);
    const first = names(await sequential(5, port, '127.0.0.1'));
    expect(new Set(first).size).toBe(1);
    const other = names(await sequential(5, port, '127.0.0.2'));
    expect(new Set(other).size).toBe(1);
    expect(other[0]).not.toBe(first[0]);
    // Its endpoint gone, the client is given another one and stays there.
    const rest = backends.filter((b) => b.name !== first[0]);
    await proxy.update([svc], [endpointsOf('web', rest)], ADDRESSES);
    const moved = names(await sequential(4, port, '127.0.0.1'));
    expect(new Set(moved).size).toBe(1);
    expect(moved[0]).not.toBe(first[0]);
  });

  it('re-targets a listener without dropping its open connections, which drain', async () => {
    const [b1, b2] = await Promise.all([backend('b1'), backend('b2')]);
    const proxy = newProxy({ dialer: directDialer() });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', [b1])], ADDRESSES);
    const open = await hold(port);
    expect(open.greeting).toBe('b1');

    await proxy.update([service('web', port)], [endpointsOf('web', [b2])], ADDRESSES);
    expect(names(await sequential(3, port))).toEqual(['b2', 'b2', 'b2']);
    // The connection to the endpoint that left still works, and ends cleanly.
    open.socket.write('still here');
    expect(await open.read()).toBe('still here');
    const ending = new Promise<string>((resolve) => {
      let rest = '';
      open.socket.on('data', (d: string) => {
        rest += d;
      });
      open.socket.once('close', () => resolve(rest));
    });
    open.socket.end();
    expect(await ending).toBe('bye');
  });

  it('closes the listeners of a deleted Service and opens those of a new one', async () => {
    const b1 = await backend('b1');
    const proxy = newProxy({ dialer: directDialer() });
    const [oldPort, newPort] = [await freePort(), await freePort()];
    await proxy.update([service('old', oldPort)], [endpointsOf('old', [b1])], ADDRESSES);
    expect(await request(oldPort)).toBe('b1\nhellobye');
    await proxy.update([service('new', newPort)], [endpointsOf('new', [b1])], ADDRESSES);
    expect(proxy.listeners().map((l) => `${l.service}:${l.port}`)).toEqual([`default/new:${newPort}`]);
    await expect(request(oldPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await request(newPort)).toBe('b1\nhellobye');
  });

  it('reports a port in use in the status and once through onProblem, serves the others, and retries', async () => {
    const b1 = await backend('b1');
    const blocker = createServer();
    const taken = await listen(blocker);
    const freeOne = await freePort();
    const problems: ProxyProblem[] = [];
    const proxy = newProxy({ dialer: directDialer(), onProblem: (p) => problems.push(p) });
    const services = [service('blocked', taken), service('fine', freeOne)];
    const eps = [endpointsOf('blocked', [b1]), endpointsOf('fine', [b1])];

    await proxy.update(services, eps, ADDRESSES);
    const byService = new Map(proxy.listeners().map((l) => [l.service, l]));
    expect(byService.get('default/blocked')).toMatchObject({
      port: taken,
      state: 'failed',
      error: { code: 'EADDRINUSE' },
    });
    expect(byService.get('default/fine')?.state).toBe('listening');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ service: 'default/blocked', port: taken, code: 'EADDRINUSE' });
    expect(problems[0]?.message).toContain('default/blocked');
    expect(await request(freeOne)).toBe('b1\nhellobye');

    await proxy.update(services, eps, ADDRESSES);
    expect(problems).toHaveLength(1);

    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await proxy.update(services, eps, ADDRESSES);
    expect(proxy.listeners().every((l) => l.state === 'listening')).toBe(true);
    expect(await request(taken)).toBe('b1\nhellobye');
  });

  it('reports two Services claiming one port as a conflict, never a crash', async () => {
    const problems: ProxyProblem[] = [];
    const proxy = newProxy({ dialer: directDialer(), onProblem: (p) => problems.push(p) });
    const port = await freePort();
    await proxy.update([service('alpha', port), service('beta', port)], [], ADDRESSES);
    expect(proxy.listeners()).toEqual([
      { address: HOST, port, service: 'default/alpha', portName: 'http', state: 'listening' },
      expect.objectContaining({
        service: 'default/beta',
        state: 'failed',
        error: expect.objectContaining({ code: 'PortConflict' }),
      }),
    ]);
    expect(problems.map((p) => p.code)).toEqual(['PortConflict']);
  });

  it('carries a half-close: the client ends its writing and still reads the reply', async () => {
    const b1 = await backend('b1');
    const proxy = newProxy({ dialer: directDialer() });
    const port = await freePort();
    await proxy.update([service('web', port)], [endpointsOf('web', [b1])], ADDRESSES);
    const { socket } = await hold(port);
    const reply = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: string) => {
        text += d;
      });
      socket.once('end', () => resolve(text));
    });
    socket.end('last words');
    // The backend answers 'bye' only after it has seen the client's end.
    expect(await reply).toBe('last wordsbye');
  });

  it('relays what a pod said and its end even when both came before the dial was handed over', async () => {
    // A pod that greets and closes at once, and a dialer slow to hand over the socket: by then the socket
    // has read the greeting (and maybe the end), so it is relayed as a stream, from what it already holds.
    const teller = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => {});
      socket.resume(); // what the client says is ignored, but read, so the socket can close
      socket.end('the time is now\n');
    });
    const pod = { name: 'teller', port: await listen(teller) };
    cleanups.push(() => new Promise<void>((resolve) => teller.close(() => resolve())));
    const direct = directDialer();
    const slow: ServiceDialer = {
      async dial(target) {
        const socket = await direct.dial(target);
        await new Promise((r) => setTimeout(r, 50));
        return socket;
      },
    };
    const proxy = newProxy({ dialer: slow });
    const port = await freePort();
    await proxy.update([service('teller', port)], [endpointsOf('teller', [pod])], ADDRESSES);
    for (const payload of ['', 'ignored']) {
      expect(await within(request(port, payload), 'the told time and the end')).toBe('the time is now\n');
    }
    await until(() => proxy.openConnections() === 0, 'the relayed connections to close');
  });

  // The relay reuses its read buffers: a byte overwritten before it was written out would show here.
  it.each([
    ['a socket (read with onread)', directDialer()],
    ['a stream that is not a socket (as the swarm gives)', streamDialer()],
  ])(
    'relays 8 MiB each way at once, intact, when the endpoint is %s, with both ends slow',
    async (_, dialer) => {
      const sockets = new Set<Socket>();
      // A pod echoing with back-pressure, so a slow client slows what the proxy may send it.
      const echo = createServer({ allowHalfOpen: true }, (socket) => {
        sockets.add(socket);
        socket.on('error', () => {});
        socket.pipe(socket);
      });
      const pod = { name: 'echo', port: await listen(echo) };
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            for (const s of sockets) s.destroy();
            echo.close(() => resolve());
          }),
      );
      const proxy = newProxy({ dialer });
      const port = await freePort();
      await proxy.update([service('echo', port)], [endpointsOf('echo', [pod])], ADDRESSES);

      const payload = randomBytes(8 * 1024 * 1024);
      const client = connect({ host: HOST, port, allowHalfOpen: true });
      cleanups.push(() => {
        client.destroy();
      });
      const received = createHash('sha256');
      let bytes = 0;
      const done = new Promise<void>((resolve, reject) => {
        client.on('error', reject);
        client.on('end', () => resolve());
        client.on('data', (chunk: Buffer) => {
          received.update(chunk);
          bytes += chunk.length;
          // A slow reader now and then: the echo backs up into the proxy's both directions.
          if (bytes % 7 === 0) {
            client.pause();
            setTimeout(() => client.resume(), 2);
          }
        });
      });
      // Written in uneven pieces, so reads and buffer sizes do not line up with writes.
      for (let at = 0; at < payload.length; ) {
        const size = 1 + ((at * 7919) % 300_000);
        const piece = payload.subarray(at, at + size);
        at += piece.length;
        if (!client.write(piece)) await new Promise((r) => client.once('drain', r));
      }
      client.end();
      await within(done, 'the echo of 8 MiB', 20_000);
      expect(bytes).toBe(payload.length);
      expect(received.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
      await until(() => proxy.openConnections() === 0, 'the relayed connection to close');
    },
  );

  it('close() ends listeners, connections and pending dials, leaving no handle behind', async () => {
    const before = handleCounts();
    const b1 = await backend('b1');
    const never = { name: 'never', port: await freePort() };
    const proxy = new ServiceProxy({ logger, dialer: directDialer((t) => t.port === never.port) });
    const [port, hangingPort] = [await freePort(), await freePort()];
    await proxy.update(
      [service('web', port), service('hang', hangingPort)],
      [endpointsOf('web', [b1]), endpointsOf('hang', [never])],
      ADDRESSES,
    );
    const open = await hold(port);
    // The client allows half-open connections, so the proxy's close shows as the end of what it reads.
    const ended = new Promise<void>((resolve) => open.socket.once('end', () => resolve()));
    const pending = connect({ host: HOST, port: hangingPort });
    pending.on('error', () => {});
    const pendingClosed = new Promise<void>((resolve) => pending.once('close', () => resolve()));
    await until(() => proxy.openConnections() === 2, 'both connections to reach the proxy');

    proxy.close();
    await within(ended, 'the open connection to end');
    await within(pendingClosed, 'the connection still dialling to close');
    expect(proxy.openConnections()).toBe(0);
    await expect(request(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await until(() => sameHandles(before, handleCounts()), 'every socket, server and timer to be released');
  });
});

const WATCHED = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];

function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.includes(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

function sameHandles(before: Map<string, number>, after: Map<string, number>): boolean {
  return WATCHED.every((k) => (after.get(k) ?? 0) <= (before.get(k) ?? 0));
}
