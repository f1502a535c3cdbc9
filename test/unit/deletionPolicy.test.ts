// DELETE with propagation policies through the local API (query and DeleteOptions body), namespaces that
// turn Terminating or are Forbidden, pods still deleted gracefully, and `shoal delete --cascade`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteOptionsFrom,
  FOREGROUND_FINALIZER,
  ForbiddenError,
  ORPHAN_FINALIZER,
  refuseInTerminatingNamespace,
} from '../../agent/api/deletionPolicy.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';
import { runShoal } from '../support/runShoal.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked by the assertions that read it
type Json = Record<string, any>;

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'shoal.test/busybox:1' }] },
};
const replicaSet = (name: string, namespace = 'default') => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
});
const pod = (name: string, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { ...template.spec, ...(nodeName ? { nodeName } : {}) },
});

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const rsPath = (name: string) => `/apis/apps/v1/namespaces/default/replicasets/${name}`;
async function createRs(name: string): Promise<Json> {
  const r = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', replicaSet(name));
  expect(r.status).toBe(201);
  return r.body as Json;
}

describe('propagation policies', () => {
  it('removes at once by default (Background) and answers Success', async () => {
    const rs = await createRs('bg');
    const r = await api.request('DELETE', rsPath('bg'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'bg', kind: 'replicasets', group: 'apps', uid: rs.metadata.uid },
    });
    expect(api.store.get('ReplicaSet', 'default', 'bg')).toBeUndefined();
  });

  it('keeps a Foreground-deleted owner, marked, and shows it on get', async () => {
    await createRs('fg');
    const r = await api.request('DELETE', `${rsPath('fg')}?propagationPolicy=Foreground`);
    expect(r.status).toBe(200);
    const body = r.body as Json;
    expect(body.kind).toBe('ReplicaSet');
    expect(body.metadata.finalizers).toEqual([FOREGROUND_FINALIZER]);
    expect(body.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = await api.request('GET', rsPath('fg'));
    expect((got.body as Json).metadata.finalizers).toEqual([FOREGROUND_FINALIZER]);
    // A second delete changes nothing.
    const again = await api.request('DELETE', rsPath('fg'));
    expect(again.status).toBe(200);
    expect((again.body as Json).metadata.resourceVersion).toBe(body.metadata.resourceVersion);
  });

  it('takes a kubectl DeleteOptions body (Orphan), and the deprecated orphanDependents', async () => {
    await createRs('orphan');
    const r = await api.request('DELETE', rsPath('orphan'), {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Orphan',
    });
    expect(r.status).toBe(200);
    expect((r.body as Json).metadata.finalizers).toEqual([ORPHAN_FINALIZER]);
    await createRs('orphan2');
    const old = await api.request('DELETE', `${rsPath('orphan2')}?orphanDependents=true`);
    expect((old.body as Json).metadata.finalizers).toEqual([ORPHAN_FINALIZER]);
  });

  it('refuses bad options with a 400 that names them', async () => {
    await createRs('bad');
    for (const [path, body, message] of [
      [
        `${rsPath('bad')}?propagationPolicy=Sideways`,
        undefined,
        /propagationPolicy must be one of Background, Foreground, Orphan, not "Sideways"/,
      ],
      [rsPath('bad'), { propagationPolicy: 'Sideways' }, /propagationPolicy/],
      [rsPath('bad'), { propagation: 'Orphan' }, /DeleteOptions.*propagation/],
      [
        `${rsPath('bad')}?propagationPolicy=Orphan`,
        { propagationPolicy: 'Foreground' },
        /in the query but Foreground in the body/,
      ],
      [rsPath('bad'), { propagationPolicy: 'Orphan', orphanDependents: false }, /cannot both be set/],
      [rsPath('bad'), '{not json', /not valid JSON/],
      [rsPath('bad'), { dryRun: ['All'] }, /dry run is not supported/],
    ] as const) {
      const r = await api.request('DELETE', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((r.body as Json).message).toMatch(message);
    }
    expect(api.store.get('ReplicaSet', 'default', 'bad')).toBeDefined();
  });

  it('checks preconditions and answers 404 for a missing object', async () => {
    await createRs('pre');
    const r = await api.request('DELETE', rsPath('pre'), { preconditions: { uid: 'not-the-uid' } });
    expect(r.status).toBe(409);
    expect((r.body as Json).message).toMatch(/^Precondition failed: UID in precondition: not-the-uid/);
    const missing = await api.request('DELETE', rsPath('nothing'));
    expect(missing.status).toBe(404);
    expect((missing.body as Json).message).toBe('replicasets.apps "nothing" not found');
  });
});

describe('pods', () => {
  it('are still deleted gracefully, and a grace period in the body counts', async () => {
    await api.request('POST', '/api/v1/namespaces/default/pods', pod('on-node', 'node-a'));
    const r = await api.request('DELETE', '/api/v1/namespaces/default/pods/on-node', {
      gracePeriodSeconds: 7,
    });
    expect(r.status).toBe(200);
    expect((r.body as Json).metadata).toMatchObject({ deletionGracePeriodSeconds: 7 });
    expect((r.body as Json).metadata.finalizers).toBeUndefined();
    await api.request('POST', '/api/v1/namespaces/default/pods', pod('pending'));
    const gone = await api.request('DELETE', '/api/v1/namespaces/default/pods/pending');
    expect((gone.body as Json).kind).toBe('Status');
  });

  it('keep a Foreground finalizer next to their grace period', async () => {
    await api.request('POST', '/api/v1/namespaces/default/pods', pod('fg-pod', 'node-a'));
    const r = await api.request(
      'DELETE',
      '/api/v1/namespaces/default/pods/fg-pod?propagationPolicy=Foreground',
    );
    expect((r.body as Json).metadata).toMatchObject({
      finalizers: [FOREGROUND_FINALIZER],
      deletionGracePeriodSeconds: 30,
    });
  });
});

describe('namespaces', () => {
  it('turn Terminating instead of going at once', async () => {
    await api.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    const r = await api.request('DELETE', '/api/v1/namespaces/team');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
    expect((r.body as Json).metadata.deletionTimestamp).toBeDefined();
    const stored = api.store.get('Namespace', undefined, 'team') as KubeObject;
    expect(stored.status).toEqual({ phase: 'Terminating' });
  });

  it('refuse new content while terminating (for the create paths)', () => {
    expect(() => refuseInTerminatingNamespace(api.store, 'Pod', 'late', 'team')).toThrow(ForbiddenError);
    try {
      refuseInTerminatingNamespace(api.store, 'ConfigMap', 'late', 'team');
    } catch (err) {
      expect((err as ForbiddenError).status).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message:
          'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated',
      });
    }
    expect(() => refuseInTerminatingNamespace(api.store, 'Pod', 'fine', 'default')).not.toThrow();
    expect(() => refuseInTerminatingNamespace(api.store, 'Pod', 'fine', 'nowhere')).not.toThrow();
  });

  it('default, kube-system and kube-public are Forbidden', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      await api.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
      const r = await api.request('DELETE', `/api/v1/namespaces/${name}`);
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      });
      expect(api.store.get('Namespace', undefined, name)?.metadata.deletionTimestamp).toBeUndefined();
    }
  });
});

describe('deleteOptionsFrom', () => {
  it('reads the query and the body', () => {
    const q = new URLSearchParams('propagationPolicy=Foreground&gracePeriodSeconds=3');
    expect(deleteOptionsFrom(q, undefined)).toEqual({
      propagationPolicy: 'Foreground',
      gracePeriodSeconds: 3,
    });
    expect(deleteOptionsFrom(new URLSearchParams(), { orphanDependents: false })).toEqual({
      propagationPolicy: 'Background',
    });
    expect(() => deleteOptionsFrom(new URLSearchParams('orphanDependents=maybe'), undefined)).toThrow(
      /orphanDependents must be true or false/,
    );
  });
});

describe('shoal delete --cascade', () => {
  const shoal = (args: string[]) => runShoal(args, { env: { SHOAL_DATA_DIR: api.dataDir } });

  it('maps orphan and foreground to the propagation policy, and refuses other values', async () => {
    await createRs('cli-orphan');
    await createRs('cli-fg');
    const orphan = await shoal(['delete', 'rs', 'cli-orphan', '--cascade=orphan', '--no-wait']);
    expect(orphan.stderr).toBe('');
    expect(orphan.stdout).toBe('replicaset.apps "cli-orphan" deleted\n');
    expect(api.store.get('ReplicaSet', 'default', 'cli-orphan')?.metadata.finalizers).toEqual([
      ORPHAN_FINALIZER,
    ]);
    await shoal(['delete', 'rs/cli-fg', '--cascade', 'foreground', '--no-wait']);
    expect(api.store.get('ReplicaSet', 'default', 'cli-fg')?.metadata.finalizers).toEqual([
      FOREGROUND_FINALIZER,
    ]);
    const bad = await shoal(['delete', 'rs', 'cli-fg', '--cascade=sideways']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'invalid cascade value (sideways). Must be "background", "foreground", or "orphan".',
    );
  }, 60_000);
});
