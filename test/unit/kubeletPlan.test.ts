import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { BackOffState } from '../../agent/kubelet/plan/backoff.ts';
import {
  type ContainerIdentity,
  containerLabels,
  engineContainerName,
  type LabelledContainer,
  parseObservedContainers,
  SANDBOX_CONTAINER_NAME,
} from '../../agent/kubelet/plan/labels.ts';
import { type PodSyncInput, type PodSyncResult, planPodSync } from '../../agent/kubelet/plan/planPodSync.ts';
import type { PodSyncAction } from '../../agent/kubelet/plan/podSyncActions.ts';
import type { ContainerState, ObservedContainer } from '../../agent/kubelet/runtime/ContainerRuntime.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject, validateObject } from '../../shared/model/validate.ts';

const NODE = 'node-a';
const UID = 'uid-1';
const NOW = new Date('2026-01-01T12:00:00Z');
const SANDBOX_IMAGE = 'shoal/sandbox:1';

/** A pod as the document holds it: admitted (so defaulted), with a uid, assigned to this node. */
function makePod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Pod {
  const admitted = admitObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', ...meta },
    spec,
  });
  if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
  const pod = admitted.object as Pod;
  pod.metadata.uid = UID as Pod['metadata']['uid'];
  pod.spec.nodeName = NODE;
  return pod;
}

const oneContainer = (extra: Record<string, unknown> = {}, podExtra: Record<string, unknown> = {}) =>
  makePod({ containers: [{ name: 'app', image: 'nginx:1.27', ...extra }], ...podExtra });

let nextId = 0;
/** A container the engine shows, labelled as the kubelet labels it. */
function run(
  role: ContainerIdentity['role'],
  containerName: string,
  attempt: number,
  state: ContainerState,
  extra: Partial<ObservedContainer> = {},
): LabelledContainer {
  const identity: ContainerIdentity = {
    podUid: UID,
    podName: 'web',
    namespace: 'default',
    containerName,
    node: NODE,
    role,
    attempt,
  };
  nextId++;
  const container: ObservedContainer = {
    id: `c${nextId}`,
    name: engineContainerName(identity),
    labels: containerLabels(identity),
    image: role === 'sandbox' ? SANDBOX_IMAGE : 'nginx:1.27',
    imageId: `sha256:${nextId}`,
    state,
    ...(state === 'running' ? { startedAt: new Date(NOW.getTime() - 60_000) } : {}),
    ...extra,
  };
  return { identity, container };
}

const sandbox = (state: ContainerState = 'running') =>
  run('sandbox', SANDBOX_CONTAINER_NAME, 0, state, { ipAddress: '172.17.0.5' });

/** Exited `secondsAgo` after running for `ranSeconds`. */
function exited(
  role: ContainerIdentity['role'],
  name: string,
  attempt: number,
  exitCode: number,
  secondsAgo = 1,
  ranSeconds = 5,
  extra: Partial<ObservedContainer> = {},
): LabelledContainer {
  const finishedAt = new Date(NOW.getTime() - secondsAgo * 1000);
  return run(role, name, attempt, 'exited', {
    exitCode,
    startedAt: new Date(finishedAt.getTime() - ranSeconds * 1000),
    finishedAt,
    ...extra,
  });
}

function plan(pod: Pod | undefined, observed: LabelledContainer[], extra: Partial<PodSyncInput> = {}) {
  return planPodSync({
    node: NODE,
    pod,
    observed,
    images: new Set(['nginx:1.27', 'busybox:1.36']),
    allowPrivileged: false,
    sandboxImage: SANDBOX_IMAGE,
    now: NOW,
    ...extra,
  });
}

/** Actions as `type container`, the way controller tests list expected actions. */
const summary = (r: PodSyncResult) => r.actions.map((a) => `${a.type} ${a.container}`);

const statusOf = (r: PodSyncResult, name: string) =>
  r.status?.containerStatuses?.find((s) => s.name === name) ??
  r.status?.initContainerStatuses?.find((s) => s.name === name);

/** Applies actions the way the executor would, to an in-memory engine; returns what it then shows. */
function execute(
  observed: LabelledContainer[],
  actions: readonly PodSyncAction[],
  at = NOW,
): LabelledContainer[] {
  const engine = new Map(observed.map((c) => [c.container.id, { ...c.container }]));
  const byName = (name: string) => [...engine.values()].find((c) => c.name === name);
  for (const a of actions) {
    switch (a.type) {
      case 'createSandbox':
      case 'createContainer':
        nextId++;
        engine.set(`c${nextId}`, {
          id: `c${nextId}`,
          name: a.spec.name,
          labels: a.spec.labels,
          image: a.spec.image,
          imageId: 'sha256:x',
          state: 'created',
          ipAddress: a.type === 'createSandbox' ? '172.17.0.9' : undefined,
        });
        break;
      case 'startContainer': {
        const c = a.id ? engine.get(a.id) : byName(a.name);
        if (c) Object.assign(c, { state: 'running', startedAt: at });
        break;
      }
      case 'stopContainer': {
        const c = engine.get(a.id);
        if (c && ['running', 'paused', 'restarting'].includes(c.state))
          Object.assign(c, { state: 'exited', exitCode: 143, finishedAt: at });
        break;
      }
      case 'removeContainer':
      case 'removeSandbox':
        engine.delete(a.id);
        break;
      case 'pullImage':
        break;
    }
  }
  const { labelled, ignored } = parseObservedContainers([...engine.values()]);
  expect(ignored).toEqual([]);
  return labelled;
}

function expectValidStatus(pod: Pod, r: PodSyncResult): void {
  const checked = validateObject({ ...pod, status: r.status });
  expect(checked.ok ? [] : checked.errors).toEqual([]);
}

describe('planPodSync: starting a pod', () => {
  it('creates and starts the sandbox first, then the containers in it', () => {
    const pod = makePod({
      containers: [
        { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80, hostPort: 8080 }] },
        { name: 'side', image: 'busybox:1.36' },
      ],
    });
    const first = plan(pod, []);
    expect(summary(first)).toEqual(['createSandbox POD', 'startContainer POD']);
    const sandboxAction = first.actions[0];
    expect(sandboxAction?.type === 'createSandbox' && sandboxAction.spec).toMatchObject({
      image: SANDBOX_IMAGE,
      hostname: 'web',
      ports: [{ containerPort: 80, hostPort: 8080 }],
    });
    expect(statusOf(first, 'app')?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(first.status?.phase).toBe('Pending');
    expectValidStatus(pod, first);

    const afterSandbox = execute([], first.actions);
    const second = plan(pod, afterSandbox);
    // IfNotPresent (a tagged image) and present: no pull. App containers start together.
    expect(summary(second)).toEqual([
      'createContainer app',
      'startContainer app',
      'createContainer side',
      'startContainer side',
    ]);
    const create = second.actions[0];
    expect(create?.type === 'createContainer' && create.spec.sandboxId).toBe(afterSandbox[0]?.container.id);
    expect(create?.type === 'createContainer' && create.spec.ports).toBeUndefined();

    const running = execute(afterSandbox, second.actions);
    const third = plan(pod, running);
    expect(third.actions).toEqual([]);
    expect(third.status?.phase).toBe('Running');
    expect(third.status?.podIP).toBe('172.17.0.9');
    expect(third.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expectValidStatus(pod, third);
  });

  it('adopts a pod that already runs as desired: no actions', () => {
    const pod = oneContainer();
    const r = plan(pod, [sandbox(), run('app', 'app', 3, 'running')]);
    expect(r.actions).toEqual([]);
    expect(statusOf(r, 'app')).toMatchObject({ restartCount: 3, ready: true, started: true });
    expect(r.status?.phase).toBe('Running');
  });

  it('starts a container that was created but not started (agent died in between)', () => {
    const created = run('app', 'app', 0, 'created');
    const r = plan(oneContainer(), [sandbox(), created]);
    expect(r.actions).toEqual([
      { type: 'startContainer', container: 'app', name: created.container.name, id: created.container.id },
    ]);
  });

  it('builds the create spec from the pod spec', () => {
    const pod = makePod({
      securityContext: { runAsUser: 1000 },
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          command: ['/bin/sh'],
          args: ['-c', 'echo hi'],
          workingDir: '/srv',
          env: [
            { name: 'A', value: '1' },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
            { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } },
          ],
          resources: { limits: { cpu: '500m', memory: '128Mi' } },
          securityContext: { readOnlyRootFilesystem: true },
          volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'sub', readOnly: true }],
        },
      ],
    });
    const r = plan(pod, [sandbox()], {
      resolvedEnv: { app: { envFrom: [{ name: 'A', value: 'from-cm' }], valueFrom: { PW: 'secret' } } },
      volumePaths: { data: '/var/lib/shoal/pods/uid-1/volumes/data' },
    });
    const create = r.actions.find((a) => a.type === 'createContainer');
    expect(create?.type === 'createContainer' && create.spec).toEqual({
      name: 'shoal_app_web_default_uid-1_0',
      image: 'nginx:1.27',
      command: ['/bin/sh'],
      args: ['-c', 'echo hi'],
      workingDir: '/srv',
      env: [
        { name: 'A', value: '1' },
        { name: 'POD', value: 'web' },
        { name: 'NS', value: 'default' },
        { name: 'NODE', value: NODE },
        { name: 'IP', value: '172.17.0.5' },
        { name: 'PW', value: 'secret' },
      ],
      labels: containerLabels({
        podUid: UID,
        podName: 'web',
        namespace: 'default',
        containerName: 'app',
        node: NODE,
        role: 'app',
        attempt: 0,
      }),
      sandboxId: expect.any(String),
      resources: { cpuMillicores: 500, memoryBytes: 128 * 1024 * 1024 },
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      mounts: [
        { hostPath: '/var/lib/shoal/pods/uid-1/volumes/data/sub', containerPath: '/data', readOnly: true },
      ],
    });
  });

  it('waits with a reason when a secret or a volume is missing', () => {
    const pod = oneContainer({
      env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } }],
    });
    const r = plan(pod, [sandbox()]);
    expect(r.actions).toEqual([]);
    expect(statusOf(r, 'app')?.state?.waiting?.reason).toBe('CreateContainerConfigError');

    const withVolume = makePod({
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [{ name: 'app', image: 'nginx:1.27', volumeMounts: [{ name: 'data', mountPath: '/d' }] }],
    });
    const v = plan(withVolume, [sandbox()]);
    expect(v.actions).toEqual([]);
    expect(statusOf(v, 'app')?.state?.waiting).toEqual({
      reason: 'ContainerCreating',
      message: 'volume data is not ready',
    });
  });

  it('refuses a privileged container unless the node allows it', () => {
    const pod = oneContainer({ securityContext: { privileged: true } });
    const refused = plan(pod, [sandbox()]);
    expect(refused.actions).toEqual([]);
    expect(statusOf(refused, 'app')?.state?.waiting?.reason).toBe('CreateContainerConfigError');
    expectValidStatus(pod, refused);

    const allowed = plan(pod, [sandbox()], { allowPrivileged: true });
    const create = allowed.actions.find((a) => a.type === 'createContainer');
    expect(create?.type === 'createContainer' && create.spec.privileged).toBe(true);
  });

  it('replaces a dead sandbox: stops the containers in it first', () => {
    const pod = oneContainer();
    const dead = run('sandbox', SANDBOX_CONTAINER_NAME, 0, 'exited', { exitCode: 137 });
    const app = run('app', 'app', 0, 'running');
    expect(summary(plan(pod, [dead, app]))).toEqual(['stopContainer app']);
    const stopped = exited('app', 'app', 0, 143);
    const r = plan(pod, [dead, stopped]);
    expect(summary(r)).toEqual(['removeSandbox POD', 'createSandbox POD', 'startContainer POD']);
    const create = r.actions[1];
    expect(create?.type === 'createSandbox' && create.spec.name).toBe('shoal_POD_web_default_uid-1_1');
  });
});

describe('planPodSync: init containers', () => {
  const pod = makePod({
    initContainers: [
      { name: 'init-1', image: 'busybox:1.36' },
      { name: 'init-2', image: 'busybox:1.36' },
    ],
    containers: [{ name: 'app', image: 'nginx:1.27' }],
  });

  it('runs them one at a time, in order, before the app containers', () => {
    const first = plan(pod, [sandbox()]);
    expect(summary(first)).toEqual(['createContainer init-1', 'startContainer init-1']);
    expect(statusOf(first, 'app')?.state?.waiting?.reason).toBe('PodInitializing');
    expect(first.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('False');

    expect(plan(pod, [sandbox(), run('init', 'init-1', 0, 'running')]).actions).toEqual([]);

    const second = plan(pod, [sandbox(), exited('init', 'init-1', 0, 0)]);
    expect(summary(second)).toEqual(['createContainer init-2', 'startContainer init-2']);

    const third = plan(pod, [sandbox(), exited('init', 'init-1', 0, 0), exited('init', 'init-2', 0, 0)]);
    expect(summary(third)).toEqual(['createContainer app', 'startContainer app']);
    expect(third.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(statusOf(third, 'init-1')?.state?.terminated?.reason).toBe('Completed');
    expectValidStatus(pod, third);
  });

  it('retries a failed init container after back-off, and the app waits', () => {
    const r = plan(pod, [sandbox(), exited('init', 'init-1', 0, 1, 2)]);
    expect(r.actions).toEqual([]);
    expect(statusOf(r, 'init-1')?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(r.status?.phase).toBe('Pending');

    const later = plan(pod, [sandbox(), exited('init', 'init-1', 0, 1, 11)]);
    expect(summary(later)).toEqual(['createContainer init-1', 'startContainer init-1']);
  });

  it('fails the pod when an init container fails under restartPolicy Never', () => {
    const never = makePod({ ...pod.spec, restartPolicy: 'Never' });
    const r = plan(never, [sandbox(), exited('init', 'init-1', 0, 1)]);
    expect(summary(r)).toEqual(['stopContainer POD']);
    expect(r.status?.phase).toBe('Failed');
    expectValidStatus(never, r);
  });
});

describe('planPodSync: restart policy and back-off', () => {
  it('Always: a crash waits out the back-off (CrashLoopBackOff), then restarts as a new attempt', () => {
    const pod = oneContainer();
    const crashed = exited('app', 'app', 0, 1, 3);
    const waiting = plan(pod, [sandbox(), crashed]);
    expect(waiting.actions).toEqual([]);
    expect(statusOf(waiting, 'app')).toMatchObject({
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      restartCount: 0,
      ready: false,
    });
    expect(waiting.backOff.app).toEqual({ delayMs: 10_000, finishedAt: NOW.getTime() - 3000 });
    expect(waiting.status?.phase).toBe('Running');
    expectValidStatus(pod, waiting);

    const due = plan(pod, [sandbox(), exited('app', 'app', 0, 1, 10)]);
    expect(summary(due)).toEqual(['createContainer app', 'startContainer app']);
    const create = due.actions[0];
    expect(create?.type === 'createContainer' && create.spec.name).toBe('shoal_app_web_default_uid-1_1');
  });

  it('doubles the delay on each crash, and keeps the previous run for lastState', () => {
    const pod = oneContainer();
    const first = exited('app', 'app', 0, 1, 60);
    const second = exited('app', 'app', 1, 1, 15);
    const previousBackOff: BackOffState = { delayMs: 10_000, finishedAt: NOW.getTime() - 60_000 };
    const r = plan(pod, [sandbox(), first, second], { backOff: { app: previousBackOff } });
    expect(r.actions).toEqual([]);
    expect(r.backOff.app?.delayMs).toBe(20_000);
    expect(statusOf(r, 'app')?.restartCount).toBe(1);
  });

  it('removes runs older than the previous one', () => {
    const pod = oneContainer();
    const oldest = exited('app', 'app', 0, 1, 100);
    const previous = exited('app', 'app', 1, 1, 50);
    const current = run('app', 'app', 2, 'running');
    const r = plan(pod, [sandbox(), oldest, previous, current]);
    expect(r.actions).toEqual([{ type: 'removeContainer', container: 'app', id: oldest.container.id }]);
    expect(statusOf(r, 'app')?.lastState?.terminated?.exitCode).toBe(1);
  });

  it('reports OOMKilled', () => {
    const r = plan(oneContainer(), [sandbox(), exited('app', 'app', 0, 137, 1, 5, { oomKilled: true })]);
    expect(statusOf(r, 'app')?.lastState?.terminated?.reason).toBe('OOMKilled');
  });

  it('Never: a finished container stays finished; the pod Succeeds or Fails by exit code', () => {
    const pod = oneContainer({}, { restartPolicy: 'Never' });
    const ok = plan(pod, [sandbox(), exited('app', 'app', 0, 0)]);
    expect(summary(ok)).toEqual(['stopContainer POD']);
    expect(ok.status?.phase).toBe('Succeeded');
    expect(statusOf(ok, 'app')?.state?.terminated?.reason).toBe('Completed');
    expectValidStatus(pod, ok);

    const failed = plan(pod, [sandbox(), exited('app', 'app', 0, 1)]);
    expect(summary(failed)).toEqual(['stopContainer POD']);
    expect(failed.status?.phase).toBe('Failed');
  });

  it('OnFailure: restarts on exit 1, not on exit 0', () => {
    const pod = oneContainer({}, { restartPolicy: 'OnFailure' });
    const failed = plan(pod, [sandbox(), exited('app', 'app', 0, 1, 30)]);
    expect(summary(failed)).toEqual(['createContainer app', 'startContainer app']);
    expect(failed.status?.phase).toBe('Running');

    const ok = plan(pod, [sandbox('exited'), exited('app', 'app', 0, 0)]);
    expect(ok.actions).toEqual([]);
    expect(ok.status?.phase).toBe('Succeeded');
  });
});

describe('planPodSync: images', () => {
  it('IfNotPresent pulls only an absent image; Always pulls every time', () => {
    const absent = plan(oneContainer({ image: 'redis:7' }), [sandbox()]);
    expect(summary(absent)).toEqual(['pullImage app', 'createContainer app', 'startContainer app']);

    const always = plan(oneContainer({ imagePullPolicy: 'Always' }), [sandbox()]);
    expect(summary(always)).toEqual(['pullImage app', 'createContainer app', 'startContainer app']);
    expect(always.actions[0]).toEqual({ type: 'pullImage', container: 'app', image: 'nginx:1.27' });
  });

  it('Never with an absent image: ErrImageNeverPull', () => {
    const pod = oneContainer({ image: 'redis:7', imagePullPolicy: 'Never' });
    const r = plan(pod, [sandbox()]);
    expect(r.actions).toEqual([]);
    expect(statusOf(r, 'app')?.state?.waiting?.reason).toBe('ErrImageNeverPull');
    expect(r.status?.phase).toBe('Pending');
    expectValidStatus(pod, r);
  });

  it('a failed pull shows ImagePullBackOff until it may be retried, then ErrImagePull while retrying', () => {
    const pod = oneContainer({ image: 'nowhere/nothing:1' });
    const failure = { message: 'pull access denied', retryAt: new Date(NOW.getTime() + 5000) };
    const backingOff = plan(pod, [sandbox()], { pullFailures: new Map([['nowhere/nothing:1', failure]]) });
    expect(backingOff.actions).toEqual([]);
    expect(statusOf(backingOff, 'app')?.state?.waiting?.reason).toBe('ImagePullBackOff');

    const retry = plan(pod, [sandbox()], {
      pullFailures: new Map([['nowhere/nothing:1', { ...failure, retryAt: NOW }]]),
    });
    expect(summary(retry)).toEqual(['pullImage app', 'createContainer app', 'startContainer app']);
    expect(statusOf(retry, 'app')?.state?.waiting).toEqual({
      reason: 'ErrImagePull',
      message: 'pull access denied',
    });
  });
});

describe('planPodSync: deletion and clean-up', () => {
  function deletedPod(secondsAgo: number): Pod {
    const pod = oneContainer({}, { terminationGracePeriodSeconds: 30 });
    pod.metadata.deletionTimestamp = new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
    pod.metadata.deletionGracePeriodSeconds = 30;
    return pod;
  }

  it('stops the app containers with what is left of the grace period, then removes everything', () => {
    const app = run('app', 'app', 0, 'running');
    const box = sandbox();
    const stopping = plan(deletedPod(10), [box, app]);
    expect(stopping.actions).toEqual([
      { type: 'stopContainer', container: 'app', id: app.container.id, graceSeconds: 20 },
    ]);
    expect(stopping.cleanedUp).toBe(false);

    const stopped = exited('app', 'app', 0, 143);
    const removing = plan(deletedPod(12), [box, stopped]);
    expect(removing.actions).toEqual([
      { type: 'removeContainer', container: 'app', id: stopped.container.id },
      { type: 'stopContainer', container: 'POD', id: box.container.id, graceSeconds: 0 },
      { type: 'removeSandbox', container: 'POD', id: box.container.id },
    ]);

    const gone = plan(deletedPod(13), []);
    expect(gone).toMatchObject({ actions: [], cleanedUp: true });
  });

  it('tears down the containers of a pod that is gone from the document, or moved to another node', () => {
    const app = run('app', 'app', 0, 'running');
    const orphan = plan(undefined, [sandbox(), app], { orphanGraceSeconds: 5 });
    expect(orphan.actions).toEqual([
      { type: 'stopContainer', container: 'app', id: app.container.id, graceSeconds: 5 },
    ]);
    expect(orphan.status).toBeUndefined();

    const moved = oneContainer();
    moved.spec.nodeName = 'node-b';
    expect(summary(plan(moved, [sandbox(), app]))).toEqual(['stopContainer app']);
  });

  it('stops and removes containers the pod no longer has', () => {
    const stray = run('app', 'old-sidecar', 0, 'running');
    const r = plan(oneContainer(), [sandbox(), run('app', 'app', 0, 'running'), stray]);
    expect(summary(r)).toEqual(['stopContainer old-sidecar']);
  });
});

describe('planPodSync: properties', () => {
  const states: ContainerState[] = [
    'created',
    'running',
    'paused',
    'restarting',
    'exited',
    'dead',
    'removing',
  ];
  const pod = makePod({
    initContainers: [{ name: 'init', image: 'busybox:1.36' }],
    containers: [
      { name: 'app', image: 'nginx:1.27' },
      { name: 'side', image: 'busybox:1.36' },
    ],
  });
  const observedArb = fc.array(
    fc.record({
      key: fc.constantFrom<[ContainerIdentity['role'], string]>(
        ['sandbox', SANDBOX_CONTAINER_NAME],
        ['init', 'init'],
        ['app', 'app'],
        ['app', 'side'],
        ['app', 'gone'],
      ),
      attempt: fc.nat(4),
      state: fc.constantFrom(...states),
      exitCode: fc.constantFrom(0, 1, 137),
      secondsAgo: fc.nat(120),
    }),
    { maxLength: 8 },
  );
  type Seed = {
    key: [ContainerIdentity['role'], string];
    attempt: number;
    state: ContainerState;
    exitCode: number;
    secondsAgo: number;
  };
  const toObserved = (spec: readonly Seed[]) =>
    spec.map(({ key: [role, name], attempt, state, exitCode, secondsAgo }) =>
      state === 'exited' || state === 'dead'
        ? run(role, name, attempt, state, {
            exitCode,
            finishedAt: new Date(NOW.getTime() - secondsAgo * 1000),
            startedAt: new Date(NOW.getTime() - secondsAgo * 1000 - 1000),
          })
        : run(role, name, attempt, state),
    );
  const live: ContainerState[] = ['running', 'paused', 'restarting'];

  it('never leaves two live runs of one pod container, and never reuses an engine name', () => {
    fc.assert(
      fc.property(observedArb, fc.constantFrom('Always', 'OnFailure', 'Never'), (spec, policy) => {
        const p = makePod({ ...pod.spec, restartPolicy: policy });
        const observed = toObserved(spec);
        const r = plan(p, observed);
        const stopped = new Set(r.actions.flatMap((a) => (a.type === 'stopContainer' ? [a.id] : [])));
        const liveAfter = new Map<string, number>();
        const bump = (key: string) => liveAfter.set(key, (liveAfter.get(key) ?? 0) + 1);
        for (const c of observed) {
          if (live.includes(c.container.state) && !stopped.has(c.container.id)) {
            bump(`${c.identity.role}/${c.identity.containerName}`);
          }
        }
        const names = new Set(observed.map((c) => c.container.name));
        for (const a of r.actions) {
          if (a.type === 'createContainer' || a.type === 'createSandbox') {
            expect(names.has(a.spec.name)).toBe(false);
            bump(`${a.spec.labels['io.shoal.container.role']}/${a.container}`);
          }
          if (a.type === 'startContainer' && a.id !== undefined) {
            const c = observed.find((o) => o.container.id === a.id);
            if (c) bump(`${c.identity.role}/${c.identity.containerName}`);
          }
        }
        for (const count of liveAfter.values()) expect(count).toBeLessThanOrEqual(1);
        expectValidStatus(p, r);
      }),
    );
  });

  it('converges: executing the plan repeatedly reaches a state with no actions, which stays put', () => {
    fc.assert(
      fc.property(observedArb, (spec) => {
        let observed = toObserved(spec);
        // Containers never crash once started here, and ten minutes later every back-off has passed.
        const later = new Date(NOW.getTime() + 600_000);
        let r = plan(pod, observed, { now: later });
        for (let i = 0; i < 10 && r.actions.length > 0; i++) {
          observed = execute(observed, r.actions);
          r = plan(pod, observed, { backOff: r.backOff, now: later });
        }
        expect(r.actions).toEqual([]);
        expect(plan(pod, observed, { backOff: r.backOff, now: later }).actions).toEqual([]);
      }),
    );
  });
});

describe('pod status', () => {
  const probed = () =>
    oneContainer({
      readinessProbe: { httpGet: { path: '/healthz', port: 80 } },
      startupProbe: { tcpSocket: { port: 80 } },
    });

  it('is Ready only once the startup and readiness probes say so', () => {
    const pod = probed();
    const observed = [sandbox(), run('app', 'app', 0, 'running')];
    const starting = plan(pod, observed);
    expect(statusOf(starting, 'app')).toMatchObject({ ready: false, started: false });
    expect(starting.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });

    const ready = plan(pod, observed, { started: { app: true }, readiness: { app: true } });
    expect(statusOf(ready, 'app')).toMatchObject({ ready: true, started: true });
    expect(ready.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodScheduled', 'True'],
      ['Initialized', 'True'],
      ['ContainersReady', 'True'],
      ['Ready', 'True'],
    ]);
  });

  it('is identical on the next sync when nothing changed, so nothing is written', () => {
    const pod = oneContainer();
    const observed = [sandbox(), run('app', 'app', 0, 'running')];
    const inputs = { hostIP: '192.168.1.10', startTime: new Date(NOW.getTime() - 120_000) };
    const first = plan(pod, observed, inputs);
    expect(first.status).toMatchObject({
      hostIP: '192.168.1.10',
      podIP: '172.17.0.5',
      startTime: '2026-01-01T11:58:00.000Z',
    });
    pod.status = first.status;
    const later = plan(pod, observed, { ...inputs, now: new Date(NOW.getTime() + 60_000) });
    expect(later.status).toEqual(first.status);
  });

  it('moves a transition time only for the condition that changed', () => {
    const pod = probed();
    const observed = [sandbox(), run('app', 'app', 0, 'running')];
    pod.status = plan(pod, observed).status;
    const at = new Date(NOW.getTime() + 30_000);
    const r = plan(pod, observed, { now: at, started: { app: true }, readiness: { app: true } });
    const time = (type: string) => r.status?.conditions?.find((c) => c.type === type)?.lastTransitionTime;
    expect(time('PodScheduled')).toBe(NOW.toISOString());
    expect(time('Ready')).toBe(at.toISOString());
    expectValidStatus(pod, r);
  });
});
