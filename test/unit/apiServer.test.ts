// The local API against an in-memory store: authentication, Kubernetes REST verbs and errors, apply, status,
// and bad input that must never take the server down.

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../agent/api/server.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import { startTestApi, TEST_CLUSTER_STATUS, type TestApi } from '../support/apiServer.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked by the assertions that read it
type Json = Record<string, any>;

const pod = (name: string, labels: Record<string, string> = {}, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels, ...(namespace ? { namespace } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

const deployment = (name: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
    },
  },
});

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('authentication', () => {
  it('listens on 127.0.0.1 and refuses any other address', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(
      startApiServer({
        store: new MemoryClusterStore(),
        status: () => TEST_CLUSTER_STATUS,
        logger: pino({ level: 'silent' }),
        host: '0.0.0.0',
        token: 'x'.repeat(32),
      }),
    ).rejects.toThrow(/loopback/);
  });

  it('answers 401 with a Status to a request without a token, with a wrong one, or a malformed header', async () => {
    for (const opts of [
      { token: null },
      { token: 'wrong-token' },
      { token: `${api.token}x` },
      { token: null, headers: { Authorization: `Basic ${api.token}` } },
      { token: null, headers: { Authorization: 'Bearer' } },
    ]) {
      const r = await api.request('GET', '/api/v1/pods', undefined, opts);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
    // Refused before the body is looked at, and on every path.
    const post = await api.request('POST', '/api/v1/namespaces/default/pods', pod('sneaky'), { token: 'no' });
    expect(post.status).toBe(401);
    expect(api.store.get('Pod', 'default', 'sneaky')).toBeUndefined();
    expect((await api.request('GET', '/shoal/v1/status', undefined, { token: null })).status).toBe(401);
    expect((await api.request('GET', '/no/such/path', undefined, { token: null })).status).toBe(401);
  });
});

describe('Kubernetes REST verbs', () => {
  it('creates, reads, lists, replaces, updates status and deletes a pod', async () => {
    const created = await api.request(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('crud', { app: 'crud' }),
    );
    expect(created.status).toBe(201);
    const obj = created.body as Json;
    expect(obj.metadata).toMatchObject({ name: 'crud', namespace: 'default', generation: 1 });
    expect(obj.metadata.uid).toBeTruthy();
    expect(obj.spec.containers[0].imagePullPolicy).toBe('Always'); // admitted: defaults applied

    const got = await api.request('GET', '/api/v1/namespaces/default/pods/crud');
    expect(got.status).toBe(200);
    expect((got.body as Json).metadata.uid).toBe(obj.metadata.uid);

    const list = (await api.request('GET', '/api/v1/namespaces/default/pods')).body as Json;
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'PodList' });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(obj.metadata.resourceVersion),
    );
    expect(list.items.map((p: Json) => p.metadata.name)).toContain('crud');

    const changed: Json = { ...obj, metadata: { ...obj.metadata, labels: { app: 'crud', tier: 'x' } } };
    changed.spec = { ...obj.spec, activeDeadlineSeconds: 30 };
    const put = await api.request('PUT', '/api/v1/namespaces/default/pods/crud', changed);
    expect(put.status).toBe(200);
    expect((put.body as Json).metadata.labels).toEqual({ app: 'crud', tier: 'x' });
    expect((put.body as Json).metadata.generation).toBe(2);

    const status = await api.request('PUT', '/api/v1/namespaces/default/pods/crud/status', {
      ...(put.body as Json),
      status: { phase: 'Running', podIP: '10.1.0.5' },
    });
    expect(status.status).toBe(200);
    expect((status.body as Json).status).toEqual({ phase: 'Running', podIP: '10.1.0.5' });
    expect((status.body as Json).metadata.generation).toBe(2);
    expect((await api.request('GET', '/api/v1/namespaces/default/pods/crud/status')).body).toMatchObject({
      status: { phase: 'Running' },
    });

    const del = await api.request('DELETE', '/api/v1/namespaces/default/pods/crud');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'crud', kind: 'pods' },
    });
    const gone = await api.request('GET', '/api/v1/namespaces/default/pods/crud');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
      message: 'pods "crud" not found',
      details: { name: 'crud', kind: 'pods' },
    });
  });

  it('serves apps/v1 and batch/v1 under /apis, cluster-scoped kinds, and Namespace paths', async () => {
    const d = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('apps1'));
    expect(d.status).toBe(201);
    const list = (await api.request('GET', '/apis/apps/v1/deployments')).body as Json;
    expect(list.kind).toBe('DeploymentList');
    expect(list.apiVersion).toBe('apps/v1');
    expect((await api.request('GET', '/api/v1/namespaces/default/deployments')).status).toBe(404);
    expect(
      (await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/nope')).body,
    ).toMatchObject({
      message: 'deployments.apps "nope" not found',
    });

    const ns = await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
    expect(ns.status).toBe(201);
    expect((await api.request('GET', '/api/v1/namespaces/team-a')).body).toMatchObject({ kind: 'Namespace' });
    const node = await api.request('POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
    });
    expect(node.status).toBe(201);
    expect(((await api.request('GET', '/api/v1/nodes')).body as Json).items).toHaveLength(1);
    const job = await api.request('POST', '/apis/batch/v1/namespaces/team-a/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    expect(job.status).toBe(201);
    expect((job.body as Json).metadata.namespace).toBe('team-a');
  });

  it('lists with label and field selectors, in one namespace or all', async () => {
    await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'sel' } });
    await api.request('POST', '/api/v1/namespaces/sel/pods', pod('s1', { app: 'web', tier: 'front' }));
    await api.request('POST', '/api/v1/namespaces/sel/pods', pod('s2', { app: 'web', tier: 'back' }));
    await api.request('POST', '/api/v1/namespaces/sel/pods', pod('s3', { app: 'db' }));
    await api.request('POST', '/api/v1/namespaces/default/pods', pod('s4', { app: 'web' }));
    const names = async (path: string) =>
      ((await api.request('GET', path)).body as Json).items.map((p: Json) => p.metadata.name);
    expect(await names('/api/v1/namespaces/sel/pods')).toEqual(['s1', 's2', 's3']);
    expect(await names('/api/v1/namespaces/sel/pods?labelSelector=app%3Dweb')).toEqual(['s1', 's2']);
    expect(
      await names(`/api/v1/pods?labelSelector=${encodeURIComponent('app=web,tier notin (back)')}`),
    ).toEqual(['s4', 's1']);
    expect(await names('/api/v1/pods?labelSelector=!tier,app')).toEqual(['s4', 's3']);
    expect(await names('/api/v1/namespaces/sel/pods?fieldSelector=metadata.name%3Ds2')).toEqual(['s2']);
    expect(
      await names('/api/v1/pods?fieldSelector=metadata.namespace!%3Dsel&labelSelector=app%3Dweb'),
    ).toEqual(['s4']);
    const bad = await api.request('GET', `/api/v1/pods?labelSelector=${encodeURIComponent('app in (')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect((await api.request('GET', '/api/v1/pods?fieldSelector=a%3D%3Db%3Dc')).status).toBe(400);
  });

  it('answers 409 AlreadyExists for a duplicate and 409 Conflict for a stale resourceVersion', async () => {
    const first = await api.request('POST', '/api/v1/namespaces/default/pods', pod('dup'));
    expect(first.status).toBe(201);
    const again = await api.request('POST', '/api/v1/namespaces/default/pods', pod('dup'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'pods "dup" already exists' });

    const current = first.body as Json;
    const updated = { ...current, metadata: { ...current.metadata, labels: { v: '2' } } };
    expect((await api.request('PUT', '/api/v1/namespaces/default/pods/dup', updated)).status).toBe(200);
    const stale = await api.request('PUT', '/api/v1/namespaces/default/pods/dup', {
      ...updated,
      metadata: { ...updated.metadata, labels: { v: '3' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict' });
    expect((stale.body as Json).message).toContain('the object has been modified');
    const missing = await api.request('PUT', '/api/v1/namespaces/default/pods/none', pod('none'));
    expect(missing.status).toBe(404);
    expect((await api.request('DELETE', '/api/v1/namespaces/default/pods/none')).status).toBe(404);
  });

  it('answers 422 Invalid listing every field error, with a cause per field', async () => {
    const bad = deployment('Web_App', -1) as Json;
    bad.spec.template.spec.containers = [
      { name: 'web' },
      { name: 'web', image: 'x', resources: { limits: { memory: 'lots' } } },
    ];
    bad.spec.template.metadata.labels = { app: 'other' };
    const r = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', bad);
    expect(r.status).toBe(422);
    const status = r.body as Json;
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    expect(status.message).toMatch(/^Deployment\.apps "Web_App" is invalid: \[/);
    const expected = [
      ['metadata.name', 'Invalid value: "Web_App"'],
      ['spec.replicas', 'Invalid value: -1: must be greater than or equal to 0'],
      ['spec.template.spec.containers[0].image', 'Required value'],
      ['spec.template.spec.containers[1].resources.limits.memory', 'Invalid value: "lots"'],
      ['spec.template.spec.containers[1].name', 'Duplicate value: "web"'],
      [
        'spec.template.metadata.labels',
        'Invalid value: {"app":"other"}: `selector` does not match template `labels`',
      ],
    ];
    for (const [field, message] of expected) {
      expect(status.message).toContain(`${field}: ${message}`);
      expect(status.details.causes).toContainEqual(
        expect.objectContaining({ field, message: expect.stringContaining(message as string) }),
      );
    }
    expect(status.details).toMatchObject({ name: 'Web_App', kind: 'Deployment', group: 'apps' });
    expect(api.store.list('Deployment').map((d) => d.metadata.name)).not.toContain('Web_App');
  });

  it('refuses a body of another kind or namespace with 400, and fills in a name from generateName', async () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { ports: [{ port: 80 }] },
    };
    const wrongKind = await api.request('POST', '/api/v1/namespaces/default/pods', svc);
    expect(wrongKind.status).toBe(400);
    expect((wrongKind.body as Json).message).toContain('Kind=Service');
    const wrongNs = await api.request('POST', '/api/v1/namespaces/default/pods', pod('x', {}, 'other'));
    expect(wrongNs.status).toBe(400);
    expect((wrongNs.body as Json).message).toContain('does not match the namespace');
    const wrongName = await api.request('PUT', '/api/v1/namespaces/default/pods/y', pod('x'));
    expect(wrongName.status).toBe(400);
    const generated = await api.request('POST', '/api/v1/namespaces/default/pods', {
      ...pod(''),
      metadata: { generateName: 'gen-' },
    });
    expect(generated.status).toBe(201);
    expect((generated.body as Json).metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });
});

describe('bad input', () => {
  it('answers 400 to invalid JSON and non-objects, 415 to other media types, and keeps serving', async () => {
    for (const body of ['{not json', '', '[1,2]', '"a string"', 'null']) {
      const r = await api.request('POST', '/api/v1/namespaces/default/pods', body);
      expect(r.status, body).toBe(400);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    }
    const xml = await api.request('POST', '/api/v1/namespaces/default/pods', '<pod/>', {
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
    expect((await api.request('POST', '/shoal/v1/apply', { objects: 'nope' })).status).toBe(400);
    expect((await api.request('GET', '/api/v1/namespaces/default/pods')).status).toBe(200);
  });

  it('answers 413 to a body over 10 MiB, and keeps serving', async () => {
    const big = JSON.stringify({
      ...pod('big'),
      metadata: { name: 'big', annotations: { a: 'x'.repeat(11 * 1024 * 1024) } },
    });
    const r = await api.request('POST', '/api/v1/namespaces/default/pods', big);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge' });
    expect((await api.request('GET', '/api/v1/pods')).status).toBe(200);
  });

  it('answers 404 to unknown paths and 405 to unsupported methods, with Status bodies', async () => {
    for (const path of [
      '/nope',
      '/api/v1/widgets',
      '/api/v1/namespaces/default/pods/a/b/c',
      '/apis/apps/v2/deployments',
    ]) {
      const r = await api.request('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    }
    const patch = await api.request('PATCH', '/api/v1/namespaces/default/pods/a', {});
    expect(patch.status).toBe(405);
    expect((await api.request('GET', '/shoal/v1/watch')).status).toBe(400);
  });

  it('survives raw garbage on the socket', async () => {
    const { connect } = await import('node:net');
    const port = api.server.port;
    await new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.end('GARBAGE \x00\x01\x02 / HTTP/9\r\n\r\n'));
      s.on('data', () => {});
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    expect((await api.request('GET', '/api/v1/pods')).status).toBe(200);
  });
});

describe('Shoal endpoints', () => {
  it('applies objects: created, then unchanged, then configured keeping status', async () => {
    const objects = [
      deployment('shop'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop' }, data: { a: '1' } },
    ];
    const first = (await api.request('POST', '/shoal/v1/apply', { objects })).body as Json;
    expect(first.results.map((r: Json) => r.action)).toEqual(['created', 'created']);
    await api.store.updateStatus('Deployment', 'default', 'shop', { replicas: 2, readyReplicas: 2 });

    const second = (await api.request('POST', '/shoal/v1/apply', { objects })).body as Json;
    expect(second.results.map((r: Json) => r.action)).toEqual(['unchanged', 'unchanged']);

    const changed = [deployment('shop', 5), { ...objects[1], data: { b: '2' } }];
    const dry = (await api.request('POST', '/shoal/v1/apply', { objects: changed, dryRun: true }))
      .body as Json;
    expect(dry.results.map((r: Json) => r.action)).toEqual(['configured', 'configured']);
    expect(api.store.get('Deployment', 'default', 'shop')?.spec).toMatchObject({ replicas: 2 });

    const third = (await api.request('POST', '/shoal/v1/apply', { objects: changed })).body as Json;
    expect(third.results.map((r: Json) => r.action)).toEqual(['configured', 'configured']);
    const stored = api.store.get('Deployment', 'default', 'shop') as Json;
    expect(stored.spec.replicas).toBe(5);
    expect(stored.status).toEqual({ replicas: 2, readyReplicas: 2 });
    expect(api.store.get('ConfigMap', 'default', 'shop')).toMatchObject({ data: { b: '2' } });
  });

  it('reports a failing object in apply and still applies the others', async () => {
    const bad = deployment('broken', -3);
    const r = (await api.request('POST', '/shoal/v1/apply', { objects: [bad, pod('applied-ok')] }))
      .body as Json;
    expect(r.results[0]).toMatchObject({
      kind: 'Deployment',
      name: 'broken',
      error: { reason: 'Invalid', code: 422 },
    });
    expect(r.results[1]).toMatchObject({ action: 'created' });
    expect(api.store.get('Pod', 'default', 'applied-ok')).toBeDefined();
  });

  it('serves the cluster status', async () => {
    const r = await api.request('GET', '/shoal/v1/status');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(TEST_CLUSTER_STATUS);
  });

  it('serves Kubernetes discovery documents', async () => {
    const core = (await api.request('GET', '/api/v1')).body as Json;
    expect(core.kind).toBe('APIResourceList');
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'pods', kind: 'Pod', shortNames: ['po'] }),
    );
    const groups = (await api.request('GET', '/apis')).body as Json;
    expect(groups.groups.map((g: Json) => g.name)).toEqual(['apps', 'batch']);
    expect(((await api.request('GET', '/version')).body as Json).major).toBe('1');
  });
});
