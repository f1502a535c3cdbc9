// The desktop main process's IPC handlers, without Electron: argument validation, forwarding to the
// embedded peer's API with its token (a fake agent on 127.0.0.1), the onboarding API in-process, and
// socket and stream relays with their back-pressure.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { RelayEventMessage } from '../../main/ipcChannels.ts';
import {
  createIpcHandlers,
  type IpcHandlerDeps,
  NOT_A_MEMBER,
  type WindowSink,
} from '../../main/ipcHandlers.ts';
import { Credit } from '../../main/relay/credit.ts';
import type { DesktopSettings } from '../../main/shoalBridge.ts';

const TOKEN = 'test-token-0123456789';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

/** A fake agent API: records requests, answers JSON, serves a WebSocket and a streamed body. */
class FakeAgent {
  server!: Server;
  wss!: WebSocketServer;
  url = '';
  seen: Seen[] = [];
  protocols: string[] = [];
  wsAuthorization: string | undefined;
  /** Messages the socket at /shoal/v1/flood sends at once. */
  floodCount = 200;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.#handle(req, res));
    this.wss = new WebSocketServer({ noServer: true, handleProtocols: (set) => [...set][0] ?? false });
    this.server.on('upgrade', (req, socket, head) => {
      this.wsAuthorization = req.headers.authorization;
      this.protocols = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        const body = JSON.stringify({
          kind: 'Status',
          code: 401,
          message: 'Unauthorized: the token is wrong',
        });
        socket.end(
          `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (req.url?.startsWith('/shoal/v1/flood')) {
          for (let i = 0; i < this.floodCount; i++) ws.send(`${i} ${'x'.repeat(16 * 1024)}`);
          return;
        }
        ws.on('message', (data, isBinary) => {
          if (isBinary) ws.send(Buffer.concat([Buffer.from([9]), data as Buffer]));
          else if (String(data) === 'bye') ws.close(4000, 'asked to');
          else ws.send(`echo:${String(data)}`);
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async #handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    this.seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      body,
    });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 401, message: 'Unauthorized' }));
      return;
    }
    if (req.url?.startsWith('/api/v1/namespaces/default/pods/web/log')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('line 1\n');
      setTimeout(() => {
        res.write('line 2 é\n');
        res.end();
      }, 20);
      return;
    }
    if (req.url?.startsWith('/api/v1/namespaces/default/pods/gone/log')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 404, message: 'pods "gone" not found' }));
      return;
    }
    if (req.url?.startsWith('/api/v1/namespaces/default/pods/chatty/log')) {
      // 20 chunks of 500 characters, apart in time so the relay reads them one by one.
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`${'x'.repeat(499)}\n`);
        if (++sent === 20) {
          clearInterval(timer);
          res.end();
        }
      }, 2);
      return;
    }
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ kind: 'PodList', echo: { method: req.method, url: req.url, body: body || null } }),
    );
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A window that records the relay events main pushes to it. */
function fakeWindow(id = 1): WindowSink & {
  events: RelayEventMessage[];
  next(pred: (m: RelayEventMessage) => boolean): Promise<RelayEventMessage>;
} {
  const events: RelayEventMessage[] = [];
  const waiters: Array<{ pred: (m: RelayEventMessage) => boolean; resolve: (m: RelayEventMessage) => void }> =
    [];
  return {
    id,
    events,
    send(message) {
      events.push(message);
      for (const w of [...waiters]) {
        if (w.pred(message)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    },
    next(pred) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        setTimeout(() => reject(new Error('timed out waiting for a relay event')), 5_000);
      });
    },
  };
}

const agent = new FakeAgent();

function handlers(over: Partial<IpcHandlerDeps> = {}) {
  let settings: DesktopSettings = { runWorkloads: false };
  const dashboardCalls: Array<[string, string, unknown]> = [];
  const h = createIpcHandlers({
    apiTarget: async () => ({ url: agent.url, token: TOKEN }),
    dashboard: async (method, path, body) => {
      dashboardCalls.push([method, path, body]);
      return { status: 200, body: { member: false } };
    },
    settings: {
      get: () => settings,
      set: async (patch) => {
        settings = { ...settings, ...patch };
        return settings;
      },
    },
    ...over,
  });
  return { h, dashboardCalls };
}

function statusMessage(body: unknown): string {
  return (body as { message?: string }).message ?? '';
}

beforeAll(() => agent.start());
afterAll(() => agent.stop());

describe('request validation', () => {
  it.each([
    [
      { method: 'TRACE', path: '/api/v1/pods' },
      'request.method: must be one of GET, POST, PUT, PATCH, DELETE',
    ],
    [
      { method: 'GET', path: '/etc/passwd' },
      'request.path: must start with /api/, /apis/, /shoal/v1/, /shoal/dashboard/v1/',
    ],
    [{ method: 'GET', path: '/api/v1/../../x' }, 'request.path: must not contain ".." or encoded slashes'],
    [{ method: 'GET', path: '/api/v1/%2E%2E/x' }, 'request.path: must not contain ".." or encoded slashes'],
    [{ method: 'GET', path: '/api//v1/pods' }, 'request.path: must not contain "//"'],
    [{ method: 'GET', path: '/api/v1/pods#frag' }, 'request.path: has characters a URL path may not hold'],
    [{ method: 'GET', path: `/api/v1/${'a'.repeat(5000)}` }, 'request.path: must be at most 4096 characters'],
    [{ method: 'GET', path: '/api/v1/pods', extra: 1 }, 'request: Unrecognized key: "extra"'],
    ['GET /api/v1/pods', 'request: '],
  ])('refuses %#: %s', async (raw, message) => {
    const { h } = handlers();
    const res = await h.request(raw);
    expect(res.status).toBe(400);
    expect(statusMessage(res.body)).toContain(message);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  it('lets a query hold encoded slashes and dots (exec commands, label keys)', async () => {
    const { h } = handlers();
    const path = '/api/v1/namespaces/default/pods?labelSelector=app.kubernetes.io%2Fname%3Dweb&x=..%2F..';
    const res = await h.request({ method: 'GET', path });
    expect(res.status).toBe(200);
    expect((res.body as { echo: { url: string } }).echo.url).toBe(path);
  });

  it('refuses a body larger than 8 MiB and one that is not JSON, before any request is sent', async () => {
    const { h } = handlers();
    const before = agent.seen.length;
    const big = await h.request({
      method: 'POST',
      path: '/shoal/v1/apply',
      body: { text: 'x'.repeat(9 * 1024 * 1024) },
    });
    expect(statusMessage(big.body)).toBe('request.body: is larger than 8 MiB');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad = await h.request({ method: 'POST', path: '/shoal/v1/apply', body: circular });
    expect(statusMessage(bad.body)).toMatch(/^request\.body: is not JSON/);
    expect(agent.seen.length).toBe(before);
  });
});

describe('request forwarding', () => {
  it('forwards to the agent with its token and passes the answer on', async () => {
    const { h } = handlers();
    const res = await h.request({
      method: 'POST',
      path: '/api/v1/namespaces/default/pods?dryRun=All',
      body: { kind: 'Pod', metadata: { name: 'web' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      kind: 'PodList',
      echo: {
        method: 'POST',
        url: '/api/v1/namespaces/default/pods?dryRun=All',
        body: '{"kind":"Pod","metadata":{"name":"web"}}',
      },
    });
    expect(agent.seen.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('sends the onboarding API to the in-process handler, never to the agent', async () => {
    const { h, dashboardCalls } = handlers();
    const before = agent.seen.length;
    const res = await h.request({
      method: 'POST',
      path: '/shoal/dashboard/v1/cluster',
      body: { action: 'create', name: 'lab' },
    });
    expect(res).toEqual({ status: 200, body: { member: false } });
    expect(dashboardCalls).toEqual([
      ['POST', '/shoal/dashboard/v1/cluster', { action: 'create', name: 'lab' }],
    ]);
    expect(agent.seen.length).toBe(before);
  });

  it('answers 503 with what to do while this computer is in no cluster', async () => {
    const { h } = handlers({ apiTarget: async () => undefined });
    const res = await h.request({ method: 'GET', path: '/api/v1/pods' });
    expect(res.status).toBe(503);
    expect(statusMessage(res.body)).toBe(NOT_A_MEMBER);
  });

  it('says why there is no peer when main knows (it is restarting)', async () => {
    const { h } = handlers({ apiTarget: async () => undefined, unavailable: () => 'the peer is restarting' });
    const res = await h.request({ method: 'GET', path: '/api/v1/pods' });
    expect(res).toMatchObject({ status: 503, body: { message: 'the peer is restarting' } });
  });

  it('answers 503 naming the cause when the peer does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { h } = handlers({ apiTarget: async () => ({ url: `http://127.0.0.1:${port}`, token: TOKEN }) });
    const res = await h.request({ method: 'GET', path: '/api/v1/pods' });
    expect(res.status).toBe(503);
    expect(statusMessage(res.body)).toContain('the Shoal peer inside the app does not answer (ECONNREFUSED)');
  });

  it('validates and applies settings changes', async () => {
    const { h } = handlers();
    await expect(h.settingsSet({ runWorkloads: 'yes' })).rejects.toThrow(
      /settings\.runWorkloads: Invalid input/,
    );
    await expect(h.settingsSet({ runWorkloads: true, debug: true })).rejects.toThrow(
      /Unrecognized key: "debug"/,
    );
    await expect(h.settingsSet({ runWorkloads: true })).resolves.toEqual({ runWorkloads: true });
    expect(h.settingsGet()).toEqual({ runWorkloads: true });
  });
});

describe('socket relays', () => {
  it('relays text and binary frames both ways, with the token in a header and the window subprotocols', async () => {
    const { h } = handlers();
    const win = fakeWindow();
    expect(
      await h.socketOpen(win, {
        id: 'sock-1',
        path: '/api/v1/namespaces/default/pods/web/exec?command=sh',
        protocols: ['v5.channel.k8s.io'],
      }),
    ).toBeUndefined();
    await win.next((m) => m.id === 'sock-1' && m.event.type === 'open');
    expect(agent.wsAuthorization).toBe(`Bearer ${TOKEN}`);
    expect(agent.protocols).toEqual(['v5.channel.k8s.io']);
    h.socketSend(win, { id: 'sock-1', data: 'hello' });
    const text = await win.next((m) => m.event.type === 'message' && m.event.data === 'echo:hello');
    expect(text.id).toBe('sock-1');
    h.socketSend(win, { id: 'sock-1', data: new Uint8Array([1, 2, 3]) });
    const binary = await win.next((m) => m.event.type === 'message' && m.event.data instanceof Uint8Array);
    expect(binary.event).toEqual({ type: 'message', data: new Uint8Array([9, 1, 2, 3]) });
    h.socketSend(win, { id: 'sock-1', data: 'bye' });
    const closed = await win.next((m) => m.event.type === 'close');
    expect(closed.event).toEqual({ type: 'close', code: 4000, reason: 'asked to' });
    expect(h.openRelays).toBe(0);
  });

  it('tells the window why the agent refused the socket', async () => {
    const { h } = handlers({ apiTarget: async () => ({ url: agent.url, token: 'wrong' }) });
    const win = fakeWindow();
    await h.socketOpen(win, { id: 'sock-2', path: '/shoal/v1/watch?kind=Pod', protocols: [] });
    const closed = await win.next((m) => m.event.type === 'close');
    expect(closed.event).toMatchObject({ type: 'close', code: 1006 });
    expect((closed.event as { error?: string }).error).toBe(
      'the agent refused the socket (HTTP 401): Unauthorized: the token is wrong',
    );
  });

  it('refuses bad socket arguments and says so to the window', async () => {
    const { h } = handlers();
    const win = fakeWindow();
    const token = await h.socketOpen(win, {
      id: 'sock-3',
      path: '/shoal/v1/watch',
      protocols: ['base64url.bearer.authorization.k8s.io.c2VjcmV0'],
    });
    expect(token).toBe('socket.protocols.0: must not carry a token: the app adds its own');
    expect(win.events.at(-1)).toEqual({
      id: 'sock-3',
      event: { type: 'close', code: 1006, reason: '', error: token },
    });
    expect(await h.socketOpen(win, { id: 'sock-4', path: '/shoal/dashboard/v1/state', protocols: [] })).toBe(
      'socket.path: must be an agent API path, not the onboarding API',
    );
    expect(await h.socketOpen(win, { id: '../x', path: '/shoal/v1/watch', protocols: [] })).toBe(
      'socket.id: must be 1 to 64 letters, digits, "-" or "_"',
    );
    expect(h.socketSend(win, { id: 'sock-9', data: 42 })).toBe('socket message.data: must be text or bytes');
    expect(h.socketSend(win, { id: 'sock-9', data: 'x'.repeat(1024 * 1024 + 1) })).toBe(
      'socket message.data: must be at most 1048576 bytes',
    );
    expect(h.ack(win, { id: 'sock-9', bytes: -1 })).toMatch(/^ack\.bytes: /);
  });

  it('refuses a second socket with an id in use, and more sockets than a window may hold', async () => {
    const { h } = handlers({ maxRelaysPerWindow: 2 });
    const win = fakeWindow();
    await h.socketOpen(win, { id: 'a', path: '/shoal/v1/watch', protocols: [] });
    expect(await h.socketOpen(win, { id: 'a', path: '/shoal/v1/watch', protocols: [] })).toBe(
      'id "a" is already in use by an open socket or stream',
    );
    await h.socketOpen(win, { id: 'b', path: '/shoal/v1/watch', protocols: [] });
    expect(await h.socketOpen(win, { id: 'c', path: '/shoal/v1/watch', protocols: [] })).toBe(
      'this window already has 2 open sockets and streams',
    );
    // Another window has its own allowance and ids.
    const other = fakeWindow(2);
    expect(await h.socketOpen(other, { id: 'a', path: '/shoal/v1/watch', protocols: [] })).toBeUndefined();
    h.closeWindow(1);
    expect(h.openRelays).toBe(1);
    h.closeAll();
    expect(h.openRelays).toBe(0);
  });

  it('stops reading a socket while the window has not acknowledged enough, and resumes on acks', async () => {
    const { h } = handlers({ credit: () => new Credit(100, 40) });
    const win = fakeWindow();
    await h.socketOpen(win, { id: 'flood', path: '/shoal/v1/flood', protocols: [] });
    const messages = () => win.events.filter((m) => m.event.type === 'message');
    await win.next((m) => m.event.type === 'message');
    await new Promise((r) => setTimeout(r, 100));
    const paused = messages().length;
    // The first 16 KiB message passes the high-water mark; frames already read from the TCP socket still
    // arrive after the pause, but far fewer than the 200 sent (3 MiB).
    expect(paused).toBeGreaterThan(0);
    expect(paused).toBeLessThan(100);
    for (let round = 0; round < 200 && messages().length < agent.floodCount; round++) {
      h.ack(win, { id: 'flood', bytes: 1024 * 1024 });
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(messages().length).toBe(agent.floodCount);
    expect(messages().at(-1)?.event).toEqual({
      type: 'message',
      data: `${agent.floodCount - 1} ${'x'.repeat(16 * 1024)}`,
    });
    h.closeAll();
  });
});

describe('stream relays', () => {
  it('relays a followed body as text chunks, then its end', async () => {
    const { h } = handlers();
    const win = fakeWindow();
    expect(
      await h.streamOpen(win, { id: 'log-1', path: '/api/v1/namespaces/default/pods/web/log?follow=true' }),
    ).toBeUndefined();
    await win.next((m) => m.event.type === 'end');
    const text = win.events.map((m) => (m.event.type === 'chunk' ? m.event.text : '')).join('');
    expect(text).toBe('line 1\nline 2 é\n');
    expect(win.events.at(-1)).toEqual({ id: 'log-1', event: { type: 'end' } });
    expect(agent.seen.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(h.openRelays).toBe(0);
  });

  it("ends with the agent's message when the agent refuses", async () => {
    const { h } = handlers();
    const win = fakeWindow();
    await h.streamOpen(win, { id: 'log-2', path: '/api/v1/namespaces/default/pods/gone/log' });
    const end = await win.next((m) => m.event.type === 'end');
    expect(end.event).toEqual({ type: 'end', error: 'pods "gone" not found' });
  });

  it('ends at once with what to do while this computer is in no cluster', async () => {
    const { h } = handlers({ apiTarget: async () => undefined });
    const win = fakeWindow();
    expect(await h.streamOpen(win, { id: 'log-3', path: '/api/v1/namespaces/default/pods/web/log' })).toBe(
      NOT_A_MEMBER,
    );
    expect(win.events).toEqual([{ id: 'log-3', event: { type: 'end', error: NOT_A_MEMBER } }]);
  });

  it('holds back a stream the window does not acknowledge, and finishes it once it does', async () => {
    const { h } = handlers({ credit: () => new Credit(1000, 200) });
    const win = fakeWindow();
    await h.streamOpen(win, { id: 'log-4', path: '/api/v1/namespaces/default/pods/chatty/log' });
    await win.next((m) => m.event.type === 'chunk');
    await new Promise((r) => setTimeout(r, 100));
    const received = () =>
      win.events.reduce((n, m) => n + (m.event.type === 'chunk' ? m.event.text.length : 0), 0);
    expect(received()).toBeLessThanOrEqual(2_000);
    expect(win.events.some((m) => m.event.type === 'end')).toBe(false);
    for (let round = 0; round < 200 && !win.events.some((m) => m.event.type === 'end'); round++) {
      h.ack(win, { id: 'log-4', bytes: 10_000 });
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(received()).toBe(10_000);
    expect(win.events.at(-1)?.event).toEqual({ type: 'end' });
  });

  it('cancels a stream when the window asks', async () => {
    const { h } = handlers();
    const win = fakeWindow();
    await h.streamOpen(win, { id: 'log-5', path: '/api/v1/namespaces/default/pods/web/log?follow=true' });
    h.streamCancel(win, { id: 'log-5' });
    const end = await win.next((m) => m.event.type === 'end');
    expect(end.event).toEqual({ type: 'end' });
    expect(h.openRelays).toBe(0);
  });
});
