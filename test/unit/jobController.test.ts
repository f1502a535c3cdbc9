import { describe, expect, it } from 'vitest';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import type {
  Controller,
  ControllerAction,
  ReconcileResult,
} from '../../agent/controllers/controllerTypes.ts';
import { generatedPodName } from '../../agent/controllers/generatedNames.ts';
import { JobController } from '../../agent/controllers/job/JobController.ts';
import { MAX_POD_FAILURE_BACKOFF_MS, POD_FAILURE_BACKOFF_MS } from '../../agent/controllers/job/planJob.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Job, Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const START = new Date('2026-06-01T12:00:00Z');
type Phase = NonNullable<Pod['status']>['phase'];

/** A store, a clock and the Job controller: one reconcile at a time, its actions applied as the manager does. */
class Harness {
  readonly store = new MemoryClusterStore();
  readonly controller = new JobController();
  readonly events: EventRecord[] = [];
  now = START;
  #suffix = 0;

  async job(spec: Record<string, unknown>, name = 'pi', raw = false): Promise<Job> {
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'shoal.test/busybox:1' }] },
        },
        ...spec,
      },
    };
    let obj: unknown = manifest;
    if (!raw) {
      const admitted = admitObject(manifest);
      if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
      obj = admitted.object;
    }
    return (await this.store.create(obj as KubeObject)) as Job;
  }

  reconcile(key = 'default/pi'): ReconcileResult {
    return this.controller.reconcile(key, {
      view: this.store,
      now: this.now,
      term: 3,
      randomSuffix: (n) => String(this.#suffix++).padStart(n, 'b'),
    });
  }

  /** One reconcile, applied; returns what it planned. */
  async step(key = 'default/pi'): Promise<ReconcileResult> {
    const result = this.reconcile(key);
    const failures = await applyActions(this.store, { record: (e) => this.events.push(e) }, result.actions);
    expect(failures).toEqual([]);
    return result;
  }

  get(name = 'pi'): Job | undefined {
    return this.store.get('Job', 'default', name) as Job | undefined;
  }

  pods(): Pod[] {
    return this.store.list('Pod', { namespace: 'default' }) as Pod[];
  }

  live(): Pod[] {
    return this.pods().filter(
      (p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
    );
  }

  async setPhase(pod: Pod, phase: Phase, extra: Record<string, unknown> = {}): Promise<void> {
    await this.store.updateStatus('Pod', 'default', pod.metadata.name, { phase, ...extra });
  }

  /** As the scheduler would: binds a pod (so its deletion is graceful). */
  async bind(pod: Pod): Promise<void> {
    const bound = structuredClone(pod) as Pod;
    bound.spec.nodeName = 'n1';
    await this.store.updateSpec(bound as KubeObject);
  }

  advance(seconds: number): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }
}

const ofType = (actions: readonly ControllerAction[], type: ControllerAction['type']) =>
  actions.filter((a) => a.type === type);
const reasons = (actions: readonly ControllerAction[]) =>
  actions.flatMap((a) => (a.type === 'event' ? [`${a.event.reason}: ${a.event.message}`] : []));
const condition = (job: Job | undefined, type: string) =>
  job?.status?.conditions?.find((c) => c.type === type);

describe('JobController keys', () => {
  it('maps a Job to its key and a pod to its controlling Job', async () => {
    const h = new Harness();
    const job = await h.job({});
    const c: Controller = h.controller;
    expect(c.keysFor(job, h.store)).toEqual(['default/pi']);
    expect(c.allKeys(h.store)).toEqual(['default/pi']);
    await h.step();
    const [pod] = h.pods();
    expect(c.keysFor(pod!, h.store)).toEqual(['default/pi']);
    const stray = { ...pod!, metadata: { ...pod!.metadata, ownerReferences: undefined } } as KubeObject;
    expect(c.keysFor(stray, h.store)).toEqual([]);
    expect(h.reconcile('default/missing').actions).toEqual([]);
    expect(h.reconcile('garbage').actions).toEqual([]);
  });
});

describe('JobController pods', () => {
  it('creates min(parallelism, completions) pods from the template, labelled and owned', async () => {
    const h = new Harness();
    const job = await h.job({ completions: 5, parallelism: 2 });
    const result = await h.step();
    expect(reasons(result.actions)).toEqual([
      'SuccessfulCreate: Created pod: pi-bbbb0',
      'SuccessfulCreate: Created pod: pi-bbbb1',
    ]);
    const pods = h.pods();
    expect(pods.map((p) => p.metadata.name)).toEqual(['pi-bbbb0', 'pi-bbbb1']);
    const pod = pods[0]!;
    expect(pod.metadata.labels).toEqual({
      'job-name': 'pi',
      'controller-uid': job.metadata.uid,
      'batch.kubernetes.io/job-name': 'pi',
      'batch.kubernetes.io/controller-uid': job.metadata.uid,
    });
    expect(pod.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'pi',
        uid: job.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.nodeName).toBeUndefined();
    expect(h.get()?.status).toEqual({
      startTime: START.toISOString(),
      active: 2,
      ready: 0,
      succeeded: 0,
      failed: 0,
    });
  });

  it('keeps the template restart policy OnFailure', async () => {
    const h = new Harness();
    await h.job({
      template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'x:1' }] } },
    });
    await h.step();
    expect(h.pods()[0]?.spec.restartPolicy).toBe('OnFailure');
  });

  it('runs to completion through the pods succeeding, then keeps them', async () => {
    const h = new Harness();
    await h.job({ completions: 3, parallelism: 2 });
    await h.step();
    const [a, b] = h.pods();
    await h.setPhase(a!, 'Running');
    await h.setPhase(b!, 'Running', {
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: START.toISOString() }],
    });
    await h.step();
    expect(h.get()?.status).toMatchObject({ active: 2, ready: 1, succeeded: 0 });

    await h.setPhase(a!, 'Succeeded');
    h.advance(5);
    const second = await h.step();
    // One completion left to start, one still running: only one new pod.
    expect(ofType(second.actions, 'create')).toHaveLength(1);
    expect(h.get()?.status).toMatchObject({ active: 2, succeeded: 1, failed: 0 });
    expect(condition(h.get(), 'Complete')).toBeUndefined();

    for (const p of h.live()) await h.setPhase(p, 'Succeeded');
    h.advance(5);
    const done = await h.step();
    expect(reasons(done.actions)).toEqual(['Completed: Job completed']);
    const status = h.get()?.status;
    expect(status).toMatchObject({ active: 0, succeeded: 3, failed: 0, completionTime: h.now.toISOString() });
    expect(condition(h.get(), 'Complete')).toEqual({
      type: 'Complete',
      status: 'True',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
      lastProbeTime: h.now.toISOString(),
      lastTransitionTime: h.now.toISOString(),
    });
    expect(h.pods()).toHaveLength(3);

    // A resync of a finished Job writes nothing and records nothing.
    h.advance(60);
    expect(h.reconcile()).toEqual({ actions: [] });
  });

  it('writes no status when nothing changed', async () => {
    const h = new Harness();
    await h.job({});
    await h.step();
    h.advance(1);
    expect(h.reconcile()).toEqual({ actions: [] });
  });

  it('deletes active pods beyond parallelism, unscheduled first', async () => {
    const h = new Harness();
    await h.job({ completions: 4, parallelism: 3 });
    await h.step();
    const [a, b] = h.pods();
    await h.bind(a!);
    await h.bind(b!);
    const job = structuredClone(h.get()!) as Job;
    job.spec.parallelism = 1;
    await h.store.updateSpec(job as KubeObject);
    const result = await h.step();
    expect(ofType(result.actions, 'delete').map((a) => (a.type === 'delete' ? a.name : ''))).toEqual([
      'pi-bbbb2',
      'pi-bbbb0',
    ]);
    expect(h.get()?.status?.active).toBe(1);
  });

  it('with no completions, starts no more pods once one succeeded and completes when all are done', async () => {
    const h = new Harness();
    // As a raw object: Shoal's defaults would fill in completions.
    await h.job({ parallelism: 2, backoffLimit: 6 }, 'pi', true);
    await h.step();
    const [a, b] = h.pods();
    await h.setPhase(a!, 'Succeeded');
    const next = await h.step();
    expect(ofType(next.actions, 'create')).toEqual([]);
    expect(condition(h.get(), 'Complete')).toBeUndefined();
    await h.setPhase(b!, 'Succeeded');
    await h.step();
    expect(condition(h.get(), 'Complete')?.status).toBe('True');
    expect(h.get()?.status).toMatchObject({ succeeded: 2, active: 0 });
  });

  it('keeps counts already in its status when a finished pod is removed', async () => {
    const h = new Harness();
    await h.job({ completions: 2 });
    await h.step();
    const [a] = h.pods();
    await h.setPhase(a!, 'Succeeded');
    await h.step();
    expect(h.get()?.status?.succeeded).toBe(1);
    await h.store.delete('Pod', 'default', a!.metadata.name);
    const result = await h.step();
    expect(ofType(result.actions, 'create')).toEqual([]);
    expect(h.get()?.status?.succeeded).toBe(1);
  });

  it('names pods <job>-<suffix>, cutting long names as the API server does', () => {
    expect(generatedPodName('pi', 'x7k2p')).toBe('pi-x7k2p');
    const long = 'a'.repeat(70);
    expect(generatedPodName(long, 'x7k2p')).toBe(`${'a'.repeat(58)}x7k2p`);
  });
});

describe('JobController failures', () => {
  it('waits out the pod-failure back-off, then fails the Job past backoffLimit', async () => {
    const h = new Harness();
    await h.job({ backoffLimit: 1 });
    await h.step();
    const [first] = h.pods();
    await h.setPhase(first!, 'Failed', {
      containerStatuses: [
        {
          name: 'pi',
          ready: false,
          restartCount: 0,
          image: 'shoal.test/busybox:1',
          state: { terminated: { exitCode: 1, finishedAt: h.now.toISOString() } },
        },
      ],
    });
    h.advance(2);
    const waiting = await h.step();
    expect(ofType(waiting.actions, 'create')).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(POD_FAILURE_BACKOFF_MS - 2000);
    expect(h.get()?.status).toMatchObject({ active: 0, failed: 1 });

    h.advance(8);
    const retry = await h.step();
    expect(reasons(retry.actions)).toEqual(['SuccessfulCreate: Created pod: pi-bbbb1']);
    const second = h.live()[0]!;
    await h.setPhase(second, 'Failed');
    const failed = await h.step();
    expect(reasons(failed.actions)).toEqual([
      'BackoffLimitExceeded: Job has reached the specified backoff limit',
    ]);
    const event = failed.actions.find((a) => a.type === 'event');
    expect(event?.type === 'event' && event.event.type).toBe('Warning');
    expect(condition(h.get(), 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(h.get()?.status).toMatchObject({ active: 0, failed: 2, succeeded: 0 });
    expect(h.get()?.status?.completionTime).toBeUndefined();
    // Finished: no new pods, ever.
    h.advance(600);
    expect(h.reconcile().actions).toEqual([]);
  });

  it('waits twice as long after a second failure, and not at all after a success', async () => {
    const h = new Harness();
    await h.job({ completions: 3, backoffLimit: 10 });
    await h.step();
    const failAt = (p: Pod, t: Date, phase: Phase = 'Failed') =>
      h.setPhase(p, phase, {
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t.toISOString() }],
      });
    await failAt(h.live()[0]!, h.now);
    h.advance(10);
    await h.step();
    await failAt(h.live()[0]!, h.now);
    expect(h.reconcile().requeueAfterMs).toBe(2 * POD_FAILURE_BACKOFF_MS);
    h.advance(20);
    await h.step();
    await failAt(h.live()[0]!, h.now, 'Succeeded');
    h.advance(1);
    expect(ofType((await h.step()).actions, 'create')).toHaveLength(1);
  });

  it('doubles the back-off per failure since the last success, up to six minutes', async () => {
    const h = new Harness();
    await h.job({ completions: 10, backoffLimit: 100 });
    await h.step();
    // Eight failed pods, all finished at START (their creation time is "now" in the store, later).
    for (let i = 0; i < 8; i++) {
      const pod = h.live()[0]!;
      await h.setPhase(pod, 'Failed', {
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: START.toISOString() }],
      });
      h.now = new Date(START.getTime() + MAX_POD_FAILURE_BACKOFF_MS * 10 * (i + 1));
      await h.step();
    }
    const lastPod = h.live()[0]!;
    await h.setPhase(lastPod, 'Failed', {
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: h.now.toISOString() }],
    });
    const result = h.reconcile();
    expect(ofType(result.actions, 'create')).toEqual([]);
    expect(result.requeueAfterMs).toBe(MAX_POD_FAILURE_BACKOFF_MS);
  });

  it('stops the running pods when it fails, and counts them as failed', async () => {
    const h = new Harness();
    await h.job({ completions: 2, parallelism: 2, backoffLimit: 0 });
    await h.step();
    const [a, b] = h.pods();
    await h.bind(b!);
    await h.setPhase(a!, 'Failed');
    await h.setPhase(b!, 'Running');
    const result = await h.step();
    expect(reasons(result.actions)).toEqual([
      `SuccessfulDelete: Deleted pod: ${b!.metadata.name}`,
      'BackoffLimitExceeded: Job has reached the specified backoff limit',
    ]);
    expect(h.get()?.status).toMatchObject({ active: 0, failed: 2 });
    // Graceful: the pod is marked, and its kubelet removes it.
    expect(h.store.get('Pod', 'default', b!.metadata.name)?.metadata.deletionTimestamp).toBeDefined();
    // The failed pod stays for its logs.
    expect(h.store.get('Pod', 'default', a!.metadata.name)).toBeDefined();
  });

  it('counts container restarts against backoffLimit with OnFailure', async () => {
    const h = new Harness();
    await h.job({
      backoffLimit: 2,
      template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'x:1' }] } },
    });
    await h.step();
    const [pod] = h.pods();
    const running = (restartCount: number) => ({
      containerStatuses: [
        {
          name: 'c',
          ready: false,
          restartCount,
          image: 'x:1',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    });
    await h.setPhase(pod!, 'Running', running(1));
    expect(condition(h.get(), 'Failed')).toBeUndefined();
    await h.step();
    expect(condition(h.get(), 'Failed')).toBeUndefined();
    await h.setPhase(pod!, 'Running', running(2));
    const result = await h.step();
    expect(reasons(result.actions)).toContain(
      'BackoffLimitExceeded: Job has reached the specified backoff limit',
    );
    expect(ofType(result.actions, 'delete')).toHaveLength(1);
  });

  it('fails at activeDeadlineSeconds from its start, and asks to be woken for it', async () => {
    const h = new Harness();
    await h.job({ activeDeadlineSeconds: 30 });
    const started = await h.step();
    expect(started.requeueAfterMs).toBe(30_000);
    h.advance(10);
    expect(h.reconcile().requeueAfterMs).toBe(20_000);
    h.advance(20);
    const result = await h.step();
    expect(reasons(result.actions)).toEqual([
      'SuccessfulDelete: Deleted pod: pi-bbbb0',
      'DeadlineExceeded: Job was active longer than specified deadline',
    ]);
    expect(condition(h.get(), 'Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(h.get()?.status).toMatchObject({ active: 0, failed: 1, startTime: START.toISOString() });
  });
});

describe('JobController TTL after finishing', () => {
  it('deletes the Job and its pods ttlSecondsAfterFinished after it completed', async () => {
    const h = new Harness();
    await h.job({ ttlSecondsAfterFinished: 60 });
    await h.step();
    const [pod] = h.pods();
    await h.bind(pod!);
    await h.setPhase(pod!, 'Succeeded');
    const done = await h.step();
    expect(done.requeueAfterMs).toBe(60_000);
    h.advance(30);
    expect(h.reconcile()).toEqual({ actions: [], requeueAfterMs: 30_000 });
    h.advance(30);
    const expired = h.reconcile();
    expect(expired.actions).toEqual([
      { type: 'delete', kind: 'Job', namespace: 'default', name: 'pi', uid: h.get()?.metadata.uid },
      { type: 'delete', kind: 'Pod', namespace: 'default', name: pod!.metadata.name, uid: pod!.metadata.uid },
    ]);
    await applyActions(h.store, { record: () => {} }, expired.actions);
    expect(h.get()).toBeUndefined();
    expect(h.pods()[0]?.metadata.deletionTimestamp).toBeDefined();
  });

  it('counts the TTL of a failed Job from its Failed condition', async () => {
    const h = new Harness();
    await h.job({ ttlSecondsAfterFinished: 0, backoffLimit: 0 });
    await h.step();
    await h.setPhase(h.pods()[0]!, 'Failed');
    const failed = await h.step();
    expect(failed.requeueAfterMs).toBe(0);
    const expired = h.reconcile();
    expect(expired.actions[0]).toMatchObject({ type: 'delete', kind: 'Job', name: 'pi' });
  });
});

describe('JobController suspend', () => {
  it('runs no pods while suspended, and starts again with a fresh start time when resumed', async () => {
    const h = new Harness();
    await h.job({ completions: 2, parallelism: 2 });
    await h.step();
    expect(h.live()).toHaveLength(2);

    const job = structuredClone(h.get()!) as Job;
    job.spec.suspend = true;
    await h.store.updateSpec(job as KubeObject);
    h.advance(10);
    const suspended = await h.step();
    expect(reasons(suspended.actions)).toEqual([
      'SuccessfulDelete: Deleted pod: pi-bbbb0',
      'SuccessfulDelete: Deleted pod: pi-bbbb1',
      'Suspended: Job suspended',
    ]);
    expect(h.pods()).toEqual([]);
    expect(condition(h.get(), 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended' });
    expect(h.get()?.status?.active).toBe(0);
    expect(h.reconcile().actions).toEqual([]);

    const resumed = structuredClone(h.get()!) as Job;
    resumed.spec.suspend = false;
    await h.store.updateSpec(resumed as KubeObject);
    h.advance(10);
    const result = await h.step();
    expect(reasons(result.actions)).toEqual([
      'Resumed: Job resumed',
      'SuccessfulCreate: Created pod: pi-bbbb2',
      'SuccessfulCreate: Created pod: pi-bbbb3',
    ]);
    expect(condition(h.get(), 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
    expect(h.get()?.status?.startTime).toBe(h.now.toISOString());
  });

  it('starts a Job created suspended with no pods and no start time', async () => {
    const h = new Harness();
    await h.job({ suspend: true });
    await h.step();
    expect(h.pods()).toEqual([]);
    expect(h.get()?.status?.startTime).toBeUndefined();
  });
});
