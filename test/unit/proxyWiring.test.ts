// The service proxy's wiring pieces: a pod-streams session as a Duplex (remote endpoints), the dialer's
// choice between a direct connection and the swarm, and what the kubelet gives pods (service variables
// first in the environment, the pods' DNS on the sandbox).
import net from 'node:net';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildContainerSpec,
  buildSandboxSpec,
  podDns,
  type ResolvedEnv,
} from '../../agent/kubelet/plan/containerSpec.ts';
import { toCreateOptions } from '../../agent/kubelet/runtime/dockerMapping.ts';
import type { PodSession, SessionEvent } from '../../agent/podstreams/session.ts';
import { agentDialer } from '../../agent/proxy/agentDialer.ts';
import { sessionStream } from '../../agent/proxy/sessionStream.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';

/** A session fed by the test: `emit` queues output events; input is recorded. */
function fakeSession() {
  const queue: SessionEvent[] = [];
  let wake: (() => void) | undefined;
  let over = false;
  const written: Buffer[] = [];
  let inputEnded = false;
  let closed = false;
  const session: PodSession = {
    async *events() {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (over) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    write: async (data) => {
      if (closed) return false;
      written.push(Buffer.from(data));
      return true;
    },
    endInput: () => {
      inputEnded = true;
    },
    resize: () => {},
    close: () => {
      closed = true;
      over = true;
      wake?.();
    },
  };
  return {
    session,
    emit(event: SessionEvent) {
      queue.push(event);
      wake?.();
    },
    finish() {
      over = true;
      wake?.();
    },
    written: () => Buffer.concat(written).toString(),
    inputEnded: () => inputEnded,
    closed: () => closed,
  };
}

/** Everything the stream gives until it ends; unlike `for await`, it leaves the writable side open. */
function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString()));
    stream.once('error', reject);
  });
}

describe('sessionStream', () => {
  it('reads the pod’s bytes, writes the client’s, and half-closes both ways', async () => {
    const fake = fakeSession();
    const stream = sessionStream(fake.session);
    const body = readAll(stream);
    fake.emit({ type: 'data', fd: 1, data: Buffer.from('hello ') });
    fake.emit({ type: 'data', fd: 1, data: Buffer.from('world') });
    fake.emit({ type: 'end', fd: 1 });
    expect(await body).toBe('hello world');
    // The pod ended its side; the client may still send (half-open), then end its own.
    await new Promise<void>((resolve, reject) =>
      stream.write('request', (err) => (err ? reject(err) : resolve())),
    );
    stream.end();
    await new Promise((r) => setImmediate(r));
    expect(fake.written()).toBe('request');
    expect(fake.inputEnded()).toBe(true);
    fake.finish();
  });

  it('respects back-pressure: nothing is lost when the reader is slow', async () => {
    const fake = fakeSession();
    const stream = sessionStream(fake.session);
    const expected: string[] = [];
    for (let i = 0; i < 500; i++) {
      const text = `${String(i).padStart(4, '0')}${'x'.repeat(1000)}`;
      expected.push(text);
      fake.emit({ type: 'data', fd: 1, data: Buffer.from(text) });
    }
    fake.emit({ type: 'end', fd: 1 });
    fake.finish();
    await new Promise((r) => setTimeout(r, 20)); // the pump stops at the high-water mark meanwhile
    expect(await readAll(stream)).toBe(expected.join(''));
  });

  it('closes the session when destroyed, and fails writes once the session is gone', async () => {
    const fake = fakeSession();
    const stream = sessionStream(fake.session);
    stream.on('error', () => {});
    fake.session.close();
    const error = await new Promise<Error | null | undefined>((resolve) => stream.write('late', resolve));
    expect(error?.message).toMatch(/closed/);
    stream.destroy();
    expect(fake.closed()).toBe(true);
  });

  it('turns a failing session into a stream error', async () => {
    const session: PodSession = {
      // biome-ignore lint/correctness/useYield: a session that fails before any output
      async *events() {
        throw new Error('the peer went away');
      },
      write: async () => false,
      endInput: () => {},
      resize: () => {},
      close: () => {},
    };
    await expect(readAll(sessionStream(session))).rejects.toThrow('the peer went away');
  });
});

describe('agentDialer', () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  async function echoServer(): Promise<number> {
    const server = net.createServer((socket) => socket.pipe(socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  it('dials a pod of this node directly at its IP', async () => {
    const port = await echoServer();
    const forwarded: string[] = [];
    const dialer = agentDialer('node-a', {
      portForward: async (ns, pod) => {
        forwarded.push(`${ns}/${pod}`);
        throw new Error('not expected');
      },
    });
    const stream = await dialer.dial({
      ip: '127.0.0.1',
      port,
      nodeName: 'node-a',
      pod: { namespace: 'default', name: 'web-1' },
    });
    stream.end('ping');
    expect(await readAll(stream)).toBe('ping');
    expect(forwarded).toEqual([]);
  });

  it('reaches a pod on another node through a port-forward over the swarm', async () => {
    const fake = fakeSession();
    const asked: Array<[string, string, number]> = [];
    const dialer = agentDialer('node-a', {
      portForward: async (ns, pod, port) => {
        asked.push([ns, pod, port]);
        return fake.session;
      },
    });
    const stream = await dialer.dial({
      ip: '172.17.0.3',
      port: 8080,
      nodeName: 'node-b',
      pod: { namespace: 'shop', name: 'web-2' },
    });
    expect(asked).toEqual([['shop', 'web-2', 8080]]);
    fake.emit({ type: 'data', fd: 1, data: Buffer.from('from b') });
    fake.emit({ type: 'end', fd: 1 });
    fake.finish();
    expect(await readAll(stream)).toBe('from b');
  });

  it('refuses a remote endpoint that names no pod, and passes a refusal on', async () => {
    const dialer = agentDialer('node-a', {
      portForward: async () => {
        throw new Error('cannot connect to port 8080 of pod web-2: connection refused');
      },
    });
    await expect(dialer.dial({ ip: '172.17.0.3', port: 8080, nodeName: 'node-b' })).rejects.toThrow(
      /names no pod/,
    );
    await expect(
      dialer.dial({
        ip: '172.17.0.3',
        port: 8080,
        nodeName: 'node-b',
        pod: { namespace: 'shop', name: 'web-2' },
      }),
    ).rejects.toThrow(/refused/);
  });
});

function admittedPod(spec: Record<string, unknown>): Pod {
  const result = admitObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
    spec,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.object as Pod;
}

const identity = (role: 'sandbox' | 'app', containerName: string) => ({
  podUid: 'u1',
  podName: 'web',
  namespace: 'shop',
  containerName,
  node: 'node-a',
  role,
  attempt: 0,
});

describe('what pods get from the proxy', () => {
  it('gives a ClusterFirst pod the service DNS with the search path, on the sandbox only', () => {
    const pod = admittedPod({ containers: [{ name: 'app', image: 'busybox' }] });
    const sandbox = buildSandboxSpec(pod, identity('sandbox', 'POD'), 'pause', '172.17.0.1');
    expect(sandbox.dns).toEqual({
      servers: ['172.17.0.1'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
    const options = toCreateOptions(sandbox);
    expect(options.HostConfig?.Dns).toEqual(['172.17.0.1']);
    expect(options.HostConfig?.DnsSearch?.[0]).toBe('shop.svc.cluster.local');
    expect(options.HostConfig?.DnsOptions).toEqual(['ndots:5']);
  });

  it('keeps the engine’s DNS for dnsPolicy Default, and when no service DNS answers on this node', () => {
    expect(
      podDns(admittedPod({ dnsPolicy: 'Default', containers: [{ name: 'app', image: 'b' }] }), '172.17.0.1'),
    ).toBe(undefined);
    expect(podDns(admittedPod({ containers: [{ name: 'app', image: 'b' }] }), undefined)).toBe(undefined);
  });

  it('puts the service variables first, so envFrom and env override them', () => {
    const pod = admittedPod({
      containers: [{ name: 'app', image: 'busybox', env: [{ name: 'WEB_SERVICE_PORT', value: 'mine' }] }],
    });
    const resolvedEnv: ResolvedEnv = {
      services: [
        { name: 'WEB_SERVICE_HOST', value: '172.17.0.1' },
        { name: 'WEB_SERVICE_PORT', value: '80' },
      ],
    };
    const built = buildContainerSpec({
      pod,
      container: pod.spec.containers[0] as Pod['spec']['containers'][number],
      identity: identity('app', 'app'),
      sandboxId: 'sb',
      resolvedEnv,
      volumePaths: {},
      fields: {},
      allowPrivileged: false,
    });
    expect(built.ok && built.spec.env).toEqual([
      { name: 'WEB_SERVICE_HOST', value: '172.17.0.1' },
      { name: 'WEB_SERVICE_PORT', value: 'mine' },
    ]);
  });
});
