// `shoal rollout status|history|undo|restart|pause|resume`: the status lines and revision logic as pure
// functions, and the commands in process against a real local API over a MemoryClusterStore, the test playing
// the deployment controller (writing status, owning replica sets with revisions).
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../agent/cli/io.ts';
import { runCli } from '../../agent/cli/program.ts';
import {
  deploymentRevisions,
  equalIgnoringHash,
  findRollbackRevision,
  historyTable,
  planRollback,
} from '../../agent/cli/rollout/revisions.ts';
import { daemonSetRolloutStatus, deploymentRolloutStatus } from '../../agent/cli/rollout/statusViewer.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { DaemonSet, Deployment, ReplicaSet } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';

function start(api: TestApi, args: string[]) {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => {
      out[key] += d.toString();
    });
    return s;
  };
  const io: CliIo = { stdin: Readable.from([]), stdout: sink('stdout'), stderr: sink('stderr') };
  const done = runCli(['--data-dir', api.dataDir, ...args], io).then(async (code) => {
    await new Promise((r) => setImmediate(r));
    return { code, ...out };
  });
  return { out, done };
}

const shoal = (api: TestApi, args: string[]) => start(api, args).done;

async function until(what: () => boolean, label: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const template = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'web', image }] },
});

function admitted<T>(raw: object): T {
  const r = admitObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.object as T;
}

const deploymentObject = (image: string, extra: Record<string, unknown> = {}) =>
  admitted<Deployment>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template(image), ...extra },
  });

const replicaSetObject = (
  owner: Deployment | undefined,
  revision: number,
  image: string,
  annotations: Record<string, string> = {},
) =>
  admitted<ReplicaSet>({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-h${revision}`,
      namespace: 'default',
      annotations: { 'deployment.kubernetes.io/revision': String(revision), ...annotations },
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: owner.metadata.name,
                uid: owner.metadata.uid,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${revision}` } },
      template: template(image, `h${revision}`),
    },
  });

const withStatus = (d: Deployment, generation: number, status: Deployment['status']): Deployment => ({
  ...d,
  metadata: { ...d.metadata, name: 'web', generation },
  status,
});

describe('rollout status lines (kubectl status viewers)', () => {
  const d = deploymentObject('nginx:1');
  it('walks through kubectl messages for deployments', () => {
    expect(deploymentRolloutStatus(withStatus(d, 2, { observedGeneration: 1 }))).toEqual({
      done: false,
      message: 'Waiting for deployment spec update to be observed...',
    });
    const s = (replicas: number, updatedReplicas: number, availableReplicas: number) =>
      deploymentRolloutStatus(
        withStatus(d, 2, { observedGeneration: 2, replicas, updatedReplicas, availableReplicas }),
      );
    expect(s(3, 1, 3)).toEqual({
      done: false,
      message: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
    });
    expect(s(4, 3, 3)).toEqual({
      done: false,
      message: 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    });
    expect(s(3, 3, 2)).toEqual({
      done: false,
      message: 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
    });
    expect(s(3, 3, 3)).toEqual({ done: true, message: 'deployment "web" successfully rolled out' });
  });

  it('fails on ProgressDeadlineExceeded once the generation is observed', () => {
    const conditions = [
      { type: 'Progressing', status: 'False' as const, reason: 'ProgressDeadlineExceeded' },
    ];
    expect(deploymentRolloutStatus(withStatus(d, 2, { observedGeneration: 2, conditions }))).toEqual({
      error: 'deployment "web" exceeded its progress deadline',
    });
  });

  it('reads daemon sets too', () => {
    const ds = {
      kind: 'DaemonSet',
      metadata: { name: 'agent', generation: 1 },
      spec: { updateStrategy: { type: 'RollingUpdate' } },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    } as unknown as DaemonSet;
    expect(daemonSetRolloutStatus(ds)).toEqual({
      done: false,
      message: 'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
    });
    expect(
      daemonSetRolloutStatus({ ...ds, spec: { ...ds.spec, updateStrategy: { type: 'OnDelete' } } }),
    ).toEqual({ error: 'rollout status is only available for RollingUpdate strategy type' });
  });
});

describe('revisions (kubectl history and rollback)', () => {
  const d = {
    ...deploymentObject('nginx:3'),
    metadata: { name: 'web', namespace: 'default', uid: 'd1' as Uid },
  };
  const rs1 = replicaSetObject(d, 1, 'nginx:1', { 'kubernetes.io/change-cause': 'first' });
  const rs3 = replicaSetObject(d, 3, 'nginx:3');
  const rs2 = replicaSetObject(d, 2, 'nginx:2');
  const stranger = { ...replicaSetObject(undefined, 7, 'other:1'), metadata: { name: 'x', annotations: {} } };

  it('orders the controlled replica sets by revision and prints the table', () => {
    const revisions = deploymentRevisions(d, [rs3, stranger as ReplicaSet, rs1, rs2]);
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(historyTable(revisions)).toBe(
      'REVISION  CHANGE-CAUSE\n1         first\n2         <none>\n3         <none>\n',
    );
    expect(historyTable([])).toBe('No rollout history found.\n');
  });

  it('rolls back to the previous revision by default, or the one asked for', () => {
    const revisions = deploymentRevisions(d, [rs1, rs2, rs3]);
    expect(findRollbackRevision(d, revisions, 0).revision).toBe(2);
    expect(findRollbackRevision(d, revisions, 1).revision).toBe(1);
    expect(() => findRollbackRevision(d, revisions, 9)).toThrow(
      'unable to find specified revision 9 in history',
    );
    expect(() => findRollbackRevision(d, revisions.slice(0, 1), 0)).toThrow(
      'no rollout history found for deployment "web"',
    );
    const plan = planRollback(d, findRollbackRevision(d, revisions, 1));
    expect(plan).toEqual({
      type: 'rollback',
      template: { ...rs1.spec.template, metadata: { labels: { app: 'web' } } },
      annotations: { 'kubernetes.io/change-cause': 'first' },
    });
    expect(planRollback(d, findRollbackRevision(d, revisions, 3))).toEqual({ type: 'skipped', revision: 3 });
    expect(equalIgnoringHash(rs3.spec.template, d.spec.template)).toBe(true);
  });
});

describe('shoal rollout against the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    for (const kind of ['Deployment', 'ReplicaSet', 'DaemonSet'] as const)
      for (const o of api.store.list(kind))
        await api.store.delete(kind, o.metadata.namespace, o.metadata.name);
  });

  const create = async <T>(obj: T) => (await api.store.create(obj as KubeObject)) as T;
  const getDeployment = () => api.store.get('Deployment', 'default', 'web') as Deployment;
  const setStatus = (status: Deployment['status']) =>
    api.store.updateStatus('Deployment', 'default', 'web', status);

  it('status follows the rollout on the watch until it has rolled out', async () => {
    await create(deploymentObject('nginx:1'));
    const run = start(api, ['rollout', 'status', '--watch', 'deploy/web', '--watch=true']);
    await until(() => run.out.stdout.includes('spec update to be observed'), 'the first line');
    const steps: [Deployment['status'], string][] = [
      [{ observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 0 }, '1 out of 3 new'],
      [{ observedGeneration: 1, replicas: 4, updatedReplicas: 3, availableReplicas: 2 }, '1 old replicas'],
      [{ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }, '2 of 3 updated'],
    ];
    for (const [status, line] of steps) {
      await setStatus(status);
      await until(() => run.out.stdout.includes(line), line);
    }
    await setStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    const r = await run.done;
    expect(r.stdout).toBe(
      [
        'Waiting for deployment spec update to be observed...',
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
        'deployment "web" successfully rolled out',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('status exits 1 when the progress deadline is exceeded', async () => {
    await create(deploymentObject('nginx:1'));
    const run = start(api, ['rollout', 'status', 'deployment', 'web']);
    await until(() => run.out.stdout !== '', 'the first line');
    await setStatus({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    const r = await run.done;
    expect(r.stderr).toBe('error: deployment "web" exceeded its progress deadline\n');
    expect(r.code).toBe(1);
  });

  it('status exits 1 on --timeout, prints once with --watch=false, and names a missing deployment', async () => {
    await create(deploymentObject('nginx:1'));
    await setStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 });
    const timedOut = await shoal(api, ['rollout', 'status', 'deploy/web', '--timeout', '300ms']);
    expect(timedOut).toMatchObject({ code: 1, stderr: 'error: timed out waiting for the condition\n' });
    expect(timedOut.stdout).toContain('1 of 3 updated replicas are available');
    const once = await shoal(api, ['rollout', 'status', 'deploy/web', '--watch=false']);
    expect(once).toMatchObject({
      code: 0,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n',
    });
    expect(await shoal(api, ['rollout', 'status', 'deploy/nope'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
    expect(await shoal(api, ['rollout', 'status', 'pod/web'])).toMatchObject({
      code: 1,
      stderr: 'error: no status viewer has been implemented for Pod\n',
    });
    expect((await shoal(api, ['rollout', 'undo', 'ds/agent'])).stderr).toBe(
      'error: no rollbacker has been implemented for DaemonSet.apps\n',
    );
    expect((await shoal(api, ['rollout', 'status', 'deploy/web', '--no-watch'])).stdout).toBe(once.stdout);
    expect(await shoal(api, ['rollout', 'status', 'deploy/web', '--watch=maybe'])).toMatchObject({
      code: 2,
      stderr: 'error: invalid argument "maybe" for "--watch": true or false\n',
    });
  });

  async function withHistory(): Promise<Deployment> {
    const d = await create(deploymentObject('nginx:3'));
    await create(replicaSetObject(d, 1, 'nginx:1', { 'kubernetes.io/change-cause': 'shoal apply v1' }));
    await create(replicaSetObject(d, 2, 'nginx:2', { 'kubernetes.io/change-cause': 'shoal set image v2' }));
    await create(replicaSetObject(d, 3, 'nginx:3'));
    return d;
  }

  it('history lists revisions and shows one with --revision', async () => {
    await withHistory();
    expect(await shoal(api, ['rollout', 'history', 'deploy/web'])).toEqual({
      code: 0,
      stdout:
        'deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         shoal apply v1\n2         shoal set image v2\n' +
        '3         <none>\n\n',
      stderr: '',
    });
    const two = await shoal(api, ['rollout', 'history', 'deploy/web', '--revision', '2']);
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/^deployment\.apps\/web with revision #2\nPod Template:\n/);
    expect(two.stdout).toContain('nginx:2');
    expect(two.stdout).toContain('kubernetes.io/change-cause: shoal set image v2');
    expect(await shoal(api, ['rollout', 'history', 'deploy/web', '--revision', '9'])).toMatchObject({
      code: 1,
      stderr: 'error: unable to find the specified revision\n',
    });
  });

  it('undo writes the previous revision back, or the one asked for, as kubectl does', async () => {
    const before = await withHistory();
    expect(await shoal(api, ['rollout', 'undo', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web rolled back\n',
    });
    const after = getDeployment();
    expect(after.spec.template.spec.containers[0]?.image).toBe('nginx:2');
    expect(after.spec.template.metadata?.labels).toEqual({ app: 'web' });
    expect(after.metadata.annotations?.['kubernetes.io/change-cause']).toBe('shoal set image v2');
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    expect(await shoal(api, ['rollout', 'undo', 'deploy/web', '--to-revision', '9'])).toMatchObject({
      code: 1,
      stderr: 'error: unable to find specified revision 9 in history\n',
    });
    expect(await shoal(api, ['rollout', 'undo', 'deploy/web', '--to-revision', '2'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web skipped rollback (current template already matches revision 2)\n',
    });
    expect((await shoal(api, ['rollout', 'undo', 'deploy/web', '--to-revision', 'two'])).code).toBe(2);
  });

  it('pause and resume flip spec.paused; undo and restart refuse a paused deployment', async () => {
    await withHistory();
    expect(await shoal(api, ['rollout', 'pause', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web paused\n',
    });
    expect(getDeployment().spec.paused).toBe(true);
    expect(await shoal(api, ['rollout', 'pause', 'deploy/web'])).toMatchObject({
      code: 1,
      stderr: 'error: deployments.apps "web" is already paused\n',
    });
    expect((await shoal(api, ['rollout', 'undo', 'deploy/web'])).stderr).toContain(
      'you cannot rollback a paused deployment',
    );
    expect((await shoal(api, ['rollout', 'restart', 'deploy/web'])).stderr).toBe(
      'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n',
    );
    expect(await shoal(api, ['rollout', 'resume', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web resumed\n',
    });
    expect(getDeployment().spec.paused).toBeUndefined();
    expect(await shoal(api, ['rollout', 'resume', 'deploy/web'])).toMatchObject({
      code: 1,
      stderr: 'error: deployments.apps "web" is not paused\n',
    });
  });

  it('restart stamps the template with restartedAt (RFC 3339), which changes the template', async () => {
    const before = await create(deploymentObject('nginx:1'));
    const t0 = Date.now();
    expect(await shoal(api, ['rollout', 'restart', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web restarted\n',
    });
    const stamp = getDeployment().spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(stamp ?? '')).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
    expect(getDeployment().metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
  });

  it('status and restart work on daemon sets', async () => {
    await create(
      admitted<DaemonSet>({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: template('agent:1') },
      }),
    );
    await api.store.updateStatus('DaemonSet', 'default', 'agent', {
      observedGeneration: 1,
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    });
    expect(await shoal(api, ['rollout', 'status', 'ds/agent'])).toMatchObject({
      code: 0,
      stdout: 'daemon set "agent" successfully rolled out\n',
    });
    expect(await shoal(api, ['rollout', 'restart', 'daemonset/agent'])).toMatchObject({
      code: 0,
      stdout: 'daemonset.apps/agent restarted\n',
    });
    const ds = api.store.get('DaemonSet', 'default', 'agent') as DaemonSet;
    expect(ds.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
  });

  it('has help with examples for every verb', async () => {
    for (const verb of ['status', 'history', 'undo', 'restart', 'pause', 'resume']) {
      const r = await shoal(api, ['rollout', verb, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });
});
