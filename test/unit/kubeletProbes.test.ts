// The prober without an engine: the threshold rule, the ProbeManager's schedule and answers on
// FakeRuntime under fake timers (exec probes), execCapture, and the http and tcp handlers against
// servers on 127.0.0.1. The real engine is exercised by test/integration/kubeletProbesDocker.test.ts.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import { httpProbe } from '../../agent/kubelet/probes/httpProbe.ts';
import { type ProbeChange, ProbeManager } from '../../agent/kubelet/probes/ProbeManager.ts';
import { applyProbeAttempt, type ThresholdState } from '../../agent/kubelet/probes/probeThresholds.ts';
import type { Probe } from '../../agent/kubelet/probes/probeTypes.ts';
import { resolvePort, runProbe } from '../../agent/kubelet/probes/runProbe.ts';
import { tcpProbe } from '../../agent/kubelet/probes/tcpProbe.ts';
import { execCapture } from '../../agent/kubelet/runtime/execCapture.ts';
import { FakeRuntime } from '../../agent/kubelet/runtime/FakeRuntime.ts';
import type { ProbeTarget } from '../../agent/kubelet/sync/podSyncDeps.ts';
import type { Container } from '../../shared/model/types.ts';

const IMAGE = 'shoal.test/busybox:1';

describe('applyProbeAttempt', () => {
  const t = { successThreshold: 2, failureThreshold: 3 };

  it('changes the result only after enough attempts in a row agree', () => {
    let s: ThresholdState = { value: false, run: 0 };
    const seen: boolean[] = [];
    for (const success of [true, true, false, false, true, false, false, false]) {
      s = applyProbeAttempt(s, success, t);
      seen.push(s.value);
    }
    expect(seen).toEqual([false, true, true, true, true, true, true, false]);
  });
});

describe('resolvePort', () => {
  const container: Container = {
    name: 'web',
    image: IMAGE,
    ports: [{ name: 'http', containerPort: 8080 }],
  };
  it('takes numbers, named ports and numbers written as strings', () => {
    expect(resolvePort(80, container)).toBe(80);
    expect(resolvePort('http', container)).toBe(8080);
    expect(resolvePort('9090', container)).toBe(9090);
    expect(resolvePort('metrics', container)).toBeUndefined();
    expect(resolvePort(0, container)).toBeUndefined();
  });
});

/** Exec probes run `check <what>`; the test sets each one's exit code (-1: hangs until killed). */
function check(what: string, extra: Partial<Probe> = {}): Probe {
  return {
    exec: { command: ['check', what] },
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
    ...extra,
  };
}

describe('ProbeManager with exec probes (fake runtime, fake clock)', () => {
  let rt: FakeRuntime;
  let manager: ProbeManager;
  let events: EventRecord[];
  let changes: ProbeChange[];
  let calls: string[];
  let codes: Record<string, number>;

  beforeEach(() => {
    vi.useFakeTimers();
    rt = new FakeRuntime({ images: [IMAGE], behaviour: () => ({ onTerm: () => {} }) });
    calls = [];
    codes = {};
    rt.onExec((_id, options, io) => {
      const what = options.command[1] ?? '';
      calls.push(what);
      const code = codes[what] ?? 0;
      if (code === -1) {
        return new Promise<number>((resolve) => io.signal.addEventListener('abort', () => resolve(137)));
      }
      if (code !== 0) io.write('stderr', `${what} is unhealthy\n`);
      return code;
    });
    events = [];
    changes = [];
    manager = new ProbeManager({ runtime: rt, recorder: { record: (e) => events.push(e) } });
    manager.onChange((c) => changes.push(c));
  });

  afterEach(() => {
    manager.stop();
    vi.useRealTimers();
  });

  async function start(container: Partial<Container>, name = 'web'): Promise<ProbeTarget> {
    const id = await rt.createContainer({
      name: `${name}-${calls.length}-${Date.now()}`,
      image: IMAGE,
      labels: {},
    });
    await rt.startContainer(id);
    return {
      podUid: 'uid-1',
      podKey: 'shop/web-0',
      containerName: name,
      containerId: id,
      container: { name, image: IMAGE, ...container },
      startedAt: new Date(),
    };
  }

  const advance = (seconds: number) => vi.advanceTimersByTimeAsync(seconds * 1000);

  it('starts not ready, waits initialDelaySeconds, then follows the thresholds', async () => {
    const target = await start({
      readinessProbe: check('ready', { initialDelaySeconds: 5, successThreshold: 2, failureThreshold: 2 }),
    });
    manager.sync([target]);
    expect(manager.readiness('uid-1')).toEqual({ web: false });
    expect(manager.started('uid-1')).toEqual({ web: true });

    await advance(4.9);
    expect(calls).toEqual([]);
    await advance(0.1);
    expect(calls).toEqual(['ready']);
    expect(manager.readiness('uid-1')).toEqual({ web: false });
    await advance(10);
    expect(manager.readiness('uid-1')).toEqual({ web: true });
    expect(changes).toEqual([{ podUid: 'uid-1', containerName: 'web', containerId: target.containerId }]);

    codes.ready = 1;
    await advance(10);
    expect(manager.readiness('uid-1')).toEqual({ web: true });
    expect(events).toEqual([
      {
        involvedObject: {
          kind: 'Pod',
          namespace: 'shop',
          name: 'web-0',
          uid: 'uid-1',
          fieldPath: 'spec.containers{web}',
        },
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: ready is unhealthy',
      },
    ]);
    await advance(10);
    expect(manager.readiness('uid-1')).toEqual({ web: false });
    expect(changes).toHaveLength(2);
    // Readiness failures never ask for a restart.
    expect(manager.livenessFailed(target.containerId)).toBe(false);
  });

  it('starts alive, reports a liveness failure after failureThreshold failures, then stops probing', async () => {
    const target = await start({ livenessProbe: check('live', { periodSeconds: 2 }) });
    manager.sync([target]);
    expect(manager.readiness('uid-1')).toEqual({ web: true });
    codes.live = 1;
    await advance(0);
    await advance(2);
    expect(manager.livenessFailed(target.containerId)).toBe(false);
    await advance(2);
    expect(manager.livenessFailed(target.containerId)).toBe(true);
    expect(calls).toEqual(['live', 'live', 'live']);
    expect(changes).toHaveLength(1);
    expect(events.map((e) => e.message)).toEqual(Array(3).fill('Liveness probe failed: live is unhealthy'));

    await advance(20);
    expect(calls).toHaveLength(3);
    // The next run of the container is a new id, with fresh results.
    const next = await start({ livenessProbe: check('live', { periodSeconds: 2 }) });
    manager.sync([next]);
    expect(manager.livenessFailed(target.containerId)).toBe(false);
    expect(manager.livenessFailed(next.containerId)).toBe(false);
    await advance(0);
    expect(calls).toHaveLength(4);
  });

  it('holds liveness and readiness back until the startup probe succeeds, then probes them at once', async () => {
    codes.start = 1;
    const target = await start({
      startupProbe: check('start', { periodSeconds: 1, failureThreshold: 30 }),
      livenessProbe: check('live'),
      readinessProbe: check('ready'),
    });
    manager.sync([target]);
    await advance(0);
    await advance(3);
    expect(calls).toEqual(['start', 'start', 'start', 'start']);
    expect(manager.started('uid-1')).toEqual({ web: false });
    expect(manager.readiness('uid-1')).toEqual({ web: false });

    codes.start = 0;
    await advance(1);
    // Node runs a 0 ms timer after 1 ms.
    await advance(0.001);
    expect(manager.started('uid-1')).toEqual({ web: true });
    expect(calls.slice(4).sort()).toEqual(['live', 'ready', 'start']);
    expect(manager.readiness('uid-1')).toEqual({ web: true });
    // The startup probe is done for this run.
    await advance(10);
    expect(calls.filter((c) => c === 'start')).toHaveLength(5);
    expect(calls.filter((c) => c === 'ready')).toHaveLength(2);
  });

  it('treats a startup probe that reaches failureThreshold as a liveness failure', async () => {
    codes.start = 3;
    const target = await start({
      startupProbe: check('start', { periodSeconds: 1, failureThreshold: 2 }),
      livenessProbe: check('live'),
    });
    manager.sync([target]);
    await advance(0);
    await advance(1);
    expect(manager.livenessFailed(target.containerId)).toBe(true);
    expect(manager.started('uid-1')).toEqual({ web: false });
    expect(calls).toEqual(['start', 'start']);
    expect(events.at(-1)?.message).toBe('Startup probe failed: start is unhealthy');
  });

  it('fails an exec probe that outlives timeoutSeconds', async () => {
    codes.live = -1;
    const target = await start({ livenessProbe: check('live', { failureThreshold: 1, timeoutSeconds: 2 }) });
    manager.sync([target]);
    await advance(1.9);
    expect(manager.livenessFailed(target.containerId)).toBe(false);
    await advance(0.1);
    expect(manager.livenessFailed(target.containerId)).toBe(true);
    expect(events[0]?.message).toBe('Liveness probe failed: command "check live" timed out');
  });

  it('does not count probes that could not run, and reports them as errored', async () => {
    const target = await start({ livenessProbe: check('live', { failureThreshold: 1, periodSeconds: 1 }) });
    rt.exit(target.containerId, 0);
    manager.sync([target]);
    await advance(0);
    await advance(1);
    expect(manager.livenessFailed(target.containerId)).toBe(false);
    expect(events[0]?.message).toMatch(/^Liveness probe errored: Container \w+ is not running$/);
  });

  it('stops the workers of containers no longer listed, and all of them on stop', async () => {
    const a = await start({ readinessProbe: check('ready') }, 'a');
    const b = await start({ livenessProbe: check('live') }, 'b');
    manager.sync([a, b]);
    await advance(0);
    expect(manager.readiness('uid-1')).toEqual({ a: true, b: true });
    manager.sync([b]);
    expect(manager.readiness('uid-1')).toEqual({ b: true });
    await advance(10);
    expect(calls.filter((c) => c === 'ready')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    manager.stop();
    expect(vi.getTimerCount()).toBe(0);
    manager.sync([a]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives pod answers per pod uid', async () => {
    const target = await start({ readinessProbe: check('ready') });
    manager.sync([target]);
    expect(manager.readiness('other')).toEqual({});
    expect(manager.started('other')).toEqual({});
    expect(manager.livenessFailed('unknown')).toBe(false);
  });
});

describe('execCapture', () => {
  it('returns stdout and stderr together, cut at maxBytes, and the exit code', async () => {
    const rt = new FakeRuntime({
      images: [IMAGE],
      exec: (_id, _o, io) => {
        io.write('stdout', 'abc');
        io.write('stderr', 'defgh');
        return 4;
      },
    });
    const id = await rt.createContainer({ name: 'x', image: IMAGE, labels: {} });
    await rt.startContainer(id);
    expect(await execCapture(rt, id, ['x'], { timeoutMs: 1000, maxBytes: 6 })).toEqual({
      exitCode: 4,
      output: 'abcdef',
      timedOut: false,
    });
  });

  it('gives up after timeoutMs, and passes runtime errors on', async () => {
    const rt = new FakeRuntime({
      images: [IMAGE],
      exec: (_id, _o, io) => {
        io.write('stdout', 'partial');
        return new Promise<number>(() => {});
      },
    });
    const id = await rt.createContainer({ name: 'y', image: IMAGE, labels: {} });
    await expect(execCapture(rt, id, ['x'], { timeoutMs: 50, maxBytes: 100 })).rejects.toThrow(/not running/);
    await rt.startContainer(id);
    expect(await execCapture(rt, id, ['x'], { timeoutMs: 50, maxBytes: 100 })).toEqual({
      exitCode: -1,
      output: 'partial',
      timedOut: true,
    });
  });
});

describe('http and tcp probes on 127.0.0.1', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ path: string; headers: Record<string, string | string[] | undefined> }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      const status = Number(/status=(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
      if (req.url?.startsWith('/slow')) return; // never answers
      res.writeHead(status, status === 302 ? { location: '/elsewhere' } : {});
      res.end('body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = (path: string, extra: Partial<Parameters<typeof httpProbe>[0]> = {}) =>
    httpProbe({ scheme: 'HTTP', host: '127.0.0.1', port, path, headers: [], timeoutMs: 2000, ...extra });

  it('succeeds from 200 to 399 and fails otherwise, with Kubernetes messages', async () => {
    expect(await get('/healthz')).toEqual({ result: 'success' });
    expect(await get('/?status=302')).toEqual({ result: 'success' });
    expect(await get('/?status=500')).toEqual({
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 500',
    });
    expect(await get('/?status=404')).toMatchObject({ result: 'failure' });
  });

  it("sends the probe's headers over kube-probe's, and the path as given", async () => {
    seen.length = 0;
    await get('ready?x=1', {
      headers: [
        { name: 'X-Probe', value: 'one' },
        { name: 'Host', value: 'web.example' },
        { name: 'Accept', value: 'text/plain' },
      ],
    });
    expect(seen[0]?.path).toBe('/ready?x=1');
    expect(seen[0]?.headers).toMatchObject({
      'x-probe': 'one',
      host: 'web.example',
      accept: 'text/plain',
      'user-agent': expect.stringMatching(/^kube-probe\//),
    });
  });

  it('fails on timeout and on a refused connection', async () => {
    const slow = await get('/slow', { timeoutMs: 200 });
    expect(slow).toEqual({
      result: 'failure',
      message: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    const closed = await freePort();
    expect(await get('/', { port: closed })).toEqual({
      result: 'failure',
      message: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
    expect(await tcpProbe({ host: '127.0.0.1', port: closed, timeoutMs: 1000 })).toEqual({
      result: 'failure',
      message: `dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
    expect(await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 1000 })).toEqual({ result: 'success' });
  });

  it('resolves named ports and the pod IP as host', async () => {
    const container: Container = {
      name: 'web',
      image: IMAGE,
      ports: [{ name: 'http', containerPort: port }],
    };
    const rt = new FakeRuntime();
    const attempt = { container, containerId: 'c', runtime: rt, timeoutMs: 1000 };
    const http: Probe = { httpGet: { port: 'http', path: '/?status=503' } };
    expect(await runProbe({ ...attempt, probe: http, podIP: '127.0.0.1' })).toEqual({
      result: 'failure',
      message: 'HTTP probe failed with statuscode: 503',
    });
    const tcp: Probe = { tcpSocket: { port: 'http' } };
    expect(await runProbe({ ...attempt, probe: tcp, podIP: '127.0.0.1' })).toEqual({ result: 'success' });
    expect(await runProbe({ ...attempt, probe: tcp })).toEqual({
      result: 'error',
      message: 'the pod has no IP address yet',
    });
  });

  it('probes HTTPS without checking the certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-probe-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-subj',
          '/CN=shoal-probe-test',
          '-days',
          '1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const tls = createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => res.end('ok'),
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const tlsPort = (tls.address() as AddressInfo).port;
      try {
        expect(await get('/', { scheme: 'HTTPS', port: tlsPort })).toEqual({ result: 'success' });
      } finally {
        tls.closeAllConnections();
        await new Promise((resolve) => tls.close(resolve));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A port nothing listens on (just closed). */
async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const p = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return p;
}
