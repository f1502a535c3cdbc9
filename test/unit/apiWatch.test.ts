// Watches of the local API: list-then-watch over WebSocket (ADDED for what exists, then every change),
// selectors that add and remove objects from a client's view, bookmarks, browser-style tokens, and
// Kubernetes' HTTP streaming watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bearerProtocol } from '../../agent/api/auth.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked by the assertions that read it
type Json = Record<string, any>;

const pod = (name: string, labels: Record<string, string> = {}, namespace = 'default') => ({
  apiVersion: 'v1' as const,
  kind: 'Pod' as const,
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

/** A WebSocket watch that records every message and lets a test wait for the n-th. */
class Watcher {
  readonly messages: Json[] = [];
  readonly #waiters: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      for (const w of this.#waiters.splice(0)) w();
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  async next(count: number, timeoutMs = 3000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.messages.length} messages, wanted ${count}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.messages.slice(0, count);
  }

  close(): void {
    this.ws.close();
  }
}

let api: TestApi;
const wsUrl = (query: string) => `${api.url.replace('http', 'ws')}/shoal/v1/watch?${query}`;
const watch = (query: string) =>
  new Watcher(new WebSocket(wsUrl(query), { headers: { Authorization: `Bearer ${api.token}` } }));
const summary = (m: Json) => `${m.type} ${m.object.metadata.name}`;

beforeAll(async () => {
  api = await startTestApi();
  await api.store.create(pod('existing-1', { app: 'web' }));
  await api.store.create(pod('existing-2', { app: 'db' }));
  await api.store.create(pod('elsewhere', { app: 'web' }, 'other'));
});
afterAll(async () => {
  await api.close();
});

describe('WebSocket watch', () => {
  it('sends ADDED for every existing object, then MODIFIED and DELETED as they happen', async () => {
    const w = watch('kind=pods&namespace=default');
    await w.opened;
    expect((await w.next(2)).map(summary)).toEqual(['ADDED existing-1', 'ADDED existing-2']);
    await api.store.create(pod('new-one'));
    await api.store.updateStatus('Pod', 'default', 'new-one', { phase: 'Running' });
    await api.store.delete('Pod', 'default', 'new-one');
    await api.store.create(pod('not-watched', {}, 'other'));
    const messages = await w.next(5);
    expect(messages.slice(2).map(summary)).toEqual(['ADDED new-one', 'MODIFIED new-one', 'DELETED new-one']);
    expect(messages[3]?.object.status).toEqual({ phase: 'Running' });
    await new Promise((r) => setTimeout(r, 50));
    expect(w.messages).toHaveLength(5);
    w.close();
  });

  it('keeps a selector view exact: objects entering it are ADDED, objects leaving it DELETED', async () => {
    const w = watch('kind=Pod&labelSelector=app%3Dweb&allowWatchBookmarks=true');
    await w.opened;
    const initial = await w.next(3);
    expect(initial.slice(0, 2).map(summary)).toEqual(['ADDED existing-1', 'ADDED elsewhere']);
    expect(initial[2]).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Pod', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    const db = api.store.get('Pod', 'default', 'existing-2');
    await api.store.updateSpec({
      ...structuredClone(db!),
      metadata: { ...db!.metadata, labels: { app: 'web' } },
    });
    const one = api.store.get('Pod', 'default', 'existing-1');
    await api.store.updateSpec({
      ...structuredClone(one!),
      metadata: { ...one!.metadata, labels: { app: 'x' } },
    });
    const messages = await w.next(5);
    expect(messages.slice(3).map(summary)).toEqual(['ADDED existing-2', 'DELETED existing-1']);
    w.close();
  });

  it('watches every kind when no kind is given', async () => {
    const w = watch('namespace=other');
    await w.opened;
    expect((await w.next(2)).map((m) => `${m.object.kind} ${m.object.metadata.name}`)).toEqual([
      'Pod elsewhere',
      'Pod not-watched',
    ]);
    await api.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'other' },
    });
    expect((await w.next(3))[2]).toMatchObject({ type: 'ADDED', object: { kind: 'ConfigMap' } });
    w.close();
  });

  it('accepts the token as a Kubernetes bearer subprotocol or a query parameter, as browsers need', async () => {
    const viaProtocol = new Watcher(
      new WebSocket(wsUrl('kind=po&namespace=other'), ['shoal.watch.v1', bearerProtocol(api.token)]),
    );
    await viaProtocol.opened;
    expect(viaProtocol.ws.protocol).toBe('shoal.watch.v1');
    expect((await viaProtocol.next(1))[0]?.type).toBe('ADDED');
    viaProtocol.close();
    const viaQuery = new Watcher(new WebSocket(wsUrl(`kind=po&namespace=other&token=${api.token}`)));
    await viaQuery.opened;
    expect((await viaQuery.next(1))[0]?.type).toBe('ADDED');
    viaQuery.close();
  });

  it('refuses an upgrade without a valid token (401), for a bad kind (400) and on other paths (404)', async () => {
    const statusOf = (ws: WebSocket) =>
      new Promise<number>((resolve, reject) => {
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('opened')));
        ws.on('error', () => {});
      });
    expect(await statusOf(new WebSocket(wsUrl('kind=pods')))).toBe(401);
    expect(await statusOf(new WebSocket(wsUrl('kind=pods&token=wrong')))).toBe(401);
    expect(
      await statusOf(new WebSocket(wsUrl('kind=pods'), { headers: { Authorization: 'Bearer wrong' } })),
    ).toBe(401);
    expect(
      await statusOf(
        new WebSocket(wsUrl('kind=widgets'), { headers: { Authorization: `Bearer ${api.token}` } }),
      ),
    ).toBe(400);
    expect(
      await statusOf(
        new WebSocket(`${api.url.replace('http', 'ws')}/elsewhere`, {
          headers: { Authorization: `Bearer ${api.token}` },
        }),
      ),
    ).toBe(404);
    expect((await api.request('GET', '/api/v1/pods')).status).toBe(200);
  });

  it('ends watches when the server closes', async () => {
    const own = await startTestApi();
    const w = new Watcher(
      new WebSocket(`${own.url.replace('http', 'ws')}/shoal/v1/watch`, {
        headers: { Authorization: `Bearer ${own.token}` },
      }),
    );
    await w.opened;
    const closed = new Promise((resolve) => w.ws.on('close', resolve));
    await own.close();
    await closed;
  });
});

describe('HTTP streaming watch (?watch=1)', () => {
  it('streams one JSON event per line, resuming after a resourceVersion', async () => {
    const list = (await api.request('GET', '/api/v1/namespaces/default/pods')).body as Json;
    const controller = new AbortController();
    const res = await fetch(
      `${api.url}/api/v1/namespaces/default/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      { headers: { Authorization: `Bearer ${api.token}` }, signal: controller.signal },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await api.store.create(pod('streamed'));
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const event = JSON.parse(text.split('\n')[0] as string);
    expect(summary(event)).toBe('ADDED streamed');
    controller.abort();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const res = await fetch(`${api.url}/api/v1/nodes?watch=true&timeoutSeconds=1`, {
      headers: { Authorization: `Bearer ${api.token}` },
    });
    expect(await res.text()).toBe('');
  });
});
