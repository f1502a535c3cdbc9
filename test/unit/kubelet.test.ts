// The kubelet's loop against the in-memory runtime and store: pods run, report status, restart with
// back-off, are torn down on deletion and when they vanish, and fenced assignments are refused.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import { Kubelet } from '../../agent/kubelet/Kubelet.ts';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import { FakeRuntime, type FakeRuntimeOptions } from '../../agent/kubelet/runtime/FakeRuntime.ts';
import { ASSIGNED_TERM_ANNOTATION } from '../../agent/kubelet/sync/fencing.ts';
import type { PodVolumeManager, ProbeResults } from '../../agent/kubelet/sync/podSyncDeps.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const NODE = 'node-a';
const IMAGE = 'shoal.test/app:1';
const SANDBOX = 'shoal.local/pause:test';

const noVolumes: PodVolumeManager = {
  prepare: async () => ({ paths: {}, failures: [] }),
  removeExcept: async () => {},
};

class StubProbes implements ProbeResults {
  ready: Record<string, boolean> = {};
  failed = new Set<string>();
  sync(): void {}
  readiness(): Record<string, boolean> {
    return this.ready;
  }
  started(): Record<string, boolean> {
    return {};
  }
  livenessFailed(id: string): boolean {
    return this.failed.has(id);
  }
  stop(): void {}
}

interface Setup {
  store: MemoryClusterStore;
  runtime: FakeRuntime;
  kubelet: Kubelet;
  events: EventRecord[];
  probes: StubProbes;
  term: { value: number };
}

const running: Kubelet[] = [];
afterEach(async () => {
  for (const k of running.splice(0)) await k.stop();
});

function setup(runtimeOptions: FakeRuntimeOptions = {}): Setup {
  const store = new MemoryClusterStore();
  const runtime = new FakeRuntime({ images: [IMAGE, SANDBOX], msPerSecond: 5, ...runtimeOptions });
  const events: EventRecord[] = [];
  const probes = new StubProbes();
  const term = { value: 0 };
  const kubelet = new Kubelet({
    store,
    runtime,
    node: NODE,
    logger: pino({ level: 'silent' }),
    recorder: { record: (e) => events.push(e) },
    sandboxImage: SANDBOX,
    volumes: noVolumes,
    env: { resolve: () => ({}) },
    probes,
    highestTerm: () => term.value,
    hostIP: '10.0.0.1',
    backOff: { baseMs: 200, maxMs: 800, resetAfterMs: 60_000 },
    resyncMs: 20,
  });
  running.push(kubelet);
  return { store, runtime, kubelet, events, probes, term };
}

function podObject(name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) {
  const admitted = admitObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { nodeName: NODE, containers: [{ name: 'app', image: IMAGE }], ...spec },
  });
  if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
  return admitted.object as KubeObject;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const podOf = (store: MemoryClusterStore, name: string) =>
  store.get('Pod', 'default', name) as Pod | undefined;

describe('Kubelet', () => {
  it('runs an assigned pod in a sandbox and reports it Running and Ready', async () => {
    const { store, runtime, kubelet, events } = setup();
    kubelet.start();
    await store.create(podObject('web'));
    const pod = await until('Running', () => {
      const p = podOf(store, 'web');
      return (
        p?.status?.phase === 'Running' &&
        p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
        p
      );
    });
    expect(pod.status?.hostIP).toBe('10.0.0.1');
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true, restartCount: 0 });
    const containers = await runtime.listContainers({ labels: { [LABELS.podUid]: pod.metadata.uid ?? '' } });
    expect(containers.map((c) => c.labels[LABELS.role]).sort()).toEqual(['app', 'sandbox']);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Created', 'Started']));
  });

  it('leaves pods of other nodes alone', async () => {
    const { store, runtime, kubelet } = setup();
    kubelet.start();
    await store.create(podObject('elsewhere', { nodeName: 'node-b' }));
    await new Promise((r) => setTimeout(r, 150));
    expect(await runtime.listContainers({ labels: {} })).toHaveLength(0);
    expect(podOf(store, 'elsewhere')?.status).toBeUndefined();
  });

  it('restarts a crashing container with back-off and shows CrashLoopBackOff', async () => {
    const { store, kubelet, events } = setup({
      behaviour: (p) => {
        if (p.spec.image === IMAGE) setTimeout(() => p.exit(1), 5);
        return undefined;
      },
    });
    kubelet.start();
    await store.create(podObject('crash'));
    const pod = await until('CrashLoopBackOff', () => {
      const p = podOf(store, 'crash');
      const s = p?.status?.containerStatuses?.[0];
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' && (s.restartCount ?? 0) >= 1 && p;
    });
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
    expect(events.some((e) => e.reason === 'BackOff' && e.type === 'Warning')).toBe(true);
  });

  it('stops a deleted pod within its grace period, then removes it from the document', async () => {
    const { store, runtime, kubelet, events } = setup();
    kubelet.start();
    await store.create(podObject('gone', { terminationGracePeriodSeconds: 2 }));
    await until('Running', () => podOf(store, 'gone')?.status?.phase === 'Running');
    const pod = structuredClone(podOf(store, 'gone')) as Pod;
    pod.metadata.deletionTimestamp = new Date().toISOString();
    pod.metadata.deletionGracePeriodSeconds = 2;
    await store.updateSpec(pod as KubeObject);
    await until('pod removed from the document', () => podOf(store, 'gone') === undefined);
    expect(await runtime.listContainers({ labels: {} })).toHaveLength(0);
    expect(events.some((e) => e.reason === 'Killing')).toBe(true);
  });

  it('tears down containers whose pod vanished from the document', async () => {
    const { store, runtime, kubelet } = setup();
    kubelet.start();
    await store.create(podObject('orphan', { terminationGracePeriodSeconds: 1 }));
    await until('Running', () => podOf(store, 'orphan')?.status?.phase === 'Running');
    await store.delete('Pod', 'default', 'orphan');
    const deadline = Date.now() + 5_000;
    while ((await runtime.listContainers({ labels: {} })).length > 0) {
      if (Date.now() > deadline) throw new Error('containers of a vanished pod were not removed');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('shows ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled', async () => {
    const { store, kubelet, events } = setup();
    kubelet.start();
    await store.create(podObject('nopull', { containers: [{ name: 'app', image: 'registry.invalid/x:1' }] }));
    const seen = new Set<string>();
    await until('ImagePullBackOff after ErrImagePull', () => {
      const reason = podOf(store, 'nopull')?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
    });
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Failed']));
  });

  it('restarts a container whose liveness probe failed', async () => {
    const { store, runtime, kubelet, probes, events } = setup();
    kubelet.start();
    await store.create(
      podObject('live', {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'app', image: IMAGE, livenessProbe: { exec: { command: ['true'] } } }],
      }),
    );
    const pod = await until('Running', () => {
      const p = podOf(store, 'live');
      return p?.status?.phase === 'Running' && p;
    });
    const [app] = await runtime.listContainers({
      labels: { [LABELS.podUid]: pod.metadata.uid ?? '', [LABELS.role]: 'app' },
    });
    probes.failed.add(app?.id ?? '');
    await until(
      'restarted',
      () => (podOf(store, 'live')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
    );
    expect(events.some((e) => e.reason === 'Killing' && e.message.includes('liveness'))).toBe(true);
  });

  it('refuses a new assignment stamped with an older leader term', async () => {
    const { store, runtime, kubelet, term, events } = setup();
    term.value = 5;
    kubelet.start();
    await store.create(podObject('stale', {}, { [ASSIGNED_TERM_ANNOTATION]: '4' }));
    await store.create(podObject('fresh', {}, { [ASSIGNED_TERM_ANNOTATION]: '5' }));
    await until('fresh Running', () => podOf(store, 'fresh')?.status?.phase === 'Running');
    const stale = await until('stale refused', () => {
      const p = podOf(store, 'stale');
      return p?.status?.conditions?.some((c) => c.reason === 'AssignmentRefused') && p;
    });
    expect(stale.status?.phase).toBe('Pending');
    const uid = stale.metadata.uid ?? '';
    expect(await runtime.listContainers({ labels: { [LABELS.podUid]: uid } })).toHaveLength(0);
    expect(events.some((e) => e.reason === 'AssignmentRefused')).toBe(true);
  });

  it('adopts running containers after a restart without restarting them', async () => {
    const first = setup();
    first.kubelet.start();
    await first.store.create(podObject('keep'));
    await until('Running', () => podOf(first.store, 'keep')?.status?.phase === 'Running');
    const before = (await first.runtime.listContainers({ labels: {} })).map((c) => c.id).sort();
    await first.kubelet.stop();
    const again = new Kubelet({
      store: first.store,
      runtime: first.runtime,
      node: NODE,
      logger: pino({ level: 'silent' }),
      recorder: { record: () => {} },
      sandboxImage: SANDBOX,
      volumes: noVolumes,
      env: { resolve: () => ({}) },
      probes: new StubProbes(),
      highestTerm: () => 0,
      hostIP: '10.0.0.1',
      resyncMs: 20,
    });
    running.push(again);
    again.start();
    await new Promise((r) => setTimeout(r, 200));
    const after = (await first.runtime.listContainers({ labels: {} })).map((c) => c.id).sort();
    expect(after).toEqual(before);
    expect(podOf(first.store, 'keep')?.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });
});
