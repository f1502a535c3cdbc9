// Events on the local API, served from the EventLog: EventList in all namespaces or one, selectors, one
// event by name, the HTTP streaming watch and the WebSocket watch, and writes refused with 405.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateApiToken } from '../../agent/api/apiInfo.ts';
import { eventsApi } from '../../agent/api/eventsApi.ts';
import { type ApiServer, startApiServer } from '../../agent/api/server.ts';
import { EventLog } from '../../agent/events/EventLog.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked by the assertions that read it
type Json = Record<string, any>;

const logger = pino({ level: 'silent' });
const token = generateApiToken();
let server: ApiServer;
let store: MemoryClusterStore;
let log: EventLog;

const record = (name: string, namespace = 'shop', reason = 'Started'): EventRecord => ({
  involvedObject: { kind: 'Pod', namespace, name, uid: `uid-${name}` },
  type: reason === 'BackOff' ? 'Warning' : 'Normal',
  reason,
  message: `${reason} ${name}`,
});

async function request(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

beforeAll(async () => {
  store = new MemoryClusterStore();
  log = new EventLog({ node: 'node-a', logger });
  server = await startApiServer({
    store,
    token,
    logger,
    status: () => {
      throw new Error('not used');
    },
    extensions: [eventsApi({ log, logger })],
  });
  log.record(record('web'));
  log.record(record('web', 'shop', 'BackOff'));
  log.record(record('db', 'data'));
  // A peer's event with labels, to show labelSelector works as on other lists.
  const peer = new EventLog({ node: 'node-b', logger });
  peer.record(record('cache', 'data'));
  const [remote] = peer.takeOutgoing(1, 1e6);
  await peer.close();
  log.receive([{ ...remote, metadata: { ...remote?.metadata, labels: { tier: 'cache' } } }]);
});

afterAll(async () => {
  await server.close();
  await log.close();
  await store.close();
});

describe('list and get', () => {
  it('answers a v1 EventList across namespaces, and per namespace', async () => {
    const all = await request('GET', '/api/v1/events');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'EventList',
      metadata: { resourceVersion: log.resourceVersion },
    });
    expect(all.body.items).toHaveLength(4);
    const data = await request('GET', '/api/v1/namespaces/data/events');
    expect(data.body.items.map((e: Json) => e.involvedObject.name).sort()).toEqual(['cache', 'db']);
  });

  it('filters with fieldSelector and labelSelector, and refuses a bad selector with 400', async () => {
    const q = (s: string) => request('GET', `/api/v1/events?${s}`);
    const byName = await q('fieldSelector=involvedObject.name%3Dweb,type%3DWarning');
    expect(byName.body.items.map((e: Json) => e.reason)).toEqual(['BackOff']);
    const byKind = await q('fieldSelector=involvedObject.kind%3DPod,involvedObject.namespace%3Ddata');
    expect(byKind.body.items).toHaveLength(2);
    const byLabel = await q('labelSelector=tier%3Dcache');
    expect(byLabel.body.items.map((e: Json) => e.source.host)).toEqual(['node-b']);
    const bad = await q('fieldSelector=reason');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('gets one event by name; an unknown one is a NotFound Status', async () => {
    const [first] = log.list({ namespace: 'data' });
    const one = await request('GET', `/api/v1/namespaces/data/events/${first?.metadata.name}`);
    expect(one.status).toBe(200);
    expect(one.body.metadata.name).toBe(first?.metadata.name);
    const missing = await request('GET', '/api/v1/namespaces/data/events/nope.0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('events "nope.0123456789abcdef" not found');
  });

  it('refuses writes with 405 and says why', async () => {
    const ev = log.list()[0];
    for (const [method, path] of [
      ['POST', '/api/v1/namespaces/shop/events'],
      ['PUT', `/api/v1/namespaces/shop/events/${ev?.metadata.name}`],
      ['DELETE', `/api/v1/namespaces/shop/events/${ev?.metadata.name}`],
      ['DELETE', '/api/v1/events'],
    ] as const) {
      const res = await request(method, path, method === 'DELETE' ? undefined : ev);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
      expect(res.body.message).toMatch(/events cannot be written through the API/);
      expect(res.headers.get('allow')).toBe('GET');
    }
    expect(log.list()).toHaveLength(4);
  });

  it('leaves every other path to the server', async () => {
    const pods = await request('GET', '/api/v1/pods');
    expect(pods.status).toBe(200);
    expect(pods.body.kind).toBe('PodList');
  });
});

describe('watch', () => {
  it('streams over HTTP (?watch=1): the existing events as ADDED, then each change', async () => {
    const controller = new AbortController();
    const res = await fetch(
      `${server.url}/api/v1/namespaces/shop/events?watch=1&fieldSelector=involvedObject.name%3Dweb`,
      {
        headers: { Authorization: `Bearer ${token}` },
        signal: controller.signal,
      },
    );
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const lines: Json[] = [];
    let buffered = '';
    const readUntil = async (n: number) => {
      while (lines.length < n && reader) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += new TextDecoder().decode(value);
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const p of parts) if (p) lines.push(JSON.parse(p) as Json);
      }
    };
    await readUntil(2);
    expect(lines.map((l) => `${l.type} ${l.object.reason}`).sort()).toEqual([
      'ADDED BackOff',
      'ADDED Started',
    ]);
    log.record(record('web', 'shop', 'BackOff'));
    log.record(record('other', 'shop', 'Killing')); // not selected
    log.record(record('web', 'shop', 'Killing'));
    await readUntil(4);
    expect(lines.slice(2).map((l) => `${l.type} ${l.object.reason} ${l.object.count}`)).toEqual([
      'MODIFIED BackOff 2',
      'ADDED Killing 1',
    ]);
    controller.abort();
  });

  it('watches over WebSocket (/shoal/v1/watch?kind=ev), as `shoal get events --watch` does', async () => {
    const messages: Json[] = [];
    const ws = new WebSocket(
      `${server.url.replace('http', 'ws')}/shoal/v1/watch?kind=ev&namespace=data&allowWatchBookmarks=true`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Json));
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 3000;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`got ${messages.length} messages, wanted ${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await waitFor(3);
    expect(messages.map((m) => m.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(messages[2]?.object).toMatchObject({
      kind: 'Event',
      metadata: { resourceVersion: log.resourceVersion },
    });
    log.record(record('db', 'data', 'Pulled'));
    await waitFor(4);
    expect(messages[3]).toMatchObject({
      type: 'ADDED',
      object: { reason: 'Pulled', metadata: { namespace: 'data' } },
    });
    ws.close();
  });

  it('leaves WebSocket watches of other kinds to the store, and refuses a bad selector', async () => {
    const pods = new WebSocket(
      `${server.url.replace('http', 'ws')}/shoal/v1/watch?kind=pods&allowWatchBookmarks=true`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    const first = await new Promise<Json>((resolve) =>
      pods.once('message', (d) => resolve(JSON.parse(String(d)))),
    );
    expect(first).toMatchObject({ type: 'BOOKMARK', object: { kind: 'Pod' } });
    pods.close();
    const bad = new WebSocket(
      `${server.url.replace('http', 'ws')}/shoal/v1/watch?kind=Event&fieldSelector=oops`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    const code = await new Promise<number>((resolve) =>
      bad.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(code).toBe(400);
    bad.on('error', () => {}); // terminating a refused upgrade reports an error; expected here
    bad.terminate();
  });
});
