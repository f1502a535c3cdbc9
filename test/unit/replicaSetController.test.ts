import { describe, expect, it } from 'vitest';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import type {
  ClusterView,
  ControllerAction,
  ControllerContext,
} from '../../agent/controllers/controllerTypes.ts';
import {
  compareForDeletion,
  deletionCost,
  POD_DELETION_COST_ANNOTATION,
  podsToDelete,
} from '../../agent/controllers/replicaset/deletionOrder.ts';
import { BURST_REPLICAS } from '../../agent/controllers/replicaset/planReplicaSet.ts';
import { ReplicaSetController } from '../../agent/controllers/replicaset/ReplicaSetController.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { Pod, ReplicaSet } from '../../shared/model/types.ts';
import { admitObject, validateObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function replicaSet(name: string, replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}` as Uid, generation: 2, resourceVersion: '7' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: 'web' } },
        spec: { containers: [{ name: 'app', image: 'shoal.test/busybox:1' }] },
      },
      ...extra,
    },
  } as ReplicaSet;
}

interface PodOptions {
  labels?: Record<string, string>;
  /** A ReplicaSet, another owner's uid, or nothing (an orphan). */
  owner?: ReplicaSet | string;
  node?: string;
  phase?: NonNullable<Pod['status']>['phase'];
  /** Seconds ago the pod became Ready; absent: not Ready. */
  readyFor?: number;
  restarts?: number;
  createdAgo?: number;
  deleting?: boolean;
  annotations?: Record<string, string>;
}

function pod(name: string, o: PodOptions = {}): Pod {
  const owner =
    typeof o.owner === 'string'
      ? { apiVersion: 'batch/v1', kind: 'Job', name: 'other', uid: o.owner as Uid, controller: true }
      : o.owner
        ? {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: o.owner.metadata.name,
            uid: o.owner.metadata.uid as Uid,
            controller: true,
          }
        : undefined;
  const conditions =
    o.readyFor !== undefined
      ? [{ type: 'Ready', status: 'True' as const, lastTransitionTime: ago(o.readyFor) }]
      : [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}` as Uid,
      resourceVersion: '3',
      creationTimestamp: ago(o.createdAgo ?? 3600),
      labels: o.labels ?? { app: 'web', tier: 'web' },
      ...(owner ? { ownerReferences: [owner] } : {}),
      ...(o.deleting ? { deletionTimestamp: ago(1) } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'shoal.test/busybox:1' }],
      ...(o.node ? { nodeName: o.node } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions,
      containerStatuses: [
        { name: 'app', ready: o.readyFor !== undefined, restartCount: o.restarts ?? 0, image: 'x' },
      ],
    },
  } as Pod;
}

function viewOf(objects: readonly KubeObject[]): ClusterView {
  const ns = (o: KubeObject) => o.metadata.namespace ?? '';
  return {
    get: (kind: Kind, namespace: string | undefined, name: string) =>
      objects.find((o) => o.kind === kind && ns(o) === (namespace ?? '') && o.metadata.name === name),
    list: (kind: Kind, opts?: { namespace?: string }) =>
      objects.filter((o) => o.kind === kind && (opts?.namespace === undefined || ns(o) === opts.namespace)),
  };
}

function context(objects: readonly KubeObject[]): ControllerContext {
  let n = 0;
  return {
    view: viewOf(objects),
    now: NOW,
    term: 1,
    // Deterministic suffixes: 00000, 00001, ...
    randomSuffix: (length) => String(n++).padStart(length, '0'),
  };
}

const controller = new ReplicaSetController();
const reconcile = (rs: ReplicaSet, pods: Pod[]) =>
  controller.reconcile('default/web', context([rs, ...pods]));
const ofType = <T extends ControllerAction['type']>(actions: ControllerAction[], type: T) =>
  actions.filter((a): a is Extract<ControllerAction, { type: T }> => a.type === type);
const deleted = (actions: ControllerAction[]) => ofType(actions, 'delete').map((a) => a.name);
const events = (actions: ControllerAction[]) =>
  ofType(actions, 'event').map((a) => [a.event.reason, a.event.message]);

describe('ReplicaSet controller: scaling up', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet, with an event each', () => {
    const rs = replicaSet('web', 3);
    const { actions } = reconcile(rs, [pod('web-a', { owner: rs, node: 'n1', readyFor: 60 })]);
    const created = ofType(actions, 'create').map((a) => a.object as Pod);
    expect(created.map((p) => p.metadata.name)).toEqual(['web-00000', 'web-00001']);
    for (const p of created) {
      expect(p.metadata.labels).toEqual({ app: 'web', tier: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: 'uid-web',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(p.spec).toEqual(rs.spec.template.spec);
      expect(validateObject(p).ok).toBe(true);
    }
    expect(events(actions)).toEqual([
      ['SuccessfulCreate', 'Created pod: web-00000'],
      ['SuccessfulCreate', 'Created pod: web-00001'],
    ]);
    expect(ofType(actions, 'event')[0]?.event.involvedObject).toEqual({
      kind: 'ReplicaSet',
      namespace: 'default',
      name: 'web',
      uid: 'uid-web',
    });
    expect(deleted(actions)).toEqual([]);
  });

  it(`creates at most ${BURST_REPLICAS} pods per reconcile`, () => {
    const { actions } = reconcile(replicaSet('web', 1200), []);
    expect(ofType(actions, 'create')).toHaveLength(BURST_REPLICAS);
  });

  it('draws another suffix when a name is taken, and keeps generated names within 63 characters', () => {
    const long = 'x'.repeat(70);
    const rs = replicaSet(long, 1);
    rs.spec.selector = { matchLabels: { app: 'web' } };
    rs.spec.template.metadata = { labels: { app: 'web' } };
    // The base is cut to 58 characters (dash included), as Kubernetes' name generator does.
    const taken = pod(`${'x'.repeat(58)}00000`, { labels: { other: 'x' } });
    const result = controller.reconcile(`default/${long}`, context([rs, taken]));
    const [created] = ofType(result.actions, 'create');
    expect(created?.object.metadata.name).toBe(`${'x'.repeat(58)}00001`);
  });
});

describe('ReplicaSet controller: scaling down', () => {
  it('deletes the surplus in Kubernetes order, gracefully and by uid, with an event each', () => {
    const rs = replicaSet('web', 3);
    const pods = [
      pod('old-ready', { owner: rs, node: 'n1', readyFor: 7200, createdAgo: 7300 }),
      pod('unassigned', { owner: rs, phase: 'Pending' }),
      pod('not-ready', { owner: rs, node: 'n2' }),
      pod('new-ready', { owner: rs, node: 'n3', readyFor: 5 }),
      pod('restarting', { owner: rs, node: 'n4', readyFor: 7200, createdAgo: 7300, restarts: 4 }),
    ];
    const { actions } = reconcile(rs, pods);
    expect(deleted(actions)).toEqual(['unassigned', 'not-ready']);
    expect(ofType(actions, 'delete')[0]).toEqual({
      type: 'delete',
      kind: 'Pod',
      namespace: 'default',
      name: 'unassigned',
      uid: 'uid-unassigned',
    });
    expect(events(actions)).toEqual([
      ['SuccessfulDelete', 'Deleted pod: unassigned'],
      ['SuccessfulDelete', 'Deleted pod: not-ready'],
    ]);

    // One more to go: the most recently Ready pod, then the one that restarted most.
    expect(deleted(reconcile({ ...rs, spec: { ...rs.spec, replicas: 1 } }, pods).actions)).toEqual([
      'unassigned',
      'not-ready',
      'new-ready',
      'restarting',
    ]);
  });

  it(`deletes at most ${BURST_REPLICAS} pods per reconcile`, () => {
    const rs = replicaSet('web', 0);
    const pods = Array.from({ length: 520 }, (_, i) => pod(`p${i}`, { owner: rs }));
    expect(ofType(reconcile(rs, pods).actions, 'delete')).toHaveLength(BURST_REPLICAS);
  });
});

describe('ReplicaSet controller: ownership', () => {
  it('adopts a matching orphan with an update conditional on its version, and counts it', () => {
    const rs = replicaSet('web', 2);
    const { actions } = reconcile(rs, [pod('mine', { owner: rs }), pod('orphan')]);
    expect(ofType(actions, 'create')).toEqual([]);
    const [update] = ofType(actions, 'update');
    expect(update?.object.metadata.name).toBe('orphan');
    expect(update?.object.metadata.resourceVersion).toBe('3');
    expect(update?.object.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ReplicaSet',
        uid: 'uid-web',
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);
  });

  it('keeps other (non-controller) owner references of an orphan it adopts', () => {
    const rs = replicaSet('web', 1);
    const orphan = pod('orphan');
    orphan.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'uid-c' as Uid },
    ];
    const [update] = ofType(reconcile(rs, [orphan]).actions, 'update');
    expect(update?.object.metadata.ownerReferences?.map((o) => o.uid)).toEqual(['uid-c', 'uid-web']);
  });

  it('releases a pod it controls that no longer matches, and replaces it', () => {
    const rs = replicaSet('web', 1);
    const { actions } = reconcile(rs, [pod('relabelled', { owner: rs, labels: { app: 'debug' } })]);
    const [update] = ofType(actions, 'update');
    expect(update?.object.metadata.name).toBe('relabelled');
    expect(update?.object.metadata.ownerReferences).toBeUndefined();
    expect(update?.object.metadata.resourceVersion).toBe('3');
    expect(ofType(actions, 'create')).toHaveLength(1);
  });

  it('never touches or counts pods controlled by something else, even when they match', () => {
    const rs = replicaSet('web', 1);
    const { actions } = reconcile(rs, [
      pod('jobs', { owner: 'uid-job' }),
      pod('other-rs', { owner: 'uid-x' }),
    ]);
    expect(ofType(actions, 'update')).toEqual([]);
    expect(deleted(actions)).toEqual([]);
    expect(ofType(actions, 'create')).toHaveLength(1);
  });

  it('does not delete a pod it adopts in the same reconcile (one write per pod per tick)', () => {
    const rs = replicaSet('web', 1);
    const { actions } = reconcile(rs, [pod('mine', { owner: rs, node: 'n1', readyFor: 100 }), pod('orphan')]);
    expect(ofType(actions, 'update').map((a) => a.object.metadata.name)).toEqual(['orphan']);
    expect(deleted(actions)).toEqual(['mine']);
    const onlyAdopted = reconcile(replicaSet('web', 0), [pod('orphan')]);
    expect(deleted(onlyAdopted.actions)).toEqual([]);
  });

  it('ignores pods of other namespaces and unselected pods', () => {
    const rs = replicaSet('web', 1);
    const elsewhere = pod('elsewhere');
    elsewhere.metadata.namespace = 'prod';
    const { actions } = reconcile(rs, [elsewhere, pod('db', { labels: { app: 'db' } })]);
    expect(ofType(actions, 'update')).toEqual([]);
    expect(ofType(actions, 'create')).toHaveLength(1);
  });
});

describe('ReplicaSet controller: pods that do not count', () => {
  it('replaces terminating and finished pods and leaves them alone', () => {
    const rs = replicaSet('web', 3);
    const { actions } = reconcile(rs, [
      pod('terminating', { owner: rs, deleting: true }),
      pod('done', { owner: rs, phase: 'Succeeded' }),
      pod('failed', { owner: rs, phase: 'Failed' }),
      pod('orphan-terminating', { deleting: true }),
      pod('running', { owner: rs }),
    ]);
    expect(ofType(actions, 'create')).toHaveLength(2);
    expect(deleted(actions)).toEqual([]);
    expect(ofType(actions, 'update')).toEqual([]);
    expect(ofType(actions, 'updateStatus')[0]?.status).toMatchObject({ replicas: 1 });
  });

  it('does nothing while the ReplicaSet is being deleted', () => {
    const rs = replicaSet('web', 3);
    rs.metadata.deletionTimestamp = ago(1);
    expect(reconcile(rs, [pod('orphan'), pod('x', { owner: rs, labels: { app: 'no' } })]).actions).toEqual(
      [],
    );
  });

  it('does nothing when its selector would not select its own pods', () => {
    const rs = replicaSet('web', 3);
    rs.spec.selector = { matchLabels: { app: 'elsewhere' } };
    expect(reconcile(rs, []).actions).toEqual([]);
    rs.spec.selector = {};
    expect(reconcile(rs, [pod('orphan')]).actions).toEqual([]);
  });
});

describe('ReplicaSet controller: status', () => {
  it('counts replicas, fully labelled, ready and available pods, with the observed generation', () => {
    const rs = replicaSet('web', 4, { minReadySeconds: 30 });
    const { actions, requeueAfterMs } = reconcile(rs, [
      pod('available', { owner: rs, readyFor: 60 }),
      pod('ready-not-yet-available', { owner: rs, readyFor: 10 }),
      pod('ready-soon', { owner: rs, readyFor: 25 }),
      pod('partly-labelled', { owner: rs, labels: { app: 'web' } }),
    ]);
    expect(ofType(actions, 'updateStatus')).toEqual([
      {
        type: 'updateStatus',
        kind: 'ReplicaSet',
        namespace: 'default',
        name: 'web',
        status: {
          replicas: 4,
          fullyLabeledReplicas: 3,
          readyReplicas: 3,
          availableReplicas: 1,
          observedGeneration: 2,
        },
      },
    ]);
    // The pod Ready for 25 s of 30 becomes available in 5 s: come back then.
    expect(requeueAfterMs).toBe(5000);
  });

  it('writes nothing when the status is already true, and does not requeue without minReadySeconds', () => {
    const rs = replicaSet('web', 2);
    rs.status = {
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 2,
    };
    const result = reconcile(rs, [pod('a', { owner: rs, readyFor: 5 }), pod('b', { owner: rs })]);
    expect(result).toEqual({ actions: [] });
  });

  it('writes the status when only the generation moved, keeping its conditions', () => {
    const rs = replicaSet('web', 0);
    const conditions = [{ type: 'ReplicaFailure', status: 'True' as const }];
    rs.status = { replicas: 0, observedGeneration: 1, conditions };
    const [write] = ofType(reconcile(rs, []).actions, 'updateStatus');
    expect(write?.status).toEqual({
      replicas: 0,
      fullyLabeledReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      observedGeneration: 2,
      conditions,
    });
  });
});

describe('ReplicaSet controller: keys', () => {
  const rs = replicaSet('web', 1);
  const api = replicaSet('api', 1);
  api.spec.selector = { matchLabels: { tier: 'web' } };
  const prod = replicaSet('web', 1);
  prod.metadata.namespace = 'prod';
  const view = viewOf([rs, api, prod]);

  it('maps a ReplicaSet to itself, a controlled pod to its ReplicaSet, an orphan to those that could adopt it', () => {
    expect(controller.keysFor(rs, view)).toEqual(['default/web']);
    expect(controller.keysFor(pod('p', { owner: rs }), view)).toEqual(['default/web']);
    expect(controller.keysFor(pod('orphan'), view)).toEqual(['default/web', 'default/api']);
    expect(controller.keysFor(pod('job-pod', { owner: 'uid-job' }), view)).toEqual([]);
    expect(controller.keysFor({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, view)).toEqual(
      [],
    );
    expect(controller.allKeys(view).sort()).toEqual(['default/api', 'default/web', 'prod/web']);
  });

  it('ignores keys that are malformed or name no ReplicaSet', () => {
    expect(controller.reconcile('nonsense', context([rs])).actions).toEqual([]);
    expect(controller.reconcile('default/gone', context([rs])).actions).toEqual([]);
  });
});

describe('ReplicaSet controller against a store', () => {
  it('plans writes the store accepts: adoption, release, creation, deletion and status', async () => {
    const store = new MemoryClusterStore();
    const recorded: EventRecord[] = [];
    const recorder = { record: (e: EventRecord) => recorded.push(e) };
    // As the API admits them: without what the store assigns, with Kubernetes' defaults.
    const strip = (o: Pod | ReplicaSet) => {
      const { uid: _u, resourceVersion: _r, creationTimestamp: _c, generation: _g, ...metadata } = o.metadata;
      const { status: _s, ...rest } = o;
      const admitted = admitObject({ ...rest, metadata });
      if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
      return admitted.object as KubeObject;
    };
    const rs = (await store.create(strip(replicaSet('web', 2)))) as ReplicaSet;
    await store.create(strip(pod('orphan')));
    await store.create(strip(pod('relabelled', { owner: rs, labels: { app: 'debug' } })));
    await store.create(strip(pod('extra-1', { owner: rs, node: 'n1' })));
    await store.create(strip(pod('extra-2', { owner: rs, node: 'n1' })));

    const ctx = (): ControllerContext => ({ ...context([]), view: store, now: new Date() });
    for (let round = 0; round < 3; round++) {
      const { actions } = controller.reconcile('default/web', ctx());
      expect(await applyActions(store, recorder, actions)).toEqual([]);
    }

    const owned = (store.list('Pod', { namespace: 'default' }) as Pod[]).filter(
      (p) =>
        p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid &&
        p.metadata.deletionTimestamp === undefined,
    );
    expect(owned).toHaveLength(2);
    expect(store.get('Pod', 'default', 'relabelled')?.metadata.ownerReferences).toBeUndefined();
    expect(store.get('Pod', 'default', 'orphan')?.metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid);
    expect((store.get('ReplicaSet', 'default', 'web') as ReplicaSet).status).toMatchObject({
      replicas: 2,
      observedGeneration: 1,
    });
    expect(recorded.map((e) => e.reason)).toContain('SuccessfulDelete');
    // Settled: another reconcile plans nothing.
    expect(controller.reconcile('default/web', ctx()).actions).toEqual([]);
  });
});

describe('deletion order (ActivePodsWithRanks)', () => {
  const rs = replicaSet('web', 0);
  const sortedNames = (pods: Pod[]) => {
    // podsToDelete returns every pod unsorted when all go; ask for all but one and add the keeper.
    const first = podsToDelete(pods, pods, pods.length - 1, NOW).map((p) => p.metadata.name);
    const kept = pods.map((p) => p.metadata.name).filter((n) => !first.includes(n));
    return [...first, ...kept];
  };

  it('ranks every criterion in Kubernetes order', () => {
    const pods = [
      pod('h-old', { owner: rs, node: 'n8', readyFor: 3600, createdAgo: 7200 }),
      pod('g-new', { owner: rs, node: 'n7', readyFor: 3600, createdAgo: 3700 }),
      pod('f-restarts', { owner: rs, node: 'n6', readyFor: 3600, restarts: 3 }),
      pod('e-ready-recently', { owner: rs, node: 'n5', readyFor: 20 }),
      pod('d-not-ready', { owner: rs, node: 'n4' }),
      pod('c-unknown', { owner: rs, node: 'n3', phase: 'Unknown' }),
      pod('b-pending', { owner: rs, node: 'n2', phase: 'Pending' }),
      pod('a-unassigned', { owner: rs, phase: 'Running', readyFor: 9999 }),
    ];
    expect(sortedNames(pods)).toEqual([
      'a-unassigned',
      'b-pending',
      'c-unknown',
      'd-not-ready',
      'e-ready-recently',
      'f-restarts',
      'g-new',
      'h-old',
    ]);
  });

  it('takes pods doubled up on a node with their siblings first, and honours pod-deletion-cost before that', () => {
    const sibling = pod('sibling', { owner: 'uid-other-rs', node: 'n1', readyFor: 100 });
    const alone = pod('alone', { owner: rs, node: 'n2', readyFor: 100, createdAgo: 10 });
    const doubled = pod('doubled', { owner: rs, node: 'n1', readyFor: 100, createdAgo: 100_000 });
    expect(podsToDelete([alone, doubled], [alone, doubled, sibling], 1, NOW)[0]?.metadata.name).toBe(
      'doubled',
    );
    const cheap = pod('cheap', {
      owner: rs,
      node: 'n2',
      readyFor: 100,
      annotations: { [POD_DELETION_COST_ANNOTATION]: '-5' },
    });
    expect(podsToDelete([cheap, doubled], [cheap, doubled, sibling], 1, NOW)[0]?.metadata.name).toBe('cheap');
  });

  it('reads pod-deletion-cost as an int32, anything else as 0', () => {
    const cost = (v: string) =>
      deletionCost(pod('p', { annotations: { [POD_DELETION_COST_ANNOTATION]: v } }));
    expect([cost('12'), cost('-3'), cost('+4'), cost('1.5'), cost('x'), cost('9999999999')]).toEqual([
      12, -3, 4, 0, 0, 0,
    ]);
  });

  it('treats times in the same power-of-two age bucket as equal and lets the uid decide', () => {
    // 1000 s and 1001 s ago share a bucket: the uid decides before restarts are looked at, so "a" goes
    // first although "b" restarted more and became Ready more recently.
    const a = pod('a', { owner: rs, node: 'n1', readyFor: 1001 });
    const b = pod('b', { owner: rs, node: 'n2', readyFor: 1000, restarts: 9 });
    expect(sortedNames([b, a])).toEqual(['a', 'b']);
    // In different buckets the more recently Ready goes first.
    const c = pod('c', { owner: rs, node: 'n3', readyFor: 3000 });
    expect(sortedNames([c, a])).toEqual(['a', 'c']);
    expect(compareForDeletion({ pod: a, rank: 1 }, { pod: b, rank: 1 }, NOW)).toBeLessThan(0);
    // A pod Ready with no transition time counts as Ready for the shortest time.
    const never = pod('z', { owner: rs, node: 'n3', readyFor: 5 });
    delete never.status?.conditions?.[0]?.lastTransitionTime;
    expect(compareForDeletion({ pod: never, rank: 1 }, { pod: a, rank: 1 }, NOW)).toBeLessThan(0);
  });

  it('is a consistent order (antisymmetric) over mixed pods', () => {
    const pods = [
      pod('p1', { node: 'n1', readyFor: 50, restarts: 1 }),
      pod('p2', { node: 'n1', readyFor: 50 }),
      pod('p3', { readyFor: 3 }),
      pod('p4', { node: 'n2', phase: 'Unknown' }),
      pod('p5', { node: 'n2', readyFor: 4000, createdAgo: 5 }),
    ];
    for (const x of pods) {
      for (const y of pods) {
        const xy = Math.sign(compareForDeletion({ pod: x, rank: 1 }, { pod: y, rank: 1 }, NOW));
        const yx = Math.sign(compareForDeletion({ pod: y, rank: 1 }, { pod: x, rank: 1 }, NOW));
        expect(xy).toBe(x === y ? 0 : -yx);
      }
    }
  });
});
