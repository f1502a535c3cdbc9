import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planDrain } from '../../agent/cli/drain/drainFilters.ts';
import { formatGoDuration } from '../../agent/cli/formatDuration.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { Node, Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';
import { runCliInProcess } from '../support/cliInProcess.ts';

function shoal(api: TestApi, args: string[]) {
  return runCliInProcess(api.dataDir, args);
}

function admitted<T = KubeObject>(raw: object): T {
  const r = admitObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.object as T;
}

const owner = (kind: string) => [
  {
    apiVersion: 'apps/v1',
    kind,
    name: `${kind.toLowerCase()}-x`,
    uid: `${kind}-uid` as Uid,
    controller: true,
  },
];

function pod(
  name: string,
  node: string,
  o: { owner?: string; emptyDir?: boolean; phase?: string } = {},
): Pod {
  return admitted<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(o.owner ? { ownerReferences: owner(o.owner) } : {}) },
    spec: {
      nodeName: node,
      containers: [{ name: 'c', image: 'busybox:1' }],
      ...(o.emptyDir ? { volumes: [{ name: 'cache', emptyDir: {} }] } : {}),
    },
    ...(o.phase ? { status: { phase: o.phase } } : {}),
  });
}

describe('drain filters', () => {
  const flags = { ignoreDaemonSets: false, deleteEmptyDirData: false, force: false };
  const web = pod('web-1', 'a', { owner: 'ReplicaSet' });
  const agent = pod('agent-x', 'a', { owner: 'DaemonSet' });
  const bare = pod('bare', 'a');
  const cache = pod('cache', 'a', { owner: 'ReplicaSet', emptyDir: true });
  const done = pod('done', 'a', { phase: 'Succeeded' });

  it('evicts controlled and finished pods; DaemonSet, bare and emptyDir pods need their flags', () => {
    const plan = planDrain([web, agent, bare, cache, done], flags);
    expect(plan.evict.map((p) => p.metadata.name)).toEqual(['web-1', 'done']);
    expect(plan.errors).toEqual([
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/agent-x',
      'cannot delete Pods declare no controller (use --force to override): default/bare',
      'cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache',
    ]);
  });

  it('with the flags: skips DaemonSet pods and evicts the rest, with warnings', () => {
    const plan = planDrain([web, agent, bare, cache], {
      ignoreDaemonSets: true,
      deleteEmptyDirData: true,
      force: true,
    });
    expect(plan.errors).toEqual([]);
    expect(plan.evict.map((p) => p.metadata.name)).toEqual(['web-1', 'bare', 'cache']);
    expect(plan.warnings).toEqual([
      'ignoring DaemonSet-managed Pods: default/agent-x',
      'deleting Pods that declare no controller: default/bare',
      'deleting Pods with local storage: default/cache',
    ]);
  });

  it("formats durations as Go's time.Duration does", () => {
    expect(formatGoDuration(300)).toBe('300ms');
    expect(formatGoDuration(5000)).toBe('5s');
    expect(formatGoDuration(90_000)).toBe('1m30s');
    expect(formatGoDuration(120_000)).toBe('2m0s');
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s');
  });
});

describe('shoal cordon, uncordon and drain', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    for (const kind of ['Pod', 'Node'] as const)
      for (const o of api.store.list(kind))
        await api.store.delete(kind, o.metadata.namespace, o.metadata.name);
    for (const name of ['node-a', 'node-b'])
      await api.store.create(
        admitted({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { zone: 'x' } } }),
      );
  });
  const unschedulable = (name: string) =>
    (api.store.get('Node', undefined, name) as Node).spec?.unschedulable;
  const podNames = () => api.store.list('Pod').map((p) => p.metadata.name);

  /** The node's kubelet: removes each pod marked for deletion, a little after, in the order they were marked. */
  function kubelet(node: string): () => void {
    const timer = setInterval(() => {
      const marked = (api.store.list('Pod') as Pod[]).filter(
        (p) => p.spec.nodeName === node && p.metadata.deletionTimestamp !== undefined,
      );
      const first = marked[0];
      if (first) void api.store.delete('Pod', 'default', first.metadata.name).catch(() => {});
    }, 30);
    return () => clearInterval(timer);
  }

  it('cordons and uncordons, saying when there was nothing to do', async () => {
    expect(await shoal(api, ['cordon', 'node-a'])).toEqual({
      code: 0,
      stdout: 'node/node-a cordoned\n',
      stderr: '',
    });
    expect(unschedulable('node-a')).toBe(true);
    expect((await shoal(api, ['cordon', 'node-a'])).stdout).toBe('node/node-a already cordoned\n');
    expect((await shoal(api, ['uncordon', 'node-a'])).stdout).toBe('node/node-a uncordoned\n');
    expect(unschedulable('node-a')).toBeUndefined();
    expect((await shoal(api, ['uncordon', 'node-a'])).stdout).toBe('node/node-a already uncordoned\n');
    expect((await shoal(api, ['cordon', '-l', 'zone=x'])).stdout).toBe(
      'node/node-a cordoned\nnode/node-b cordoned\n',
    );
    expect(await shoal(api, ['cordon', 'node-z'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): nodes "node-z" not found\n',
    });
    expect((await shoal(api, ['cordon'])).code).toBe(2);
  });

  it('drain stops before evicting anything when a pod needs a flag (the node stays cordoned)', async () => {
    for (const p of [
      pod('web-1', 'node-a', { owner: 'ReplicaSet' }),
      pod('agent-x', 'node-a', { owner: 'DaemonSet' }),
    ])
      await api.store.create(p as KubeObject);
    const r = await shoal(api, ['drain', 'node-a']);
    const message =
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/agent-x';
    expect(r).toEqual({
      code: 1,
      stdout: 'node/node-a cordoned\n',
      stderr:
        `error: unable to drain node "node-a" due to error: ${message}, continuing command...\n` +
        `There are pending nodes to be drained:\n node-a\nerror: ${message}\n`,
    });
    expect(unschedulable('node-a')).toBe(true);
    expect(podNames()).toEqual(['agent-x', 'web-1']);
    expect(api.store.list('Pod').every((p) => p.metadata.deletionTimestamp === undefined)).toBe(true);
  });

  it('drain --ignore-daemonsets evicts gracefully, waits until each pod is gone, and leaves other nodes alone', async () => {
    for (const p of [
      pod('web-1', 'node-a', { owner: 'ReplicaSet' }),
      pod('web-2', 'node-a', { owner: 'ReplicaSet' }),
      pod('agent-x', 'node-a', { owner: 'DaemonSet' }),
      pod('web-3', 'node-b', { owner: 'ReplicaSet' }),
    ])
      await api.store.create(p as KubeObject);
    const stop = kubelet('node-a');
    try {
      const r = await shoal(api, ['drain', 'node-a', '--ignore-daemonsets', '--timeout', '10s']);
      expect(r).toEqual({
        code: 0,
        stdout: 'node/node-a cordoned\npod/web-1 evicted\npod/web-2 evicted\nnode/node-a drained\n',
        stderr:
          'Warning: ignoring DaemonSet-managed Pods: default/agent-x\n' +
          'evicting pod default/web-1\nevicting pod default/web-2\n',
      });
    } finally {
      stop();
    }
    expect(podNames()).toEqual(['agent-x', 'web-3']);
    expect(unschedulable('node-a')).toBe(true);
    expect(unschedulable('node-b')).toBeUndefined();
  });

  it('drain with --force and --grace-period 0 removes bare pods at once', async () => {
    await api.store.create(pod('bare', 'node-a') as KubeObject);
    expect(await shoal(api, ['drain', 'node-a', '--force', '--grace-period', '0'])).toEqual({
      code: 0,
      stdout: 'node/node-a cordoned\npod/bare evicted\nnode/node-a drained\n',
      stderr: 'Warning: deleting Pods that declare no controller: default/bare\nevicting pod default/bare\n',
    });
    expect(podNames()).toEqual([]);
    expect((await shoal(api, ['drain', 'node-a'])).stdout).toBe(
      'node/node-a already cordoned\nnode/node-a drained\n',
    );
  });

  it('drain exits 1 when pods are still there at --timeout', async () => {
    await api.store.create(pod('web-1', 'node-a', { owner: 'ReplicaSet' }) as KubeObject);
    const r = await shoal(api, ['drain', 'node-a', '--timeout', '300ms']);
    const message =
      'error when waiting for pod "web-1" in namespace "default" to terminate: global timeout reached: 300ms';
    expect(r).toEqual({
      code: 1,
      stdout: 'node/node-a cordoned\n',
      stderr:
        'evicting pod default/web-1\n' +
        `error: unable to drain node "node-a" due to error: ${message}, continuing command...\n` +
        `There are pending nodes to be drained:\n node-a\nerror: ${message}\n`,
    });
    expect(api.store.get('Pod', 'default', 'web-1')?.metadata.deletionTimestamp).toBeDefined();
    expect((await shoal(api, ['drain', 'node-a', '--grace-period', 'soon'])).code).toBe(2);
    expect((await shoal(api, ['drain', '--help'])).stdout).toContain('Examples:');
  });
});
