// The web dashboard's server against a real agent (`shoal agent --no-workloads` on a private bootstrap):
// static files of a stand-in renderer build with their security headers, no way out of the dist directory,
// the dashboard token on every API request, the Host and Origin checks, the agent API forwarded (a list, an
// apply, a streamed HTTP watch, a WebSocket watch with the client's own subprotocol), and onboarding on an
// empty data directory: state, a 503 that says what to do, then `cluster` create → member.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readApiInfo } from '../../agent/api/apiInfo.ts';
import { bearerProtocol } from '../../agent/api/auth.ts';
import { ClusterHost } from '../../agent/dashboard/clusterHost.ts';
import { type DashboardServer, startDashboardServer } from '../../agent/dashboard/DashboardServer.ts';
import { eventually, FAST_TIMINGS, TestCluster } from '../support/agentProcesses.ts';

const logger = pino({ level: 'silent' });
const cluster = new TestCluster();
const temp = mkdtempSync(path.join(os.tmpdir(), 'shoal-dash-'));
const dist = path.join(temp, 'dist');
const emptyDir = path.join(temp, 'empty');
let dash: DashboardServer;
let host: ClusterHost;
let onboarding: DashboardServer;
let onboardingHost: ClusterHost;
/** The log lines of the agent the onboarding dashboard starts, kept for failure messages. */
const agentLog = new PassThrough();
const agentLines: string[] = [];
agentLog.on('data', (d: Buffer) => agentLines.push(d.toString()));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw request: fetch would normalize `..` away and refuses to set Host. */
function raw(
  server: DashboardServer,
  method: string,
  target: string,
  opts: { headers?: Record<string, string>; body?: unknown; token?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Host: `127.0.0.1:${server.port}`, ...opts.headers };
  const token = opts.token === undefined ? server.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (a: Answer) => JSON.parse(a.text) as Record<string, unknown>;

function openSocket(server: DashboardServer, target: string, protocols: string[]) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${target}`, protocols);
  const messages: { type: string; object: { metadata?: { name?: string } } }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, messages, opened };
}

beforeAll(async () => {
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><title>Shoal</title><script src="/assets/app.js"></script>',
  );
  writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log("shoal")');
  writeFileSync(path.join(temp, 'secret.txt'), 'TOP-SECRET');
  symlinkSync(path.join(temp, 'secret.txt'), path.join(dist, 'leak.txt'));

  await cluster.init('a');
  cluster.start('a', ['--no-workloads']);
  await eventually(
    'the agent’s API',
    () => readApiInfo(cluster.dir('a')),
    60_000,
    () => cluster.logs(),
  );
  host = new ClusterHost({ dataDir: cluster.dir('a'), out: process.stderr, logger });
  dash = await startDashboardServer({ host, distDir: dist, logger, port: 0 });

  mkdirSync(emptyDir);
  onboardingHost = new ClusterHost({
    dataDir: emptyDir,
    out: agentLog,
    logger,
    bootstrap: [{ host: '127.0.0.1', port: cluster.bootstrap.port }],
    // Its own service address and no pod services: test files run side by side (TestCluster does the same).
    agentArgs: [
      ...['--host', '127.0.0.1', '--no-workloads', '--no-pod-services'],
      ...['--service-address', `127.90.${(process.pid % 250) + 1}.1`, ...FAST_TIMINGS],
    ],
  });
  onboarding = await startDashboardServer({ host: onboardingHost, distDir: dist, logger, port: 0 });
}, 120_000);

afterAll(async () => {
  await dash?.close();
  await onboarding?.close();
  await onboardingHost?.stop();
  await cluster.close();
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

describe('static files', () => {
  it('serves index.html for / and assets with their types, every answer with a strict CSP', async () => {
    const index = await raw(dash, 'GET', '/', { token: null });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('<title>Shoal</title>');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${dash.port} ws://localhost:${dash.port}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await raw(dash, 'GET', '/assets/app.js', { token: null });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe('console.log("shoal")');
    expect((await raw(dash, 'GET', '/nope.js', { token: null })).status).toBe(404);
    expect((await raw(dash, 'POST', '/index.html', { token: null })).status).toBe(405);
    const api = await raw(dash, 'GET', '/api/v1/nodes');
    expect(api.headers['content-security-policy']).toBe(csp);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00index.html',
    '/leak.txt',
  ])('refuses %s', async (target) => {
    const answer = await raw(dash, 'GET', target, { token: null });
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('TOP-SECRET');
  });
});

describe('guards', () => {
  it('refuses API requests and upgrades without the dashboard token (the agent’s is no good either)', async () => {
    const none = await raw(dash, 'GET', '/api/v1/nodes', { token: null });
    expect(none.status).toBe(401);
    expect(json(none)).toMatchObject({ kind: 'Status', reason: 'Unauthorized' });
    const agentToken = (await readApiInfo(cluster.dir('a')))?.token;
    expect((await raw(dash, 'GET', '/api/v1/nodes', { token: agentToken })).status).toBe(401);
    expect((await raw(dash, 'GET', '/shoal/dashboard/v1/state', { token: null })).status).toBe(401);
    const socket = openSocket(dash, '/shoal/v1/watch?kind=Node', []);
    await expect(socket.opened).rejects.toThrow('upgrade refused: 401');
    const notApi = openSocket(dash, '/index.html', [bearerProtocol(dash.token)]);
    await expect(notApi.opened).rejects.toThrow('upgrade refused: 404');
  });

  it('refuses a Host or Origin that is not this server (DNS rebinding, cross-site pages)', async () => {
    const rebound = await raw(dash, 'GET', '/api/v1/nodes', {
      headers: { Host: `evil.example:${dash.port}` },
    });
    expect(rebound.status).toBe(403);
    expect(json(rebound).message).toContain(`127.0.0.1:${dash.port} or localhost:${dash.port}`);
    expect((await raw(dash, 'GET', '/', { token: null, headers: { Host: 'evil.example' } })).status).toBe(
      403,
    );
    const local = await raw(dash, 'GET', '/api/v1/nodes', { headers: { Host: `localhost:${dash.port}` } });
    expect(local.status).toBe(200);
    const crossSite = await raw(dash, 'GET', '/api/v1/nodes', { headers: { Origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
  });
});

describe('forwarding to the agent', () => {
  it('lists, applies and reads back with the agent’s token', async () => {
    const nodes = await raw(dash, 'GET', '/api/v1/nodes');
    expect(nodes.status).toBe(200);
    expect(json(nodes)).toMatchObject({ kind: 'NodeList', items: [{ metadata: { name: 'a' } }] });
    const applied = await raw(dash, 'POST', '/shoal/v1/apply', {
      body: {
        objects: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-dashboard' }, data: { a: '1' } },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const read = await raw(dash, 'GET', '/api/v1/namespaces/default/configmaps/via-dashboard');
    expect(json(read)).toMatchObject({ data: { a: '1' } });
    const status = await raw(dash, 'GET', '/shoal/v1/status');
    expect(json(status)).toMatchObject({ node: { name: 'a' } });
  });

  it('streams an HTTP watch as the agent writes it', async () => {
    const events: string[] = [];
    const req = request({
      host: '127.0.0.1',
      port: dash.port,
      path: '/api/v1/namespaces/default/configmaps?watch=1',
      headers: { Host: `127.0.0.1:${dash.port}`, Authorization: `Bearer ${dash.token}` },
    });
    req.on('response', (res) => res.on('data', (d: Buffer) => events.push(d.toString())));
    req.end();
    await eventually(
      'the first watch event',
      async () => (events.join('').includes('via-dashboard') ? true : undefined),
      10_000,
    );
    req.destroy();
  });

  it('forwards a WebSocket watch, keeping the client’s own subprotocol', async () => {
    const { ws, messages, opened } = openSocket(dash, '/shoal/v1/watch?kind=ConfigMap&namespace=default', [
      bearerProtocol(dash.token),
      'v5.channel.k8s.io',
    ]);
    await opened;
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    await raw(dash, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'live' } },
    });
    await eventually(
      'the ADDED event of "live"',
      async () => messages.find((m) => m.type === 'ADDED' && m.object.metadata?.name === 'live'),
      10_000,
    );
    ws.close();

    // A browser offers only its bearer protocol: it is echoed so the handshake completes.
    const browser = openSocket(dash, '/shoal/v1/watch?kind=Node', [bearerProtocol(dash.token)]);
    await browser.opened;
    expect(browser.ws.protocol).toBe(bearerProtocol(dash.token));
    await eventually('a Node event', async () => messages.length > 0 && browser.messages[0], 10_000);
    browser.ws.close();

    // What the agent refuses reaches the client as the agent said it.
    const unknown = openSocket(dash, '/shoal/v1/nowhere', [bearerProtocol(dash.token)]);
    await expect(unknown.opened).rejects.toThrow('upgrade refused: 404');
  });
});

describe('onboarding on an empty data directory', () => {
  it('says it is no member, answers API requests with how to start an agent, then creates a cluster', async () => {
    const state = await raw(onboarding, 'GET', '/shoal/dashboard/v1/state');
    expect(json(state)).toEqual({ member: false, dataDir: emptyDir });
    const key = await raw(onboarding, 'GET', '/shoal/dashboard/v1/join-key');
    expect(key.status).toBe(404);
    const api = await raw(onboarding, 'GET', '/api/v1/nodes');
    expect(api.status).toBe(503);
    expect(json(api).message).toContain('shoal up');

    const bad = await raw(onboarding, 'POST', '/shoal/dashboard/v1/cluster', {
      body: { action: 'local', agents: 9 },
    });
    expect(bad.status).toBe(400);
    expect(json(bad).message).toContain('agents: must be 1..5');
    const badName = await raw(onboarding, 'POST', '/shoal/dashboard/v1/cluster', {
      body: { action: 'create', name: 'Home Lab' },
    });
    expect(json(badName).message).toContain('name: must be lower case');
    const badKey = await raw(onboarding, 'POST', '/shoal/dashboard/v1/cluster', {
      body: { action: 'join', key: 'nope' },
    });
    expect(badKey.status).toBe(400);
    expect(json(badKey).message).toContain('the join key is not valid');

    const created = await raw(onboarding, 'POST', '/shoal/dashboard/v1/cluster', {
      body: { action: 'create', name: 'home-lab' },
    });
    expect(created.status, created.text).toBe(200);
    expect(json(created)).toEqual({ member: true, clusterName: 'home-lab', dataDir: emptyDir });
    expect(json(await raw(onboarding, 'GET', '/shoal/dashboard/v1/state'))).toMatchObject({ member: true });
    const joinKey = json(await raw(onboarding, 'GET', '/shoal/dashboard/v1/join-key')).key;
    expect(joinKey).toMatch(new RegExp(`@127\\.0\\.0\\.1:${cluster.bootstrap.port}$`));
    const again = await raw(onboarding, 'POST', '/shoal/dashboard/v1/cluster', {
      body: { action: 'create', name: 'x' },
    });
    expect(again.status).toBe(409);

    // The agent it started answers through the dashboard.
    const nodes = await eventually(
      'the created cluster’s node',
      async () => {
        const answer = await raw(onboarding, 'GET', '/api/v1/nodes');
        return answer.status === 200 ? json(answer) : undefined;
      },
      30_000,
      () => agentLines.join('').slice(-4000),
    );
    expect(nodes.items).toHaveLength(1);
  }, 90_000);
});
