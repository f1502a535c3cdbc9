import { describe, expect, it } from 'vitest';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import type {
  Controller,
  ControllerAction,
  ReconcileResult,
} from '../../agent/controllers/controllerTypes.ts';
import { DaemonSetController } from '../../agent/controllers/daemonset/DaemonSetController.ts';
import {
  DAEMON_POD_TOLERATIONS,
  withDaemonTolerations,
} from '../../agent/controllers/daemonset/nodeEligibility.ts';
import { maxUnavailableOf, scaledValue } from '../../agent/controllers/daemonset/rollingUpdate.ts';
import { templateHash } from '../../agent/controllers/daemonset/templateHash.ts';
import { isPodAvailable } from '../../agent/controllers/podUtil.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { DaemonSet, Node, Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const START = new Date('2026-06-01T12:00:00Z');
const TERM = 7;
type Taint = NonNullable<NonNullable<Node['spec']>['taints']>[number];

/** A store, a clock and the DaemonSet controller; actions applied as the manager applies them. */
class Harness {
  readonly store = new MemoryClusterStore();
  readonly controller = new DaemonSetController();
  now = START;
  #suffix = 0;

  async daemonSet(spec: Record<string, unknown> = {}, name = 'agent'): Promise<DaemonSet> {
    const admitted = admitObject({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'agent', image: 'shoal.test/busybox:1' }] },
        },
        ...spec,
      },
    });
    if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
    return (await this.store.create(admitted.object)) as DaemonSet;
  }

  async node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Promise<Node> {
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
      spec: taints.length > 0 ? { taints } : {},
    };
    return (await this.store.create(node as KubeObject)) as Node;
  }

  async editNode(name: string, edit: (n: Node) => void): Promise<void> {
    const node = structuredClone(this.store.get('Node', undefined, name)) as Node;
    edit(node);
    await this.store.updateSpec(node as KubeObject);
  }

  async editDaemonSet(edit: (ds: DaemonSet) => void): Promise<void> {
    const ds = structuredClone(this.ds()) as DaemonSet;
    edit(ds);
    await this.store.updateSpec(ds as KubeObject);
  }

  ds(): DaemonSet {
    return this.store.get('DaemonSet', 'default', 'agent') as DaemonSet;
  }

  reconcile(): ReconcileResult {
    return this.controller.reconcile('default/agent', {
      view: this.store,
      now: this.now,
      term: TERM,
      randomSuffix: (n) => String(this.#suffix++).padStart(n, 'b'),
    });
  }

  async step(): Promise<ReconcileResult> {
    const result = this.reconcile();
    const failures = await applyActions(this.store, { record: () => {} }, result.actions);
    expect(failures).toEqual([]);
    return result;
  }

  pods(): Pod[] {
    return this.store.list('Pod', { namespace: 'default' }) as Pod[];
  }

  /** Node name → names of the pods bound there. */
  placement(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of this.pods()) {
      const node = p.spec.nodeName ?? '';
      out[node] = [...(out[node] ?? []), p.metadata.name];
    }
    return out;
  }

  /** As each node's kubelet would: pods Running and Ready since `since`. */
  async makeReady(pods: readonly Pod[], since = this.now): Promise<void> {
    for (const p of pods) {
      await this.store.updateStatus('Pod', 'default', p.metadata.name, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since.toISOString() }],
      });
    }
  }

  /** As the kubelets would: pods marked for deletion are removed once stopped. */
  async finishDeletions(): Promise<void> {
    for (const p of this.pods()) {
      if (p.metadata.deletionTimestamp) await this.store.delete('Pod', 'default', p.metadata.name);
    }
  }
}

const creates = (actions: readonly ControllerAction[]) =>
  actions.flatMap((a) => (a.type === 'create' ? [a.object as Pod] : []));
const deletes = (actions: readonly ControllerAction[]) =>
  actions.flatMap((a) => (a.type === 'delete' ? [a] : []));
const reasons = (actions: readonly ControllerAction[]) =>
  actions.flatMap((a) => (a.type === 'event' ? [`${a.event.reason}: ${a.event.message}`] : []));

describe('DaemonSetController keys', () => {
  it('maps a DaemonSet to its key, a pod to its controller, and a node to every DaemonSet', async () => {
    const h = new Harness();
    const ds = await h.daemonSet();
    await h.daemonSet({}, 'logs');
    const node = await h.node('n1');
    const c: Controller = h.controller;
    expect(c.keysFor(ds, h.store)).toEqual(['default/agent']);
    expect(c.keysFor(node, h.store)).toEqual(['default/agent', 'default/logs']);
    expect(c.allKeys(h.store)).toEqual(['default/agent', 'default/logs']);
    await h.step();
    const pod = h.pods()[0]!;
    expect(c.keysFor(pod, h.store)).toEqual(['default/agent']);
    expect(c.keysFor({ ...pod, metadata: { ...pod.metadata, ownerReferences: [] } }, h.store)).toEqual([]);
  });
});

describe('DaemonSetController placement', () => {
  it('creates one pod per node, bound, stamped with the term, labelled with the template hash', async () => {
    const h = new Harness();
    const ds = await h.daemonSet();
    await h.node('n1');
    await h.node('n2');
    const result = await h.step();
    expect(reasons(result.actions)).toEqual([
      'SuccessfulCreate: Created pod: agent-bbbb0',
      'SuccessfulCreate: Created pod: agent-bbbb1',
    ]);
    expect(h.placement()).toEqual({ n1: ['agent-bbbb0'], n2: ['agent-bbbb1'] });
    const pod = h.pods()[0]!;
    expect(pod.metadata.annotations).toEqual({ 'shoal.dev/assigned-term': String(TERM) });
    expect(pod.metadata.labels).toEqual({
      app: 'agent',
      'controller-revision-hash': templateHash(ds.spec.template),
    });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DaemonSet',
      name: 'agent',
      uid: ds.metadata.uid,
    });
    expect(pod.spec.tolerations).toEqual(DAEMON_POD_TOLERATIONS);
    expect(pod.spec.restartPolicy).toBe('Always');
    // The status counts what the snapshot held; the pods' creation brings the key back for it.
    const counted = await h.step();
    expect(counted.actions.map((a) => a.type)).toEqual(['updateStatus']);
    expect(h.ds().status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });
    // Settled: nothing more on a resync.
    expect(h.reconcile().actions).toEqual([]);
  });

  it('skips nodes off its nodeSelector, with untolerated taints, or being deleted', async () => {
    const h = new Harness();
    await h.daemonSet({
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: {
          nodeSelector: { disk: 'ssd' },
          containers: [{ name: 'agent', image: 'shoal.test/busybox:1' }],
        },
      },
    });
    await h.node('plain');
    await h.node('ssd', { disk: 'ssd' });
    await h.node('tainted', { disk: 'ssd' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    await h.node('going', { disk: 'ssd' });
    await h.editNode('going', (n) => {
      n.metadata.deletionTimestamp = START.toISOString();
    });
    await h.step();
    await h.step();
    expect(Object.keys(h.placement())).toEqual(['ssd']);
    expect(h.ds().status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });
  });

  it("tolerates the node conditions' taints every daemon pod tolerates", async () => {
    const h = new Harness();
    await h.daemonSet();
    await h.node('not-ready', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]);
    await h.node('unreachable', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]);
    await h.node('cordoned', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    await h.node('pressure', {}, [
      { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' },
    ]);
    await h.step();
    expect(Object.keys(h.placement()).sort()).toEqual(['cordoned', 'not-ready', 'pressure', 'unreachable']);
  });

  it('honours its own tolerations and required node affinity', async () => {
    const h = new Harness();
    await h.daemonSet({
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: {
          containers: [{ name: 'agent', image: 'shoal.test/busybox:1' }],
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] },
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['chosen'] }] },
                ],
              },
            },
          },
        },
      },
    });
    await h.node('big', { cores: '8' }, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    await h.node('big-db', { cores: '8' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    await h.node('small', { cores: '2' });
    await h.node('chosen');
    await h.step();
    expect(Object.keys(h.placement()).sort()).toEqual(['big', 'chosen']);
    // A user toleration equal to a daemon one is replaced by it, not duplicated.
    expect(
      withDaemonTolerations([
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 5,
        },
      ]).filter((t) => t.key === 'node.kubernetes.io/not-ready'),
    ).toEqual([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]);
  });
});

describe('DaemonSetController follows nodes', () => {
  it('adds a pod on a node that joins, and only there', async () => {
    const h = new Harness();
    await h.daemonSet();
    await h.node('n1');
    await h.step();
    await h.node('n2');
    const result = await h.step();
    expect(creates(result.actions).map((p) => p.spec.nodeName)).toEqual(['n2']);
    expect(deletes(result.actions)).toEqual([]);
  });

  it('removes at once the pod of a node that left', async () => {
    const h = new Harness();
    await h.daemonSet();
    await h.node('n1');
    await h.node('n2');
    await h.step();
    const onN2 = h.placement().n2![0]!;
    await h.store.delete('Node', undefined, 'n2');
    const result = await h.step();
    expect(deletes(result.actions)).toEqual([
      {
        type: 'delete',
        kind: 'Pod',
        namespace: 'default',
        name: onN2,
        uid: expect.any(String),
        gracePeriodSeconds: 0,
      },
    ]);
    expect(reasons(result.actions)).toEqual([`SuccessfulDelete: Deleted pod: ${onN2}`]);
    expect(Object.keys(h.placement())).toEqual(['n1']);
    expect(h.ds().status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });
  });

  it('follows a node relabelled out of and back into its selector', async () => {
    const h = new Harness();
    await h.daemonSet({
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: {
          nodeSelector: { role: 'edge' },
          containers: [{ name: 'agent', image: 'shoal.test/busybox:1' }],
        },
      },
    });
    await h.node('n1', { role: 'edge' });
    await h.step();
    const first = h.pods()[0]!;
    expect(first.spec.nodeName).toBe('n1');

    await h.editNode('n1', (n) => {
      n.metadata.labels = { role: 'core' };
    });
    const out = await h.step();
    // Graceful: the node's kubelet stops it.
    expect(deletes(out.actions)).toEqual([
      {
        type: 'delete',
        kind: 'Pod',
        namespace: 'default',
        name: first.metadata.name,
        uid: first.metadata.uid,
      },
    ]);
    expect(h.ds().status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
    await h.finishDeletions();
    await h.step();
    expect(h.ds().status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 0 });

    await h.editNode('n1', (n) => {
      n.metadata.labels = { role: 'edge' };
    });
    const back = await h.step();
    expect(creates(back.actions).map((p) => p.spec.nodeName)).toEqual(['n1']);
  });

  it('keeps its pod on a node newly tainted NoSchedule, and removes it for an untolerated NoExecute', async () => {
    const h = new Harness();
    await h.daemonSet();
    await h.node('n1');
    await h.step();
    await h.editNode('n1', (n) => {
      n.spec = { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] };
    });
    const kept = await h.step();
    expect(deletes(kept.actions)).toEqual([]);
    expect(h.ds().status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
    await h.editNode('n1', (n) => {
      n.spec = { taints: [{ key: 'maintenance', effect: 'NoExecute' }] };
    });
    expect(deletes((await h.step()).actions)).toHaveLength(1);
  });
});

describe('DaemonSetController pod hygiene', () => {
  it('keeps the oldest of several pods on a node', async () => {
    const h = new Harness();
    await h.daemonSet();
    await h.node('n1');
    await h.step();
    const [older] = h.pods();
    // A second pod on the same node, a second later (a clone with a new name: as a lost race would leave).
    const twin = structuredClone(older!) as Pod;
    twin.metadata = { ...twin.metadata, name: 'agent-twin' };
    delete twin.metadata.uid;
    delete twin.metadata.creationTimestamp;
    delete twin.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 5));
    await h.store.create(twin as KubeObject);
    const result = await h.step();
    expect(deletes(result.actions).map((d) => d.name)).toEqual(['agent-twin']);
  });

  it('deletes a failed pod with a warning, and replaces it once it is gone', async () => {
    const h = new Harness();
    await h.daemonSet();
    await h.node('n1');
    await h.step();
    const [pod] = h.pods();
    await h.store.updateStatus('Pod', 'default', pod!.metadata.name, { phase: 'Failed' });
    const result = await h.step();
    expect(reasons(result.actions)).toEqual([
      `FailedDaemonPod: Found failed daemon pod default/${pod!.metadata.name} on node n1, will try to kill it`,
      `SuccessfulDelete: Deleted pod: ${pod!.metadata.name}`,
    ]);
    // Still terminating: no second pod yet.
    expect(creates((await h.step()).actions)).toEqual([]);
    await h.finishDeletions();
    expect(creates((await h.step()).actions).map((p) => p.spec.nodeName)).toEqual(['n1']);
  });
});

describe('DaemonSetController status', () => {
  it('reports the counts and writes them only when they change', async () => {
    const h = new Harness();
    await h.daemonSet({ minReadySeconds: 30 });
    await h.node('n1');
    await h.node('n2');
    await h.node('off', {}, [{ key: 'x', effect: 'NoSchedule' }]);
    await h.step();
    expect(h.ds().status).toEqual({
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 0,
      observedGeneration: 1,
      updatedNumberScheduled: 0,
      numberAvailable: 0,
      numberUnavailable: 2,
    });
    await h.step();
    expect(h.ds().status).toMatchObject({
      currentNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberReady: 0,
    });
    expect(h.reconcile().actions).toEqual([]);

    await h.makeReady(h.pods(), new Date(START.getTime() - 10_000));
    const ready = await h.step();
    // Ready, but available only after minReadySeconds: looked at again then.
    expect(ready.requeueAfterMs).toBe(20_000);
    expect(h.ds().status).toMatchObject({ numberReady: 2, numberAvailable: 0, numberUnavailable: 2 });
    h.now = new Date(START.getTime() + 20_000);
    await h.step();
    expect(h.ds().status).toMatchObject({ numberReady: 2, numberAvailable: 2, numberUnavailable: 0 });
  });
});

describe('DaemonSetController rolling update', () => {
  async function rolledOut(nodes: number, maxUnavailable: number | string, strategy = 'RollingUpdate') {
    const h = new Harness();
    await h.daemonSet({
      updateStrategy:
        strategy === 'RollingUpdate'
          ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable } }
          : { type: 'OnDelete' },
    });
    for (let i = 1; i <= nodes; i++) await h.node(`n${i}`);
    await h.step();
    await h.makeReady(h.pods());
    await h.step();
    await h.editDaemonSet((ds) => {
      ds.spec.template.spec.containers[0]!.image = 'shoal.test/busybox:2';
    });
    return h;
  }

  it('replaces old pods never more than maxUnavailable at a time, until all run the new template', async () => {
    const h = await rolledOut(4, 1);
    const newHash = templateHash(h.ds().spec.template);
    let rounds = 0;
    for (;;) {
      const pods = h.pods();
      const available = pods.filter((p) => !p.metadata.deletionTimestamp && isPodAvailable(p, 0, h.now));
      expect(available.length).toBeGreaterThanOrEqual(4 - 1);
      if (
        pods.length === 4 &&
        pods.every((p) => p.metadata.labels?.['controller-revision-hash'] === newHash)
      ) {
        if (available.length === 4) break;
      }
      const result = await h.step();
      expect(deletes(result.actions).length).toBeLessThanOrEqual(1);
      // The kubelets: stop what was deleted, start what was created.
      await h.finishDeletions();
      await h.makeReady(
        creates(result.actions).map((p) => h.store.get('Pod', 'default', p.metadata.name) as Pod),
      );
      if (++rounds > 40) throw new Error('the rolling update does not converge');
    }
    expect(Object.values(h.placement()).map((names) => names.length)).toEqual([1, 1, 1, 1]);
    await h.step();
    expect(h.ds().status).toMatchObject({
      desiredNumberScheduled: 4,
      updatedNumberScheduled: 4,
      numberAvailable: 4,
    });
  });

  it('deletes as many old pods as a percentage allows, and waits for unavailable new ones', async () => {
    const h = await rolledOut(4, '50%');
    const first = await h.step();
    expect(deletes(first.actions).map((d) => d.name)).toEqual(['agent-bbbb0', 'agent-bbbb1']);
    // While they terminate, no more.
    expect(deletes((await h.step()).actions)).toEqual([]);
    await h.finishDeletions();
    const replaced = await h.step();
    expect(creates(replaced.actions).map((p) => p.spec.nodeName)).toEqual(['n1', 'n2']);
    // New pods not ready yet: they count against maxUnavailable, so the other old ones stay.
    expect(deletes((await h.step()).actions)).toEqual([]);
    await h.makeReady(h.pods().filter((p) => p.spec.nodeName === 'n1'));
    expect(deletes((await h.step()).actions).map((d) => d.name)).toEqual(['agent-bbbb2']);
  });

  it('replaces an unavailable old pod without waiting', async () => {
    const h = await rolledOut(3, 1);
    await h.store.updateStatus('Pod', 'default', 'agent-bbbb2', { phase: 'Running' });
    const result = await h.step();
    expect(deletes(result.actions).map((d) => d.name)).toEqual(['agent-bbbb2', 'agent-bbbb0']);
  });

  it('changes nothing by itself with OnDelete; a pod deleted by hand comes back new', async () => {
    const h = await rolledOut(2, 1, 'OnDelete');
    expect(deletes((await h.step()).actions)).toEqual([]);
    await h.store.delete('Pod', 'default', 'agent-bbbb0');
    const [created] = creates((await h.step()).actions);
    expect(created?.metadata.labels?.['controller-revision-hash']).toBe(templateHash(h.ds().spec.template));
    expect(h.ds().status).toMatchObject({ updatedNumberScheduled: 0 });
    await h.step();
    expect(h.ds().status).toMatchObject({ updatedNumberScheduled: 1 });
  });

  it('with maxSurge, starts each new pod beside the old one and keeps every node available', async () => {
    const h = new Harness();
    await h.daemonSet({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    });
    for (const n of ['n1', 'n2', 'n3']) await h.node(n);
    await h.step();
    await h.makeReady(h.pods());
    await h.step();
    await h.editDaemonSet((ds) => {
      ds.spec.template.spec.containers[0]!.image = 'shoal.test/busybox:2';
    });
    const newHash = templateHash(h.ds().spec.template);
    const first = await h.step();
    expect(creates(first.actions).map((p) => p.spec.nodeName)).toEqual(['n1']);
    expect(deletes(first.actions)).toEqual([]);
    // Until the new pod is available, the old one stays and no other node surges.
    expect(h.reconcile().actions).toEqual([]);
    let rounds = 0;
    for (;;) {
      const live = h.pods().filter((p) => !p.metadata.deletionTimestamp);
      // Every node keeps an available pod, and at most one extra pod runs.
      for (const n of ['n1', 'n2', 'n3']) {
        expect(live.some((p) => p.spec.nodeName === n && isPodAvailable(p, 0, h.now))).toBe(true);
      }
      expect(live.length).toBeLessThanOrEqual(4);
      if (live.length === 3 && live.every((p) => p.metadata.labels?.['controller-revision-hash'] === newHash))
        break;
      // The kubelets: new pods become ready, deleted ones go.
      await h.makeReady(live.filter((p) => p.status?.phase !== 'Running'));
      await h.finishDeletions();
      await h.step();
      if (++rounds > 40) throw new Error('the surge update does not converge');
    }
  });

  it('scales maxUnavailable as Kubernetes does', async () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(scaledValue(2, 10, true)).toBe(2);
    const h = new Harness();
    // Admission refuses 0 with no surge; a stored object could still say it.
    const ds = structuredClone(await h.daemonSet());
    ds.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0%' } };
    expect(maxUnavailableOf(ds, 5)).toBe(1);
    expect(maxUnavailableOf(ds, 0)).toBe(0);
  });

  it('hashes a template the same whatever its key order', () => {
    const a = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } };
    const b = { spec: { containers: [{ image: 'i:1', name: 'c' }] }, metadata: { labels: { app: 'x' } } };
    expect(templateHash(a)).toBe(templateHash(b));
    expect(templateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'i:2' }] } })).not.toBe(
      templateHash(a),
    );
  });
});
