import { describe, expect, it } from 'vitest';
import { POD_TEMPLATE_HASH_LABEL } from '../../agent/controllers/podTemplateHash.ts';
import type { Uid } from '../../shared/model/meta.ts';
import type { Deployment, Pod, ReplicaSet } from '../../shared/model/types.ts';
import {
  deploymentManifest,
  FakeCluster,
  rsStatus,
  scalingMessages,
  settleReplicaSets,
} from './deploymentFixtures.ts';

const REVISION = 'deployment.kubernetes.io/revision';

function setImage(cluster: FakeCluster, image: string, name = 'web'): void {
  cluster.editSpec(cluster.deployment(name), (d) => {
    const c = d.spec.template.spec.containers[0];
    if (c) c.image = image;
  });
}

/** A deployment applied and rolled out to completion: its replica set full and every pod available. */
function rolledOut(opts: Parameters<typeof deploymentManifest>[0] = {}): FakeCluster {
  const cluster = new FakeCluster();
  cluster.put(deploymentManifest(opts));
  for (let i = 0; i < 5; i++) {
    cluster.sync();
    settleReplicaSets(cluster);
  }
  cluster.sync();
  return cluster;
}

const sizes = (cluster: FakeCluster) =>
  Object.fromEntries(
    cluster.replicaSets().map((rs) => [rs.metadata.annotations?.[REVISION], rs.spec.replicas]),
  );

const byRevision = (cluster: FakeCluster, revision: number): ReplicaSet => {
  const rs = cluster.replicaSets().find((r) => r.metadata.annotations?.[REVISION] === String(revision));
  if (!rs) throw new Error(`no revision ${revision}`);
  return rs;
};

/** The replica set controller's report, by hand: `available` of its pods available. */
function report(cluster: FakeCluster, revision: number, available: number, replicas?: number): void {
  const rs = byRevision(cluster, revision);
  cluster.setStatus(
    'ReplicaSet',
    rs.metadata.name,
    rsStatus(rs, replicas ?? rs.spec.replicas ?? 0, available),
  );
}

const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('DeploymentController: the new replica set', () => {
  it('creates one replica set named by the template hash, owned, labelled and annotated', () => {
    const cluster = new FakeCluster();
    const d = cluster.put(deploymentManifest({ replicas: 3 }));
    const result = cluster.plan();
    const create = result.actions.find((a) => a.type === 'create');
    if (create?.type !== 'create') throw new Error('no create');
    const rs = create.object as ReplicaSet;
    const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec.template.metadata?.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs.spec.replicas).toBe(3);
    expect(rs.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: d.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs.metadata.annotations).toEqual({
      [REVISION]: '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });

    const applied = cluster.apply(result.actions);
    expect(applied.failed).toEqual([]);
    expect(scalingMessages(applied.events)).toEqual([`Scaled up replica set web-${hash} to 3`]);
    const after = cluster.deployment();
    expect(after.metadata.annotations?.[REVISION]).toBe('1');
    expect(after.status).toMatchObject({ observedGeneration: 1 });
    expect(condition(after, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "web-${hash}"`,
    });
    expect(condition(after, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    // The status write comes back as a change; the deadline check is asked for when the status stays.
    expect(result.requeueAfterMs).toBeUndefined();
    expect(cluster.plan().requeueAfterMs).toBe(601_000);
  });

  it('does nothing more until something changes, and reports completion once pods are available', () => {
    const cluster = new FakeCluster();
    cluster.put(deploymentManifest({ replicas: 2, minReadySeconds: 5 }));
    cluster.sync();
    expect(cluster.replicaSets()[0]?.spec.minReadySeconds).toBe(5);
    expect(cluster.plan().actions).toEqual([]);

    report(cluster, 1, 2);
    const done = cluster.sync();
    expect(done.actions.map((a) => a.type)).toEqual(['updateStatus']);
    const d = cluster.deployment();
    expect(d.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(d.status?.unavailableReplicas).toBeUndefined();
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${cluster.replicaSets()[0]?.metadata.name}" has successfully progressed.`,
    });
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(done.requeueAfterMs).toBeUndefined();
    expect(cluster.plan().actions).toEqual([]);
  });

  it('keeps minReadySeconds of the new replica set in step with the deployment', () => {
    const cluster = rolledOut({ replicas: 1 });
    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.minReadySeconds = 10;
    });
    cluster.sync();
    expect(cluster.replicaSets().map((rs) => rs.spec.minReadySeconds)).toEqual([10]);
  });

  it('bumps collisionCount when the hashed name is taken by another template', () => {
    const cluster = new FakeCluster();
    cluster.put(deploymentManifest());
    const create = cluster.plan().actions.find((a) => a.type === 'create');
    if (create?.type !== 'create') throw new Error('no create');
    const squatter = structuredClone(create.object) as ReplicaSet;
    delete squatter.metadata.ownerReferences;
    squatter.metadata.labels = { other: 'x' };
    squatter.spec.selector = { matchLabels: { other: 'x' } };
    squatter.spec.template.metadata = { labels: { other: 'x' } };
    cluster.put(squatter);

    const first = cluster.sync();
    expect(first.actions.map((a) => a.type)).toEqual(['updateStatus']);
    expect(cluster.deployment().status?.collisionCount).toBe(1);
    cluster.sync();
    const ours = cluster.replicaSets().filter((rs) => rs.metadata.ownerReferences);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.metadata.name).not.toBe(squatter.metadata.name);
  });
});

describe('DeploymentController: RollingUpdate', () => {
  it('steps with integer bounds: surge 1, unavailable 1', () => {
    const strategy = { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    const cluster = rolledOut({ replicas: 4, strategy });
    setImage(cluster, 'shoal.test/busybox:2');

    const s1 = cluster.sync();
    const [oldRs, newRs] = [byRevision(cluster, 1), byRevision(cluster, 2)];
    expect(sizes(cluster)).toEqual({ 1: 3, 2: 1 });
    expect(scalingMessages(s1.events)).toEqual([
      `Scaled up replica set ${newRs.metadata.name} to 1`,
      `Scaled down replica set ${oldRs.metadata.name} to 3`,
    ]);
    expect(condition(cluster.deployment(), 'Progressing')?.reason).toBe('NewReplicaSetCreated');

    // The old replica set has shrunk, none of the new pods is available yet: one more new pod (total 5).
    report(cluster, 1, 3);
    report(cluster, 2, 0);
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 3, 2: 2 });
    // Nothing may go while the new pods are unavailable.
    report(cluster, 2, 0);
    expect(cluster.sync().actions.filter((a) => a.type === 'update')).toEqual([]);
    // Two new pods available: two old ones may go (5 available − 3 minimum).
    report(cluster, 2, 2);
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 1, 2: 2 });
    report(cluster, 1, 1);
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 1, 2: 4 });
    report(cluster, 2, 4);
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 0, 2: 4 });
    report(cluster, 1, 0);
    cluster.sync();
    const d = cluster.deployment();
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(condition(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(d.metadata.annotations?.[REVISION]).toBe('2');
  });

  it('steps with percentages: 25% of 10 surges 3 and leaves 2 unavailable', () => {
    const cluster = rolledOut({ replicas: 10 });
    setImage(cluster, 'shoal.test/busybox:2');
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 8, 2: 3 });
    expect(cluster.deployment().status?.unavailableReplicas).toBe(1); // 11 wanted, 10 available
  });

  it('never counts more available pods than an old replica set still wants (a status not yet caught up)', () => {
    const strategy = { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
    const cluster = rolledOut({ replicas: 3, strategy });
    setImage(cluster, 'shoal.test/busybox:2');
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 2, 2: 0 });
    // The old status still says 3 available: its controller has not reported the scale-down yet.
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 2, 2: 1 });
    report(cluster, 2, 0);
    expect(cluster.sync().actions.filter((a) => a.type === 'update')).toEqual([]);
    expect(sizes(cluster)).toEqual({ 1: 2, 2: 1 });
  });

  it('scales unhealthy old pods down first, beyond the availability bound they do not count in', () => {
    const strategy = { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
    const cluster = rolledOut({ replicas: 4, strategy });
    report(cluster, 1, 2); // two old pods crashed
    setImage(cluster, 'shoal.test/busybox:2');
    const s = cluster.sync();
    // New RS gets 0 (no surge); old: 2 unhealthy ones go (maxScaledDown = 4 − 3 − 0 = 1 → only 1).
    expect(sizes(cluster)).toEqual({ 1: 3, 2: 0 });
    expect(scalingMessages(s.events)).toEqual([
      `Scaled down replica set ${byRevision(cluster, 1).metadata.name} to 3`,
    ]);
  });

  it('rolls over a rollout in progress to a newer template', () => {
    const cluster = rolledOut({ replicas: 4 });
    setImage(cluster, 'shoal.test/busybox:2');
    cluster.sync();
    setImage(cluster, 'shoal.test/busybox:3');
    cluster.sync();
    expect(Object.keys(sizes(cluster)).sort()).toEqual(['1', '2', '3']);
    expect(cluster.deployment().metadata.annotations?.[REVISION]).toBe('3');
  });

  it('scales proportionally when replicas change in the middle of a rollout', () => {
    const cluster = rolledOut({ replicas: 10 });
    setImage(cluster, 'shoal.test/busybox:2');
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 8, 2: 3 });
    report(cluster, 1, 8);
    report(cluster, 2, 0);
    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.replicas = 20;
    });
    const s = cluster.sync();
    const after = sizes(cluster);
    // 20 + 5 surge allowed; both grow, the larger by more; nothing is created.
    expect((after[1] ?? 0) + (after[2] ?? 0)).toBe(25);
    expect(after[1]).toBeGreaterThan(8);
    expect(after[2]).toBeGreaterThan(3);
    expect(scalingMessages(s.events).every((m) => m.startsWith('Scaled up'))).toBe(true);
    expect(byRevision(cluster, 2).metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe(
      '20',
    );
  });
});

describe('DeploymentController: Recreate', () => {
  it('scales every old replica set to 0, waits for old pods to be gone, then creates the new one', () => {
    const cluster = rolledOut({ replicas: 2, strategy: { type: 'Recreate' } });
    const oldRs = byRevision(cluster, 1);
    const pod = cluster.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${oldRs.metadata.name}-abcde`,
        namespace: 'default',
        labels: oldRs.spec.template.metadata?.labels ?? {},
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: oldRs.metadata.name,
            uid: oldRs.metadata.uid as Uid,
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'app', image: 'shoal.test/busybox:1' }] },
      status: { phase: 'Running' },
    } as Pod);
    setImage(cluster, 'shoal.test/busybox:2');

    const s1 = cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 0 });
    expect(scalingMessages(s1.events)).toEqual([`Scaled down replica set ${oldRs.metadata.name} to 0`]);
    // Old pods still reported: wait.
    expect(cluster.sync().actions.filter((a) => a.type !== 'updateStatus')).toEqual([]);
    expect(sizes(cluster)).toEqual({ 1: 0 });
    // The replica set reports none, but one pod is still terminating: wait.
    report(cluster, 1, 0, 0);
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 0 });
    // A pod that has finished does not hold the rollout back.
    cluster.setStatus('Pod', pod.metadata.name, { phase: 'Succeeded' });
    const s2 = cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 0, 2: 2 });
    expect(scalingMessages(s2.events)).toEqual([
      `Scaled up replica set ${byRevision(cluster, 2).metadata.name} to 2`,
    ]);
    // Available only once every pod is (maxUnavailable is 0 for Recreate).
    report(cluster, 2, 1);
    cluster.sync();
    expect(condition(cluster.deployment(), 'Available')?.status).toBe('False');
    report(cluster, 2, 2);
    cluster.sync();
    expect(condition(cluster.deployment(), 'Available')?.status).toBe('True');
    expect(condition(cluster.deployment(), 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });
});

describe('DeploymentController: pause', () => {
  it('makes no rollout progress while paused, but still scales', () => {
    const cluster = rolledOut({ replicas: 3 });
    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.paused = true;
    });
    setImage(cluster, 'shoal.test/busybox:2');
    cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 3 });
    const paused = condition(cluster.deployment(), 'Progressing');
    expect(paused).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
    expect(cluster.plan().requeueAfterMs).toBeUndefined();

    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.replicas = 5;
    });
    const s = cluster.sync();
    expect(sizes(cluster)).toEqual({ 1: 5 });
    expect(scalingMessages(s.events)).toEqual([
      `Scaled up replica set ${byRevision(cluster, 1).metadata.name} to 5`,
    ]);

    report(cluster, 1, 5);
    cluster.sync();
    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.paused = false;
    });
    cluster.sync();
    expect(Object.keys(sizes(cluster)).sort()).toEqual(['1', '2']);
    expect(condition(cluster.deployment(), 'Progressing')?.reason).toBe('NewReplicaSetCreated');
  });
});

describe('DeploymentController: revisions and history', () => {
  it('numbers templates, and gives an old template that comes back (a rollback) a new revision', () => {
    const cluster = rolledOut({ replicas: 1 });
    const first = byRevision(cluster, 1).metadata.name;
    setImage(cluster, 'shoal.test/busybox:2');
    for (let i = 0; i < 4; i++) {
      cluster.sync();
      settleReplicaSets(cluster);
    }
    expect(cluster.deployment().metadata.annotations?.[REVISION]).toBe('2');

    setImage(cluster, 'shoal.test/busybox:1'); // what `rollout undo` writes
    cluster.sync();
    expect(cluster.replicaSets()).toHaveLength(2);
    const back = byRevision(cluster, 3);
    expect(back.metadata.name).toBe(first);
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(cluster.deployment().metadata.annotations?.[REVISION]).toBe('3');
  });

  it('copies the deployment annotations (a change-cause) onto its new replica set, not its own ones', () => {
    const cluster = new FakeCluster();
    const d = deploymentManifest();
    d.metadata.annotations = {
      'kubernetes.io/change-cause': 'first',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    };
    cluster.put(d);
    cluster.sync();
    const rs = cluster.replicaSets()[0];
    expect(rs?.metadata.annotations?.['kubernetes.io/change-cause']).toBe('first');
    expect(rs?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
  });

  it('deletes the oldest idle replica sets beyond revisionHistoryLimit', () => {
    const cluster = rolledOut({ replicas: 1, revisionHistoryLimit: 1 });
    for (const image of ['shoal.test/busybox:2', 'shoal.test/busybox:3']) {
      setImage(cluster, image);
      for (let i = 0; i < 5; i++) {
        cluster.sync();
        settleReplicaSets(cluster);
      }
    }
    // Revision 1 went once revision 3 was complete; 2 is kept for a rollback.
    expect(Object.keys(sizes(cluster)).sort()).toEqual(['2', '3']);
  });

  it('keeps an old replica set that still has pods', () => {
    const cluster = rolledOut({ replicas: 1, revisionHistoryLimit: 0 });
    const oldRs = byRevision(cluster, 1);
    cluster.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${oldRs.metadata.name}-zzzzz`,
        namespace: 'default',
        labels: oldRs.spec.template.metadata?.labels ?? {},
        deletionTimestamp: cluster.now.toISOString(),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: oldRs.metadata.name,
            uid: oldRs.metadata.uid as Uid,
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'app', image: 'shoal.test/busybox:1' }] },
      status: { phase: 'Running' },
    } as Pod);
    setImage(cluster, 'shoal.test/busybox:2');
    for (let i = 0; i < 5; i++) {
      cluster.sync();
      settleReplicaSets(cluster);
    }
    expect(Object.keys(sizes(cluster)).sort()).toEqual(['1', '2']);
    cluster.remove('Pod', `${oldRs.metadata.name}-zzzzz`);
    const s = cluster.sync();
    expect(s.actions).toContainEqual({
      type: 'delete',
      kind: 'ReplicaSet',
      namespace: 'default',
      name: oldRs.metadata.name,
      uid: oldRs.metadata.uid,
    });
  });
});

describe('DeploymentController: progress deadline', () => {
  it('reports ProgressDeadlineExceeded once no progress was made for progressDeadlineSeconds', () => {
    const cluster = rolledOut({ replicas: 2, progressDeadlineSeconds: 60 });
    setImage(cluster, 'shoal.test/busybox:bad');
    cluster.sync();
    const created = condition(cluster.deployment(), 'Progressing');
    expect(created?.reason).toBe('NewReplicaSetCreated');

    cluster.advance(20_000);
    report(cluster, 2, 0);
    const progressed = cluster.sync(); // pods of the new set appeared: progress
    const updated = condition(cluster.deployment(), 'Progressing');
    expect(updated).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(updated?.lastUpdateTime).toBe(cluster.now.toISOString());
    expect(updated?.lastTransitionTime).toBe(created?.lastTransitionTime);
    expect(progressed.requeueAfterMs).toBeUndefined();
    expect(cluster.plan().requeueAfterMs).toBe(61_000);

    cluster.advance(30_000);
    const waiting = cluster.sync();
    expect(condition(cluster.deployment(), 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    expect(waiting.requeueAfterMs).toBe(31_000);

    cluster.advance(31_000);
    const late = cluster.sync();
    expect(condition(cluster.deployment(), 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${byRevision(cluster, 2).metadata.name}" has timed out progressing.`,
    });
    expect(late.requeueAfterMs).toBeUndefined();
  });

  it('does not time out a deployment resumed after a long pause', () => {
    const cluster = rolledOut({ replicas: 1, progressDeadlineSeconds: 30 });
    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.paused = true;
    });
    cluster.sync();
    cluster.advance(3_600_000);
    cluster.editSpec(cluster.deployment(), (d) => {
      d.spec.paused = false;
      const c = d.spec.template.spec.containers[0];
      if (c) c.image = 'shoal.test/busybox:2';
    });
    cluster.sync();
    expect(condition(cluster.deployment(), 'Progressing')?.reason).toBe('NewReplicaSetCreated');
  });
});

describe('DeploymentController: keys and ownership', () => {
  it('maps replica sets and their pods to the deployment', () => {
    const cluster = rolledOut({ replicas: 1 });
    const rs = byRevision(cluster, 1);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'default',
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name,
            uid: rs.metadata.uid as Uid,
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'app', image: 'x' }] },
    } as Pod;
    const c = cluster.controller;
    expect(c.keysFor(cluster.deployment(), cluster)).toEqual(['default/web']);
    expect(c.keysFor(rs, cluster)).toEqual(['default/web']);
    expect(c.keysFor(pod, cluster)).toEqual(['default/web']);
    const orphan = {
      ...structuredClone(rs),
      metadata: { ...structuredClone(rs.metadata), ownerReferences: undefined },
    };
    expect(c.keysFor(orphan as ReplicaSet, cluster)).toEqual(['default/web']);
    const stray = { ...pod, metadata: { ...pod.metadata, ownerReferences: [] } };
    expect(c.keysFor(stray, cluster)).toEqual([]);
    expect(c.allKeys(cluster)).toEqual(['default/web']);
  });

  it('adopts an orphaned replica set that matches its selector instead of creating another', () => {
    const cluster = rolledOut({ replicas: 2 });
    const rs = byRevision(cluster, 1);
    const d = cluster.deployment();
    cluster.remove('Deployment', 'web'); // deleted with --cascade=orphan
    const orphan = structuredClone(rs);
    delete orphan.metadata.ownerReferences;
    cluster.remove('ReplicaSet', rs.metadata.name);
    cluster.put(orphan);
    const again = structuredClone(d);
    delete again.metadata.uid;
    delete again.status;
    cluster.put(again);

    const s = cluster.sync();
    expect(s.actions.filter((a) => a.type === 'create')).toEqual([]);
    const adopted = cluster.replicaSets();
    expect(adopted).toHaveLength(1);
    expect(adopted[0]?.metadata.ownerReferences?.[0]?.uid).toBe(cluster.deployment().metadata.uid);
  });

  it('does nothing for a deployment that is gone', () => {
    const cluster = new FakeCluster();
    expect(cluster.plan('nope').actions).toEqual([]);
  });
});
