import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import { ControllerManager } from '../../agent/controllers/ControllerManager.ts';
import type { ControllerContext } from '../../agent/controllers/controllerTypes.ts';
import { SCHEDULER_KEY, SchedulerController } from '../../agent/controllers/scheduler/SchedulerController.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import { node, pod } from './schedulerFixtures.ts';

const NOW = new Date('2026-06-01T12:00:10Z');

async function seed(objects: KubeObject[]) {
  const store = new MemoryClusterStore();
  for (const o of objects) await store.create(o);
  const events: EventRecord[] = [];
  const recorder = { record: (e: EventRecord) => events.push(e) };
  const ctx: ControllerContext = { view: store, now: NOW, term: 7, randomSuffix: () => 'xxxxx' };
  return { store, events, recorder, ctx };
}

describe('SchedulerController', () => {
  const scheduler = new SchedulerController();

  it('watches nodes, and the pod changes that may make room or need a place, through one key', async () => {
    const { store } = await seed([node('n'), pod('running', { node: 'n' })]);
    expect(scheduler.keysFor(node('n') as KubeObject, store)).toEqual([SCHEDULER_KEY]);
    expect(scheduler.keysFor(pod('p') as KubeObject, store)).toEqual([SCHEDULER_KEY]);
    // A running pod's status update: nothing to do.
    expect(scheduler.keysFor(store.get('Pod', 'default', 'running') as KubeObject, store)).toEqual([]);
    // The same pod ended, or removed from the store: room is free.
    expect(scheduler.keysFor(pod('running', { node: 'n', phase: 'Succeeded' }) as KubeObject, store)).toEqual(
      [SCHEDULER_KEY],
    );
    const last = store.get('Pod', 'default', 'running') as KubeObject;
    await store.delete('Pod', 'default', 'running');
    expect(scheduler.keysFor(last, store)).toEqual([SCHEDULER_KEY]);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } as KubeObject;
    expect(scheduler.keysFor(configMap, store)).toEqual([]);
    expect(scheduler.allKeys()).toEqual([SCHEDULER_KEY]);
  });

  it('binds a pending pod with the term, conditionally, and records Scheduled', async () => {
    const { store, ctx, recorder, events } = await seed([
      node('node-a', { cpu: '1' }),
      node('node-b'),
      pod('web-abc', { cpu: '500m' }),
    ]);
    const stored = store.get('Pod', 'default', 'web-abc') as Pod;
    const { actions, requeueAfterMs } = scheduler.reconcile(SCHEDULER_KEY, ctx);
    expect(requeueAfterMs).toBeUndefined();
    expect(actions).toHaveLength(2);
    const [update, event] = actions;
    expect(update?.type).toBe('update');
    const bound = (update as { object: Pod }).object;
    expect(bound.spec.nodeName).toBe('node-b');
    expect(bound.metadata.annotations).toEqual({ 'shoal.dev/assigned-term': '7' });
    expect(bound.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
    expect(event).toEqual({
      type: 'event',
      event: {
        involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-abc', uid: stored.metadata.uid },
        type: 'Normal',
        reason: 'Scheduled',
        message: 'Successfully assigned default/web-abc to node-b',
      },
    });
    expect(await applyActions(store, recorder, actions)).toEqual([]);
    expect((store.get('Pod', 'default', 'web-abc') as Pod).spec.nodeName).toBe('node-b');
    expect(events.map((e) => e.reason)).toEqual(['Scheduled']);
    expect(scheduler.reconcile(SCHEDULER_KEY, ctx).actions).toEqual([]);
  });

  it('marks an unplaceable pod PodScheduled False once, and again only when the reason changes', async () => {
    const { store, ctx, recorder, events } = await seed([
      node('a', { memory: '1Gi' }),
      node('b', { memory: '1Gi' }),
      node('c', { memory: '8Gi', labels: { disk: 'hdd' } }),
      pod('big', { memory: '2Gi', spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } }),
    ]);
    // Nodes a and b carry the os label, c does not.
    for (const name of ['a', 'b']) {
      const n = structuredClone(store.get('Node', undefined, name)) as KubeObject;
      n.metadata.labels = { ...n.metadata.labels, 'kubernetes.io/os': 'linux' };
      await store.updateSpec(n);
    }
    const first = scheduler.reconcile(SCHEDULER_KEY, ctx).actions;
    const message =
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory.";
    expect(first).toEqual([
      {
        type: 'updateStatus',
        kind: 'Pod',
        namespace: 'default',
        name: 'big',
        status: {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message,
              lastTransitionTime: NOW.toISOString(),
            },
          ],
        },
      },
      {
        type: 'event',
        event: {
          involvedObject: expect.objectContaining({ kind: 'Pod', name: 'big' }),
          type: 'Warning',
          reason: 'FailedScheduling',
          message,
        },
      },
    ]);
    expect(await applyActions(store, recorder, first)).toEqual([]);
    // A resync with nothing changed writes nothing.
    expect(scheduler.reconcile(SCHEDULER_KEY, ctx).actions).toEqual([]);
    // Cordoning b changes the message: one new status and event.
    const b = structuredClone(store.get('Node', undefined, 'b')) as KubeObject<
      'Node',
      { unschedulable?: boolean }
    >;
    b.spec = { unschedulable: true };
    await store.updateSpec(b);
    const second = scheduler.reconcile(SCHEDULER_KEY, ctx).actions;
    expect(second.map((a) => a.type)).toEqual(['updateStatus', 'event']);
    expect((second[1] as { event: EventRecord }).event.message).toBe(
      "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable.",
    );
    await applyActions(store, recorder, second);
    expect(events.map((e) => e.reason)).toEqual(['FailedScheduling', 'FailedScheduling']);
    // Room appears: the pod is placed.
    const a = structuredClone(store.get('Node', undefined, 'a')) as KubeObject;
    await store.updateStatus('Node', undefined, 'a', {
      ...(a.status as object),
      allocatable: { cpu: '4', memory: '4Gi', pods: '110' },
    });
    const third = scheduler.reconcile(SCHEDULER_KEY, ctx).actions;
    expect((third[0] as { object: Pod }).object.spec.nodeName).toBe('a');
  });

  it('ignores finished pods, and places at most a pass worth at a time', async () => {
    const { store, ctx, recorder } = await seed([
      node('a'),
      // The store stamps creation times (to the second): same second, so by name.
      pod('p3'),
      pod('p1'),
      pod('p2'),
      pod('failed', { phase: 'Failed' }),
    ]);
    const small = new SchedulerController({ maxPlacementsPerPass: 2 });
    const first = small.reconcile(SCHEDULER_KEY, ctx);
    expect(first.requeueAfterMs).toBe(0);
    const names = first.actions
      .filter((a) => a.type === 'update')
      .map((a) => (a as { object: Pod }).object.metadata.name);
    expect(names).toEqual(['p1', 'p2']);
    await applyActions(store, recorder, first.actions);
    const second = small.reconcile(SCHEDULER_KEY, ctx);
    expect(second.requeueAfterMs).toBeUndefined();
    expect(second.actions.filter((a) => a.type === 'update')).toHaveLength(1);
  });

  it('under the ControllerManager, places a pod of a new node once it is Ready', async () => {
    const { store, recorder, events } = await seed([node('a', { ready: 'False' }), pod('web')]);
    const manager = new ControllerManager({
      store,
      recorder,
      logger: pino({ level: 'silent' }),
      controllers: [new SchedulerController()],
    });
    manager.lead(4);
    await manager.idle();
    expect(events.map((e) => e.message)).toEqual([
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    ]);
    const a = store.get('Node', undefined, 'a') as KubeObject;
    await store.updateStatus('Node', undefined, 'a', {
      ...(a.status as object),
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    await manager.idle();
    manager.stepDown();
    const placed = store.get('Pod', 'default', 'web') as Pod;
    expect(placed.spec.nodeName).toBe('a');
    expect(placed.metadata.annotations?.['shoal.dev/assigned-term']).toBe('4');
    expect(events.map((e) => e.reason)).toEqual(['FailedScheduling', 'Scheduled']);
  });
});
