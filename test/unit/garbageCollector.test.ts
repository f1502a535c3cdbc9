// The garbage collector: background deletion of objects whose owners are gone, foreground and orphan
// deletion of owners marked by the API's deletion policies, and namespace deletion. Each test seeds an
// in-memory store, reconciles and applies actions (one round = every key once, as a resync does) and checks
// the store; pods on a node stay Terminating until a simulated kubelet removes them.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { deleteObject, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../agent/api/deletionPolicy.ts';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import { ControllerManager } from '../../agent/controllers/ControllerManager.ts';
import type { ControllerAction, ControllerContext } from '../../agent/controllers/controllerTypes.ts';
import { GarbageCollector } from '../../agent/controllers/gc/GarbageCollector.ts';
import { collectionKey } from '../../agent/controllers/gc/ownership.ts';
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject, OwnerReference, Uid } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const gc = new GarbageCollector();

function ref(owner: KubeObject, blockOwnerDeletion = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid as Uid,
    controller: true,
    blockOwnerDeletion,
  };
}

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'shoal.test/busybox:1' }], restartPolicy: 'Always' as const },
};

function deployment(name: string, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
  } as KubeObject;
}

function replicaSet(name: string, owners: OwnerReference[] = [], namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, ...(owners.length ? { ownerReferences: owners } : {}) },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
  } as KubeObject;
}

function pod(name: string, owners: OwnerReference[], nodeName?: string, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web' },
      ...(owners.length ? { ownerReferences: owners } : {}),
    },
    spec: { ...structuredClone(template.spec), ...(nodeName ? { nodeName } : {}) },
  } as KubeObject;
}

function configMap(name: string, namespace: string, owners: OwnerReference[] = []): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, ...(owners.length ? { ownerReferences: owners } : {}) },
    data: { k: 'v' },
  } as KubeObject;
}

const ctx = (store: MemoryClusterStore): ControllerContext => ({
  view: store,
  now: NOW,
  term: 3,
  randomSuffix: () => 'xxxxx',
});

async function apply(store: MemoryClusterStore, actions: readonly ControllerAction[]): Promise<void> {
  const failures = await applyActions(store, { record: () => {} }, actions);
  expect(failures.map((f) => f.error.message)).toEqual([]);
}

/** Reconciles every key once and applies the actions; returns how many actions there were. */
async function round(store: MemoryClusterStore): Promise<number> {
  const actions = gc.allKeys(store).flatMap((key) => gc.reconcile(key, ctx(store)).actions);
  await apply(store, actions);
  return actions.length;
}

/** Rounds until nothing is left to do; `kubelet` removes pods being deleted between rounds when true. */
async function converge(store: MemoryClusterStore, kubelet = true): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (kubelet) {
      for (const p of store.list('Pod')) {
        if (p.metadata.deletionTimestamp) await store.delete('Pod', p.metadata.namespace, p.metadata.name);
      }
    }
    if ((await round(store)) === 0) return;
  }
  throw new Error('the garbage collector did not converge in 20 rounds');
}

const names = (store: MemoryClusterStore, kind: Kind, namespace?: string) =>
  store.list(kind, namespace ? { namespace } : {}).map((o) => o.metadata.name);

/** A Deployment owning a ReplicaSet owning a scheduled and an unscheduled pod. */
async function ownedChain(store: MemoryClusterStore, namespace = 'default') {
  const deploy = await store.create(deployment('web', namespace));
  const rs = await store.create(replicaSet('web-5d4f8', [ref(deploy)], namespace));
  const onNode = await store.create(pod('web-5d4f8-aaaaa', [ref(rs)], 'node-a', namespace));
  const pending = await store.create(pod('web-5d4f8-bbbbb', [ref(rs)], undefined, namespace));
  return { deploy, rs, onNode, pending };
}

describe('background deletion', () => {
  it('deletes what a deleted owner owned, level by level, pods gracefully', async () => {
    const store = new MemoryClusterStore();
    const { deploy, rs } = await ownedChain(store);
    await store.delete('Deployment', 'default', 'web');
    // The store's DELETED event carries the owner's last state: its dependents' keys follow from it.
    expect(gc.keysFor(deploy, store)).toEqual([collectionKey(rs)]);
    expect(gc.reconcile(collectionKey(rs), ctx(store)).actions).toEqual([
      { type: 'delete', kind: 'ReplicaSet', namespace: 'default', name: 'web-5d4f8', uid: rs.metadata.uid },
    ]);
    await round(store);
    expect(names(store, 'ReplicaSet')).toEqual([]);
    await round(store);
    // The unscheduled pod is removed at once; the one on a node is left to its kubelet (Terminating).
    const left = store.list('Pod') as Pod[];
    expect(left.map((p) => p.metadata.name)).toEqual(['web-5d4f8-aaaaa']);
    expect(left[0]?.metadata.deletionTimestamp).toBeDefined();
    await converge(store);
    expect(store.list('Pod')).toEqual([]);
  });

  it('keeps objects whose owner lives, drops references to gone owners, deletes on a new uid', async () => {
    const store = new MemoryClusterStore();
    const a = await store.create(configMap('a', 'default'));
    const b = await store.create(configMap('b', 'default'));
    const both = await store.create(configMap('both', 'default', [ref(a), ref(b, false)]));
    const onlyB = await store.create(configMap('only-b', 'default', [ref(b)]));
    const foreign = await store.create(
      configMap('foreign', 'default', [
        { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'u-1' as Uid },
      ]),
    );
    expect(await round(store)).toBe(0);
    await store.delete('ConfigMap', 'default', 'b');
    await store.create(configMap('b', 'default')); // same name, another object
    await round(store);
    expect(names(store, 'ConfigMap')).toEqual(['a', 'b', 'both', 'foreign']);
    expect(store.get('ConfigMap', 'default', 'both')?.metadata.ownerReferences).toEqual([ref(a)]);
    expect(store.get('ConfigMap', 'default', 'foreign')?.metadata.uid).toBe(foreign.metadata.uid);
    expect(onlyB.metadata.uid).toBeDefined();
    expect(both.metadata.uid).toBeDefined();
  });

  it('leaves an object alone while it is being deleted', async () => {
    const store = new MemoryClusterStore();
    const rs = await store.create(replicaSet('rs'));
    await store.create(pod('p', [ref(rs)], 'node-a'));
    await deleteObject(store, store.get('Pod', 'default', 'p') as KubeObject);
    await store.delete('ReplicaSet', 'default', 'rs');
    expect(await round(store)).toBe(0);
  });
});

describe('foreground deletion', () => {
  it('deletes the dependents first, the owner last', async () => {
    const store = new MemoryClusterStore();
    const { deploy, rs } = await ownedChain(store);
    const marked = await deleteObject(store, deploy, { propagationPolicy: 'Foreground' }, NOW);
    expect(marked?.metadata.finalizers).toEqual([FOREGROUND_FINALIZER]);
    expect(marked?.metadata.deletionTimestamp).toBe('2026-06-01T12:00:00Z');

    // The ReplicaSet has dependents of its own: it is deleted in the foreground too.
    const first = gc.reconcile(collectionKey(deploy), ctx(store)).actions;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      type: 'update',
      object: { kind: 'ReplicaSet', metadata: { finalizers: [FOREGROUND_FINALIZER] } },
    });
    await apply(store, first);
    await round(store);
    // The pods are going; the terminating one still blocks its ReplicaSet, which blocks the Deployment.
    expect(names(store, 'Deployment')).toEqual(['web']);
    expect(names(store, 'ReplicaSet')).toEqual(['web-5d4f8']);
    expect(names(store, 'Pod')).toEqual(['web-5d4f8-aaaaa']);
    expect(await round(store)).toBe(0);
    // Its kubelet removes it: the DELETED pod's key leads to its waiting owner.
    const last = store.get('Pod', 'default', 'web-5d4f8-aaaaa') as KubeObject;
    await store.delete('Pod', 'default', 'web-5d4f8-aaaaa');
    expect(gc.keysFor(last, store)).toEqual([collectionKey(rs)]);
    await converge(store);
    expect(names(store, 'ReplicaSet')).toEqual([]);
    expect(names(store, 'Deployment')).toEqual([]);
  });

  it('is not blocked by dependents without blockOwnerDeletion, and spares those another owner holds', async () => {
    const store = new MemoryClusterStore();
    const owner = await store.create(configMap('owner', 'default'));
    const other = await store.create(configMap('other', 'default'));
    await store.create(pod('loose', [ref(owner, false)], 'node-a'));
    await store.create(configMap('shared', 'default', [ref(owner), ref(other, false)]));
    await deleteObject(store, owner, { propagationPolicy: 'Foreground' }, NOW);
    await round(store);
    expect(store.get('ConfigMap', 'default', 'shared')?.metadata.ownerReferences).toEqual([
      ref(other, false),
    ]);
    await round(store);
    // `loose` is still Terminating on its node, but it does not block.
    expect(names(store, 'Pod')).toEqual(['loose']);
    expect(names(store, 'ConfigMap')).toEqual(['other', 'shared']);
  });

  it('removes only its own finalizer when others remain', async () => {
    const store = new MemoryClusterStore();
    const owner = await store.create({
      ...configMap('owner', 'default'),
      metadata: { name: 'owner', namespace: 'default', finalizers: ['example.com/keep'] },
    } as KubeObject);
    await deleteObject(store, owner, { propagationPolicy: 'Foreground' }, NOW);
    await converge(store);
    const left = store.get('ConfigMap', 'default', 'owner');
    expect(left?.metadata.finalizers).toEqual(['example.com/keep']);
    expect(left?.metadata.deletionTimestamp).toBeDefined();
  });
});

describe('orphan deletion', () => {
  it('takes the owner reference off the dependents, then removes the owner', async () => {
    const store = new MemoryClusterStore();
    const { rs } = await ownedChain(store);
    const marked = await deleteObject(store, rs, { propagationPolicy: 'Orphan' }, NOW);
    expect(marked?.metadata.finalizers).toEqual([ORPHAN_FINALIZER]);
    const actions = gc.reconcile(collectionKey(rs), ctx(store)).actions;
    expect(actions.map((a) => a.type)).toEqual(['update', 'update']);
    await converge(store);
    expect(names(store, 'ReplicaSet')).toEqual([]);
    expect(names(store, 'Pod')).toEqual(['web-5d4f8-aaaaa', 'web-5d4f8-bbbbb']);
    for (const p of store.list('Pod')) {
      expect(p.metadata.ownerReferences).toBeUndefined();
      expect(p.metadata.deletionTimestamp).toBeUndefined();
    }
    // The Deployment lost nothing but its ReplicaSet, which it did not lose to the collector.
    expect(names(store, 'Deployment')).toEqual(['web']);
  });
});

describe('namespace deletion', () => {
  it('deletes everything in a terminating namespace, then the namespace', async () => {
    const store = new MemoryClusterStore();
    const ns = await store.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    } as KubeObject);
    await ownedChain(store, 'team');
    await store.create(configMap('settings', 'team'));
    await ownedChain(store, 'default');
    const terminating = await deleteObject(store, ns, {}, NOW);
    expect(terminating?.status).toEqual({ phase: 'Terminating' });
    expect(gc.keysFor(store.get('ConfigMap', 'team', 'settings') as KubeObject, store)).toEqual([
      collectionKey(ns),
    ]);

    await round(store);
    // Everything went at once but the pod on a node, which its kubelet must stop first.
    for (const kind of ['Deployment', 'ReplicaSet', 'ConfigMap'] as const)
      expect(names(store, kind, 'team')).toEqual([]);
    expect(names(store, 'Pod', 'team')).toEqual(['web-5d4f8-aaaaa']);
    expect(names(store, 'Namespace')).toEqual(['team']);
    expect(await round(store)).toBe(0);

    await converge(store);
    expect(names(store, 'Namespace')).toEqual([]);
    // Other namespaces are untouched.
    expect(names(store, 'Pod', 'default')).toEqual(['web-5d4f8-aaaaa', 'web-5d4f8-bbbbb']);
    expect(names(store, 'Deployment', 'default')).toEqual(['web']);
  });

  it('marks a namespace Terminating when something else set only its deletionTimestamp', async () => {
    const store = new MemoryClusterStore();
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
    await store.create(configMap('c', 'team'));
    const ns = store.get('Namespace', undefined, 'team') as KubeObject;
    await store.updateSpec({
      ...structuredClone(ns),
      metadata: { ...structuredClone(ns.metadata), deletionTimestamp: '2026-06-01T11:00:00Z' },
    });
    const actions = gc.reconcile('Namespace//team', ctx(store)).actions;
    expect(actions[0]).toEqual({
      type: 'updateStatus',
      kind: 'Namespace',
      name: 'team',
      status: { phase: 'Terminating' },
    });
  });
});

describe('keys', () => {
  it('lists only objects with work to do, and ignores malformed or stale keys', async () => {
    const store = new MemoryClusterStore();
    const { rs, onNode } = await ownedChain(store);
    await store.create(configMap('plain', 'default'));
    expect(gc.allKeys(store).sort()).toEqual(
      [collectionKey(rs), collectionKey(onNode), 'Pod/default/web-5d4f8-bbbbb'].sort(),
    );
    expect(gc.reconcile('nonsense', ctx(store))).toEqual({ actions: [] });
    expect(gc.reconcile('Pod/default/missing', ctx(store))).toEqual({ actions: [] });
    expect(gc.reconcile('Widget/default/x', ctx(store))).toEqual({ actions: [] });
  });
});

describe('under the controller manager', () => {
  it('follows the store’s watch: deleting an owner, or a namespace, empties what depends on it', async () => {
    const store = new MemoryClusterStore();
    const manager = new ControllerManager({
      store,
      recorder: { record: () => {} },
      logger: pino({ level: 'silent' }),
      controllers: [new GarbageCollector()],
      resyncMs: 3_600_000, // no resync: only keysFor brings the keys
    });
    const settle = async () => {
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 5));
        await manager.idle();
      }
    };
    try {
      manager.lead(1);
      const { deploy } = await ownedChain(store);
      const ns = await store.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team' },
      } as KubeObject);
      await store.create(configMap('settings', 'team'));
      await settle();
      expect(names(store, 'Pod')).toHaveLength(2);

      await deleteObject(store, deploy, { propagationPolicy: 'Foreground' });
      await deleteObject(store, ns);
      await settle();
      expect(names(store, 'ConfigMap', 'team')).toEqual([]);
      expect(names(store, 'Namespace')).toEqual([]);
      // The pod on a node is Terminating; the Deployment and its ReplicaSet wait for it.
      expect(names(store, 'Pod')).toEqual(['web-5d4f8-aaaaa']);
      expect(names(store, 'Deployment')).toEqual(['web']);
      await store.delete('Pod', 'default', 'web-5d4f8-aaaaa'); // its kubelet is done
      await settle();
      expect(names(store, 'ReplicaSet')).toEqual([]);
      expect(names(store, 'Deployment')).toEqual([]);
    } finally {
      manager.stepDown();
    }
  });
});
