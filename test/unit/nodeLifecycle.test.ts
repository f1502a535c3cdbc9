// The node lifecycle controller: NoExecute taints from the Ready condition, pods marked not Ready on an
// unready node, and taint-based eviction after the default or the pod's own toleration. Each test seeds an
// in-memory store, runs one reconcile and checks the actions, and applies them to see the store takes them.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import { ControllerManager } from '../../agent/controllers/ControllerManager.ts';
import type { ControllerAction, ControllerContext } from '../../agent/controllers/controllerTypes.ts';
import {
  DEFAULT_TOLERATION_SECONDS,
  effectiveTolerations,
  tolerationSeconds,
} from '../../agent/controllers/nodelifecycle/evictionTiming.ts';
import { NodeLifecycleController } from '../../agent/controllers/nodelifecycle/NodeLifecycleController.ts';
import { EVICTED_TERM_ANNOTATION } from '../../agent/controllers/nodelifecycle/planNodeLifecycle.ts';
import {
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  type Taint,
  toleratesTaint,
} from '../../agent/controllers/nodelifecycle/taints.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import { registerNode } from '../../agent/membership/registerNode.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Node, Pod } from '../../shared/model/types.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

// Later than any creationTimestamp the store stamps during the test, so toleration clocks start at the taints.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const TERM = 9;

type Ready = 'True' | 'False' | 'Unknown' | undefined;

function node(
  name: string,
  ready: Ready,
  taints?: Taint[],
  extra: Partial<NonNullable<Node['spec']>> = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: { ...(taints ? { taints } : {}), ...extra },
    ...(ready
      ? {
          status: {
            conditions: [
              { type: 'Ready', status: ready, lastTransitionTime: secondsAgo(30) },
              { type: 'MemoryPressure', status: 'False' },
            ],
          },
        }
      : {}),
  } as Node;
}

const unreachable = (ago: number): Taint => ({
  key: TAINT_UNREACHABLE,
  effect: 'NoExecute',
  timeAdded: secondsAgo(ago),
});

interface PodOptions {
  tolerations?: Pod['spec']['tolerations'];
  phase?: NonNullable<Pod['status']>['phase'];
  ready?: boolean;
  deleting?: boolean;
  grace?: number;
}

function pod(name: string, nodeName: string | undefined, o: PodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ...(o.deleting ? { deletionTimestamp: secondsAgo(5), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'shoal.test/busybox:1' }],
      ...(nodeName ? { nodeName } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: secondsAgo(100) },
      ],
    },
  } as Pod;
}

async function seed(objects: KubeObject[]): Promise<MemoryClusterStore> {
  const store = new MemoryClusterStore();
  for (const o of objects) await store.create(o);
  return store;
}

function reconcile(store: MemoryClusterStore, key: string, opts = {}) {
  const ctx: ControllerContext = { view: store, now: NOW, term: TERM, randomSuffix: () => 'xxxxx' };
  return new NodeLifecycleController(opts).reconcile(key, ctx);
}

async function apply(store: MemoryClusterStore, actions: readonly ControllerAction[]) {
  const events: EventRecord[] = [];
  const failures = await applyActions(store, { record: (e) => events.push(e) }, actions);
  return { failures, events };
}

const taintsOf = (store: MemoryClusterStore, name: string) =>
  (store.get('Node', undefined, name) as Node).spec?.taints ?? [];
const podOf = (store: MemoryClusterStore, name: string) => store.get('Pod', 'default', name) as Pod;
const readyOf = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('taints from the Ready condition', () => {
  it('adds unreachable:NoExecute (with timeAdded) when Ready is Unknown, not-ready when False', async () => {
    const store = await seed([node('gone', 'Unknown'), node('sick', 'False')]);
    for (const [name, key] of [
      ['gone', TAINT_UNREACHABLE],
      ['sick', TAINT_NOT_READY],
    ] as const) {
      const { actions } = reconcile(store, name);
      expect(actions).toHaveLength(1);
      expect(actions[0]?.type).toBe('update');
      const { failures } = await apply(store, actions);
      expect(failures).toEqual([]);
      expect(taintsOf(store, name)).toEqual([{ key, effect: 'NoExecute', timeAdded: secondsAgo(0) }]);
      // Level-triggered: nothing more to do once the taint is there.
      expect(reconcile(store, name).actions).toEqual([]);
    }
  });

  it('removes its taints when Ready is True again and keeps everyone else’s', async () => {
    const user: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const store = await seed([
      node('back', 'True', [user, unreachable(60), { key: TAINT_NOT_READY, effect: 'NoSchedule' }], {
        unschedulable: true,
      }),
    ]);
    const { actions } = reconcile(store, 'back');
    expect((await apply(store, actions)).failures).toEqual([]);
    expect(taintsOf(store, 'back')).toEqual([user, { key: TAINT_NOT_READY, effect: 'NoSchedule' }]);
    expect((store.get('Node', undefined, 'back') as Node).spec?.unschedulable).toBe(true);
  });

  it('swaps not-ready for unreachable when Ready goes from False to Unknown', async () => {
    const store = await seed([
      node('n', 'Unknown', [{ key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: secondsAgo(5) }]),
    ]);
    await apply(store, reconcile(store, 'n').actions);
    expect(taintsOf(store, 'n').map((t) => t.key)).toEqual([TAINT_UNREACHABLE]);
  });

  it('leaves a node the leader has not judged yet (no Ready condition) alone', async () => {
    const store = await seed([node('new', undefined), pod('p', 'new')]);
    expect(reconcile(store, 'new')).toEqual({ actions: [] });
  });

  it('writes the taint conditionally: a stale plan fails instead of overwriting a newer Node', async () => {
    const store = await seed([node('gone', 'Unknown')]);
    const { actions } = reconcile(store, 'gone');
    const current = store.get('Node', undefined, 'gone') as Node;
    await store.updateSpec({ ...structuredClone(current), spec: { unschedulable: true } } as KubeObject);
    const { failures } = await apply(store, actions);
    expect(failures.map((f) => f.error.name)).toEqual(['ConflictError']);
    expect((store.get('Node', undefined, 'gone') as Node).spec?.unschedulable).toBe(true);
  });

  it('registerNode (the agent rewriting its Node) keeps spec.taints and spec.unschedulable', async () => {
    const store = await seed([node('n', 'Unknown', [unreachable(10)], { unschedulable: true })]);
    const desired = node('n', undefined);
    desired.metadata.labels = { 'kubernetes.io/hostname': 'n', 'shoal.dev/zone': 'b' };
    await registerNode(store, desired);
    const after = store.get('Node', undefined, 'n') as Node;
    expect(after.metadata.labels?.['shoal.dev/zone']).toBe('b');
    expect(after.spec).toEqual({ taints: [unreachable(10)], unschedulable: true });
  });
});

describe('marking pods not Ready', () => {
  it('turns the Ready condition of every running pod on an unready node False, once, with an event', async () => {
    const store = await seed([
      node('gone', 'Unknown', [unreachable(1)]),
      pod('web-1', 'gone'),
      pod('web-2', 'gone', { ready: false }),
      pod('elsewhere', 'other'),
    ]);
    const { actions } = reconcile(store, 'gone');
    expect(actions.filter((a) => a.type === 'updateStatus').map((a) => 'name' in a && a.name)).toEqual([
      'web-1',
    ]);
    expect(actions.filter((a) => a.type === 'event')).toEqual([
      {
        type: 'event',
        event: expect.objectContaining({
          involvedObject: expect.objectContaining({ kind: 'Pod', name: 'web-1', namespace: 'default' }),
          type: 'Warning',
          reason: 'NodeNotReady',
          message: 'Node is not ready',
        }),
      },
    ]);
    await apply(store, actions);
    const web1 = podOf(store, 'web-1');
    expect(readyOf(web1)).toBe('False');
    expect(web1.status?.phase).toBe('Running');
    expect(web1.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    expect(readyOf(podOf(store, 'elsewhere'))).toBe('True');
    expect(reconcile(store, 'gone').actions.filter((a) => a.type !== 'event')).toEqual([]);
  });
});

describe('eviction timing', () => {
  it('evicts a pod without tolerations 20 s after the taint, and asks to be woken then', async () => {
    const store = await seed([
      node('gone', 'Unknown', [unreachable(8)]),
      pod('web', 'gone', { ready: false }),
    ]);
    const early = reconcile(store, 'gone');
    expect(early.actions).toEqual([]);
    expect(early.requeueAfterMs).toBe((DEFAULT_TOLERATION_SECONDS - 8) * 1000);
  });

  it('evicts gracefully, stamped with the term, with a TaintManagerEviction event', async () => {
    const store = await seed([node('gone', 'Unknown', [unreachable(20)]), pod('web', 'gone', { grace: 5 })]);
    const { actions, requeueAfterMs } = reconcile(store, 'gone');
    expect(requeueAfterMs).toBeUndefined();
    // The eviction (a conditional spec write) comes before the status write of the same pod.
    expect(actions.map((a) => a.type)).toEqual(['update', 'event', 'updateStatus', 'event']);
    expect(actions[1]).toEqual({
      type: 'event',
      event: expect.objectContaining({
        type: 'Normal',
        reason: 'TaintManagerEviction',
        message: 'Marking for deletion Pod default/web',
      }),
    });
    const { failures } = await apply(store, actions);
    expect(failures).toEqual([]);
    const evicted = podOf(store, 'web');
    expect(evicted.metadata.deletionTimestamp).toBe(NOW.toISOString());
    expect(evicted.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(evicted.metadata.annotations?.[EVICTED_TERM_ANNOTATION]).toBe(String(TERM));
    expect(readyOf(evicted)).toBe('False');
    // Evicted once: the pod is terminating now, and stays so until its kubelet comes back.
    expect(reconcile(store, 'gone').actions).toEqual([]);
  });

  it('honours a toleration with tolerationSeconds, and one without it forever (DaemonSet pods)', async () => {
    const store = await seed([
      node('gone', 'Unknown', [unreachable(30)]),
      pod('patient', 'gone', {
        ready: false,
        tolerations: [
          { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 45 },
        ],
      }),
      pod('daemon', 'gone', {
        ready: false,
        tolerations: [
          { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
          { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
        ],
      }),
      pod('impatient', 'gone', {
        ready: false,
        tolerations: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
      }),
    ]);
    const { actions, requeueAfterMs } = reconcile(store, 'gone');
    const evicted = actions.flatMap((a) => (a.type === 'update' ? [a.object.metadata.name] : []));
    expect(evicted).toEqual(['impatient']);
    expect(requeueAfterMs).toBe(15_000);
  });

  it('uses the default for not-ready/unreachable a pod does not mention, even with other tolerations', async () => {
    const store = await seed([
      node('gone', 'Unknown', [unreachable(25)]),
      pod('other-tolerations', 'gone', {
        ready: false,
        tolerations: [
          { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 },
        ],
      }),
    ]);
    const evicted = reconcile(store, 'gone').actions.filter((a) => a.type === 'update');
    expect(evicted).toHaveLength(1);
  });

  it('takes a configured default toleration', async () => {
    const store = await seed([
      node('gone', 'Unknown', [unreachable(25)]),
      pod('web', 'gone', { ready: false }),
    ]);
    const result = reconcile(store, 'gone', { defaultTolerationSeconds: 60 });
    expect(result.actions).toEqual([]);
    expect(result.requeueAfterMs).toBe(35_000);
  });

  it('leaves pods already terminating and finished pods alone', async () => {
    const store = await seed([
      node('gone', 'Unknown', [unreachable(120)]),
      pod('going', 'gone', { deleting: true, ready: false }),
      pod('done', 'gone', { phase: 'Succeeded', ready: false }),
      pod('failed', 'gone', { phase: 'Failed' }),
    ]);
    expect(reconcile(store, 'gone')).toEqual({ actions: [] });
  });

  it('evicts at once for a NoExecute taint a pod does not tolerate, even on a Ready node', async () => {
    const store = await seed([
      node('n', 'True', [{ key: 'maintenance', effect: 'NoExecute' }]),
      pod('web', 'n'),
      pod('ok', 'n', { tolerations: [{ key: 'maintenance', operator: 'Exists' }] }),
    ]);
    const { actions } = reconcile(store, 'n');
    // The taint gets its timeAdded; `web` goes; `ok` tolerates forever; nobody is marked not Ready.
    expect(
      actions.map((a) => (a.type === 'update' ? `${a.object.kind}/${a.object.metadata.name}` : a.type)),
    ).toEqual(['Node/n', 'Pod/web', 'event']);
    expect((await apply(store, actions)).failures).toEqual([]);
    expect(taintsOf(store, 'n')).toEqual([
      { key: 'maintenance', effect: 'NoExecute', timeAdded: secondsAgo(0) },
    ]);
  });

  it('uses Kubernetes’ toleration rules', () => {
    const taint: Taint = { key: 'k', value: 'v', effect: 'NoExecute' };
    expect(toleratesTaint({ key: 'k', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', operator: 'Equal', value: 'w' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
    const p = pod('p', 'n');
    expect(effectiveTolerations(p, 20).map((t) => t.key)).toEqual([TAINT_NOT_READY, TAINT_UNREACHABLE]);
    // The shortest tolerationSeconds of the tolerations used wins; an untolerated taint means at once.
    const both = [unreachable(0), taint];
    expect(tolerationSeconds([{ operator: 'Exists', tolerationSeconds: 50 }], both)).toBe(50);
    expect(tolerationSeconds(effectiveTolerations(p, 20), both)).toBe(0);
    expect(tolerationSeconds([], [])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('keys', () => {
  it('follows pods only on nodes that are not Ready or carry NoExecute taints', async () => {
    const store = await seed([node('ok', 'True'), node('gone', 'Unknown', [unreachable(1)])]);
    const c = new NodeLifecycleController();
    expect(c.keysFor(pod('a', 'ok') as KubeObject, store)).toEqual([]);
    expect(c.keysFor(pod('b', 'gone') as KubeObject, store)).toEqual(['gone']);
    expect(c.keysFor(pod('c', undefined) as KubeObject, store)).toEqual([]);
    expect(c.keysFor(store.get('Node', undefined, 'ok') as KubeObject, store)).toEqual(['ok']);
    expect(c.allKeys(store)).toEqual(['gone', 'ok']);
    expect(reconcile(store, 'missing')).toEqual({ actions: [] });
  });
});

describe('under the controller manager', () => {
  it('taints a node that went Unknown and evicts its pods when the toleration runs out', async () => {
    const store = await seed([node('ok', 'True'), pod('web', 'ok')]);
    const manager = new ControllerManager({
      store,
      recorder: { record: () => {} },
      logger: pino({ level: 'silent' }),
      controllers: [new NodeLifecycleController({ defaultTolerationSeconds: 1 })],
      resyncMs: 3_600_000, // no resync: the watch and requeueAfterMs must do it
    });
    try {
      manager.lead(4);
      await manager.idle();
      const ok = store.get('Node', undefined, 'ok') as Node;
      await store.updateStatus('Node', undefined, 'ok', {
        conditions: [{ type: 'Ready', status: 'Unknown', lastTransitionTime: new Date().toISOString() }],
      });
      expect(ok.spec?.taints).toBeUndefined();
      const deadline = Date.now() + 5_000;
      while (podOf(store, 'web').metadata.deletionTimestamp === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const evicted = podOf(store, 'web');
      expect(evicted.metadata.annotations?.[EVICTED_TERM_ANNOTATION]).toBe('4');
      expect(readyOf(evicted)).toBe('False');
      expect(taintsOf(store, 'ok').map((t) => t.key)).toEqual([TAINT_UNREACHABLE]);
    } finally {
      manager.stepDown();
    }
  });
});
