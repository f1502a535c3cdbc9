// The renderer's ClusterConnection against a real agent API (startApiServer over an in-memory store, no
// containers): the live watch of every kind, apply, scale, errors and status, over the Node transport and
// over webTransport itself (with `ws` standing in for the browser's WebSocket).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type {
  ClusterConnection,
  KubeObject,
  LinkState,
  Transport,
} from '../../renderer/src/connection/ClusterConnection.ts';
import { createClusterConnection } from '../../renderer/src/connection/createClusterConnection.ts';
import { webTransport } from '../../renderer/src/connection/webTransport.ts';
import { startTestApi, TEST_CLUSTER_STATUS, type TestApi } from '../support/apiServer.ts';
import { nodeTransport } from '../support/nodeTransport.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  await api.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await api?.close();
});

/** What watchAll has delivered: the objects now, by kind/namespace/name, and the link state. */
function liveView(conn: ClusterConnection) {
  const objects = new Map<string, KubeObject>();
  const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const view = { objects, state: 'connecting' as LinkState, snapshots: 0, stop: () => {} };
  view.stop = conn.watchAll({
    onSnapshot: (all) => {
      view.snapshots++;
      objects.clear();
      for (const o of all) objects.set(id(o), o);
    },
    onChanges: (changes) => {
      for (const c of changes) {
        if (c.type === 'DELETED') objects.delete(id(c.object));
        else objects.set(id(c.object), c.object);
      }
    },
    onState: (s) => {
      view.state = s;
    },
  });
  return view;
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image: 'shoal.test/busybox:1' }] },
    },
  },
});

const transports: Array<[string, (token: string) => Transport]> = [
  ['the Node transport', (token) => nodeTransport({ baseUrl: api.url, token })],
  [
    'webTransport',
    (token) => {
      vi.stubGlobal('WebSocket', WebSocket);
      return webTransport({ baseUrl: api.url, token });
    },
  ],
];

describe.each(transports)('over %s', (label, makeTransport) => {
  const name = label === 'webTransport' ? 'web-b' : 'web-a';

  it('watches live, applies, scales and reads the status', async () => {
    const conn = createClusterConnection(makeTransport(api.token));
    const view = liveView(conn);
    await vi.waitFor(() => expect(view.state).toBe('live'), { timeout: 5000 });
    expect(view.objects.has('Node//node-a')).toBe(true);

    const applied = await conn.apply([deployment(name)]);
    expect(applied.results[0]).toMatchObject({ action: 'created' });
    await vi.waitFor(() => expect(view.objects.get(`Deployment/default/${name}`)).toBeDefined(), {
      timeout: 5000,
    });

    await conn.scale('Deployment', 'default', name, 4);
    await vi.waitFor(
      () =>
        expect(
          (view.objects.get(`Deployment/default/${name}`) as { spec?: { replicas?: number } }).spec?.replicas,
        ).toBe(4),
      { timeout: 5000 },
    );
    expect(
      (api.store.get('Deployment', 'default', name) as { spec: { replicas: number } }).spec.replicas,
    ).toBe(4);

    expect(await conn.status()).toEqual(TEST_CLUSTER_STATUS);
    await expect(conn.scale('Deployment', 'default', 'missing', 2)).rejects.toMatchObject({
      name: 'ClusterError',
      status: 404,
      reason: 'NotFound',
      message: expect.stringContaining('missing'),
    });
    expect(view.snapshots).toBe(1);
    view.stop();
  });

  it('fails for good with a wrong token, saying so', async () => {
    const conn = createClusterConnection(makeTransport('wrong'));
    let error: string | undefined;
    let state: LinkState = 'connecting';
    const stop = conn.watchAll({
      onSnapshot: () => {},
      onChanges: () => {},
      onState: (s, e) => {
        state = s;
        error = e;
      },
    });
    await vi.waitFor(() => expect(state).toBe('failed'), { timeout: 5000 });
    expect(error).toMatch(/refused the token/);
    await expect(conn.status()).rejects.toMatchObject({ status: 401 });
    stop();
  });
});
