// Property: from any starting state, a ReplicaSet reaches exactly `replicas` active pods of its own within
// a bounded number of reconciles, and then plans nothing. The cluster is an in-memory model that applies
// the planned actions as the store and the API would (conditional updates, graceful pod deletion), and may
// fail writes during the first rounds as a busy store does.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterView, ControllerAction } from '../../agent/controllers/controllerTypes.ts';
import { controllerRef } from '../../agent/controllers/ownerRefs.ts';
import { isPodActive } from '../../agent/controllers/podUtil.ts';
import { ReplicaSetController } from '../../agent/controllers/replicaset/ReplicaSetController.ts';
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { Pod, ReplicaSet } from '../../shared/model/types.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const RS_UID = 'uid-rs' as Uid;
const PHASES = [undefined, 'Pending', 'Running', 'Unknown', 'Succeeded', 'Failed'] as const;

const podArb = fc.record({
  matches: fc.boolean(),
  owner: fc.constantFrom('rs', 'none', 'other'),
  phase: fc.constantFrom(...PHASES),
  ready: fc.boolean(),
  node: fc.option(fc.constantFrom('n1', 'n2', 'n3'), { nil: undefined }),
  terminating: fc.boolean(),
  restarts: fc.nat(5),
  createdAgo: fc.nat(100_000),
  readyAgo: fc.nat(100_000),
});
type PodSeed = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function replicaSet(replicas: number, minReadySeconds: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default', uid: RS_UID, generation: 1, resourceVersion: '1' },
    spec: {
      replicas,
      minReadySeconds,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: 'shoal.test/busybox:1' }] },
      },
    },
  } as ReplicaSet;
}

function seedPod(seed: PodSeed, i: number): Pod {
  const ownerUid = seed.owner === 'rs' ? RS_UID : seed.owner === 'other' ? ('uid-other' as Uid) : undefined;
  const at = (ago: number) => new Date(NOW.getTime() - ago * 1000).toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `seed-${i}`,
      namespace: 'default',
      uid: `uid-seed-${i}` as Uid,
      resourceVersion: '1',
      creationTimestamp: at(seed.createdAgo),
      labels: { app: seed.matches ? 'web' : 'db' },
      ...(ownerUid
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: ownerUid, controller: true },
            ],
          }
        : {}),
      ...(seed.terminating ? { deletionTimestamp: at(1) } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'shoal.test/busybox:1' }],
      ...(seed.node ? { nodeName: seed.node } : {}),
    },
    status: {
      ...(seed.phase ? { phase: seed.phase } : {}),
      conditions: [
        { type: 'Ready', status: seed.ready ? 'True' : 'False', lastTransitionTime: at(seed.readyAgo) },
      ],
      containerStatuses: [{ name: 'app', ready: seed.ready, restartCount: seed.restarts, image: 'x' }],
    },
  } as Pod;
}

/** The cluster as the store and the API would keep it, for one namespace. */
class Model {
  rs: ReplicaSet;
  pods = new Map<string, Pod>();
  #version = 100;
  #created = 0;

  constructor(rs: ReplicaSet, pods: Pod[]) {
    this.rs = rs;
    for (const p of pods) this.pods.set(p.metadata.name, p);
  }

  view(): ClusterView {
    const objects: KubeObject[] = [this.rs, ...this.pods.values()];
    return {
      get: (kind: Kind, _ns: string | undefined, name: string) =>
        objects.find((o) => o.kind === kind && o.metadata.name === name),
      list: (kind: Kind) => objects.filter((o) => o.kind === kind),
    };
  }

  /** Applies one action; false when the write fails (as a conflict or a busy store would make it). */
  apply(action: ControllerAction): boolean {
    switch (action.type) {
      case 'create': {
        const pod = structuredClone(action.object) as Pod;
        if (this.pods.has(pod.metadata.name)) return false;
        pod.metadata.uid = `uid-new-${this.#created++}` as Uid;
        pod.metadata.creationTimestamp = NOW.toISOString();
        pod.metadata.resourceVersion = String(this.#version++);
        this.pods.set(pod.metadata.name, pod);
        return true;
      }
      case 'update': {
        const current = this.pods.get(action.object.metadata.name);
        if (!current || current.metadata.resourceVersion !== action.object.metadata.resourceVersion)
          return false;
        const next = structuredClone(action.object) as Pod;
        next.metadata.resourceVersion = String(this.#version++);
        this.pods.set(next.metadata.name, next);
        return true;
      }
      case 'delete': {
        const current = this.pods.get(action.name);
        if (!current || current.metadata.uid !== action.uid) return true;
        // Graceful: a pod on a node lingers, terminating, until its kubelet removes it (here: never).
        if (current.spec.nodeName) {
          const marked = structuredClone(current);
          marked.metadata.deletionTimestamp = NOW.toISOString();
          this.pods.set(action.name, marked);
        } else this.pods.delete(action.name);
        return true;
      }
      case 'updateStatus':
        this.rs = { ...this.rs, status: action.status as ReplicaSet['status'] };
        return true;
      case 'event':
        return true;
    }
  }

  ownActivePods(): Pod[] {
    return [...this.pods.values()].filter(
      (p) => isPodActive(p) && controllerRef(p)?.uid === RS_UID && p.metadata.labels?.app === 'web',
    );
  }
}

/** What must hold of every plan, whatever the state. */
function checkPlan(model: Model, actions: ControllerAction[]): void {
  const touched = new Set<string>();
  for (const action of actions) {
    if (action.type !== 'update' && action.type !== 'delete') continue;
    const name = action.type === 'update' ? action.object.metadata.name : action.name;
    // One write per pod per tick: the manager applies them together.
    expect(touched.has(name), `two writes of pod ${name}`).toBe(false);
    touched.add(name);
    const current = model.pods.get(name);
    expect(current, `a write of missing pod ${name}`).toBeDefined();
    if (!current) continue;
    const owner = controllerRef(current)?.uid;
    expect(owner === undefined || owner === RS_UID, `a write of ${name}, controlled by ${owner}`).toBe(true);
    expect(isPodActive(current), `a write of inactive pod ${name}`).toBe(true);
  }
}

describe('ReplicaSet convergence (property)', () => {
  const controller = new ReplicaSetController();

  it('reaches exactly `replicas` active pods of its own from any state, then plans nothing', () => {
    fc.assert(
      fc.property(
        fc.nat(8),
        fc.constantFrom(0, 30),
        fc.array(podArb, { maxLength: 20 }),
        // Writes that fail in the first rounds (true: this action fails), consumed in order.
        fc.nat(3),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (replicas, minReadySeconds, seeds, failingRounds, failures) => {
          const model = new Model(replicaSet(replicas, minReadySeconds), seeds.map(seedPod));
          const others = new Map(
            [...model.pods.values()]
              .filter((p) => controllerRef(p)?.uid === 'uid-other')
              .map((p) => [p.metadata.name, p]),
          );
          let suffix = 0;
          const reconcile = () => {
            const result = controller.reconcile('default/web', {
              view: model.view(),
              now: NOW,
              term: 1,
              randomSuffix: (n) => String(suffix++).padStart(n, '0'),
            });
            checkPlan(model, result.actions);
            return result.actions;
          };

          // Rounds with failing writes: anything may be half done.
          for (let round = 0; round < failingRounds; round++) {
            for (const action of reconcile()) if (!failures.shift()) model.apply(action);
          }
          // Two clean rounds reach the count: adoption may postpone a deletion by one round.
          for (let round = 0; round < 2; round++) for (const action of reconcile()) model.apply(action);
          expect(model.ownActivePods()).toHaveLength(replicas);
          // The status catches up on the next round; after that, nothing at all.
          for (const action of reconcile()) model.apply(action);
          expect(reconcile()).toEqual([]);
          expect(model.rs.status?.replicas).toBe(replicas);
          // Pods of another controller were never touched.
          for (const [name, pod] of others) expect(model.pods.get(name)).toBe(pod);
        },
      ),
      { numRuns: 500 },
    );
  });
});
