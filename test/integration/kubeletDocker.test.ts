// The kubelet on the real Docker engine (issue 4's list): the whole KubeletService as an agent runs it —
// DockerRuntime, the locally built sandbox image, volumes on disk, env from the document, the prober —
// over an in-memory cluster store, with short back-off and probe seconds so the suite stays fast.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import { KubeletService } from '../../agent/kubelet/KubeletService.ts';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import {
  createRunId,
  describeDocker,
  dockerClient,
  removeContainersLabelled,
  TEST_IMAGE,
} from '../support/docker.ts';

const docker = dockerClient();
const runId = createRunId();
const NODE = `kubelet-it-${runId}`;
const CLUSTER = `cluster-${runId}`;
const store = new MemoryClusterStore();
const events: EventRecord[] = [];
let dataDir = '';
let service: KubeletService;

function startService(): KubeletService {
  const s = new KubeletService({
    store,
    dataDir,
    node: NODE,
    cluster: CLUSTER,
    recorder: { record: (e) => events.push(e) },
    logger: pino({ level: 'silent' }),
    highestTerm: () => 0,
    hostIP: () => '127.0.0.1',
    backOff: { baseMs: 500, maxMs: 2_000, resetAfterMs: 60_000 },
    resyncMs: 200,
    probeMsPerSecond: 200,
    docker,
  });
  s.start();
  return s;
}

async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
  const admitted = admitObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 2, ...spec },
  });
  if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
  await store.create(admitted.object as KubeObject);
}

const podOf = (name: string) => store.get('Pod', 'default', name) as Pod | undefined;
const statusOf = (name: string, container: string) =>
  podOf(name)?.status?.containerStatuses?.find((s) => s.name === container);
const ready = (name: string) =>
  podOf(name)?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; pod statuses: ${JSON.stringify(store.list('Pod').map((p) => [p.metadata.name, (p as Pod).status?.phase]))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function logsOf(pod: string, container: string): Promise<string> {
  const uid = podOf(pod)?.metadata.uid ?? '';
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.podUid}=${uid}`, `${LABELS.containerName}=${container}`] },
  });
  const id = list[0]?.Id;
  if (!id) return '';
  const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true })) as Buffer;
  // The engine frames each chunk (8-byte header: stream, 3 zero bytes, length): keep the payloads.
  let text = '';
  for (let at = 0; at + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(at + 4);
    text += buf.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text;
}

describeDocker('kubelet on the Docker engine', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'shoal-kubelet-'));
    service = startService();
  });
  afterAll(async () => {
    await service?.stop();
    await removeContainersLabelled(`${LABELS.cluster}=${CLUSTER}`, docker);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a two-container pod whose containers share localhost and an emptyDir', {
    timeout: 30_000,
  }, async () => {
    await createPod('pair', {
      volumes: [{ name: 'shared', emptyDir: {} }],
      containers: [
        {
          name: 'server',
          image: TEST_IMAGE,
          command: [
            'sh',
            '-c',
            'mkdir -p /www && echo hello-over-localhost > /www/index.html && echo from-server > /data/note && exec httpd -f -p 8080 -h /www',
          ],
          volumeMounts: [{ name: 'shared', mountPath: '/data' }],
        },
        {
          name: 'client',
          image: TEST_IMAGE,
          command: [
            'sh',
            '-c',
            'until wget -qO- http://127.0.0.1:8080/; do sleep 0.2; done; cat /data/note; exec sleep 3600',
          ],
          volumeMounts: [{ name: 'shared', mountPath: '/data' }],
        },
      ],
    });
    await until('pair Running and Ready', () => podOf('pair')?.status?.phase === 'Running' && ready('pair'));
    const deadline = Date.now() + 15_000;
    let text = '';
    while (Date.now() < deadline && !text.includes('from-server')) {
      text = await logsOf('pair', 'client');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(text).toContain('hello-over-localhost');
    expect(text).toContain('from-server');
    expect(podOf('pair')?.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(podOf('pair')?.status?.hostIP).toBe('127.0.0.1');
  });

  it('restarts a crashing container with back-off and shows CrashLoopBackOff', {
    timeout: 30_000,
  }, async () => {
    await createPod('crash', {
      containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'echo dying; exit 3'] }],
    });
    const s = await until('CrashLoopBackOff after a restart', () => {
      const st = statusOf('crash', 'app');
      return st?.state?.waiting?.reason === 'CrashLoopBackOff' && (st.restartCount ?? 0) >= 1 && st;
    });
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(events.some((e) => e.reason === 'BackOff' && e.involvedObject.name === 'crash')).toBe(true);
  });

  it('restarts a container whose liveness probe fails', { timeout: 30_000 }, async () => {
    // The probe passes while /tmp/healthy exists; the container removes it after a moment.
    await createPod('liveness', {
      containers: [
        {
          name: 'app',
          image: TEST_IMAGE,
          command: ['sh', '-c', 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; exec sleep 3600'],
          livenessProbe: {
            exec: { command: ['test', '-e', '/tmp/healthy'] },
            periodSeconds: 1,
            failureThreshold: 2,
          },
        },
      ],
    });
    await until('a restart', () => (statusOf('liveness', 'app')?.restartCount ?? 0) >= 1, 25_000);
    expect(events.some((e) => e.reason === 'Unhealthy' && e.involvedObject.name === 'liveness')).toBe(true);
    expect(events.some((e) => e.reason === 'Killing' && e.message.includes('liveness'))).toBe(true);
  });

  it('keeps a pod whose readiness probe fails Running but not Ready', { timeout: 30_000 }, async () => {
    await createPod('unready', {
      containers: [
        {
          name: 'app',
          image: TEST_IMAGE,
          command: ['sleep', '3600'],
          readinessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1 },
        },
      ],
    });
    await until('Running', () => podOf('unready')?.status?.phase === 'Running');
    await until('an Unhealthy event', () =>
      events.some((e) => e.reason === 'Unhealthy' && e.involvedObject.name === 'unready'),
    );
    expect(ready('unready')).toBe(false);
    expect(statusOf('unready', 'app')).toMatchObject({ ready: false, restartCount: 0 });
  });

  it('honours restartPolicy Never and OnFailure', { timeout: 30_000 }, async () => {
    await createPod('never', {
      restartPolicy: 'Never',
      containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'exit 1'] }],
    });
    await createPod('onfailure-ok', {
      restartPolicy: 'OnFailure',
      containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'exit 0'] }],
    });
    await createPod('onfailure-bad', {
      restartPolicy: 'OnFailure',
      containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'exit 2'] }],
    });
    await until('Never: Failed', () => podOf('never')?.status?.phase === 'Failed');
    await until('OnFailure exit 0: Succeeded', () => podOf('onfailure-ok')?.status?.phase === 'Succeeded');
    await until(
      'OnFailure exit 2: restarted',
      () => (statusOf('onfailure-bad', 'app')?.restartCount ?? 0) >= 1,
    );
    expect(statusOf('never', 'app')?.restartCount).toBe(0);
    expect(statusOf('never', 'app')?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(statusOf('onfailure-ok', 'app')?.restartCount).toBe(0);
    expect(statusOf('onfailure-ok', 'app')?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
  });

  it('runs init containers in order before the app', { timeout: 30_000 }, async () => {
    await createPod('init', {
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        {
          name: 'first',
          image: TEST_IMAGE,
          command: ['sh', '-c', 'echo first >> /work/order'],
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
        },
        {
          name: 'second',
          image: TEST_IMAGE,
          command: ['sh', '-c', 'sleep 0.5; echo second >> /work/order'],
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
        },
      ],
      containers: [
        {
          name: 'app',
          image: TEST_IMAGE,
          command: ['sh', '-c', 'echo app >> /work/order; cat /work/order; exec sleep 3600'],
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
        },
      ],
    });
    await until('Running', () => podOf('init')?.status?.phase === 'Running');
    const initialized = podOf('init')?.status?.conditions?.find((c) => c.type === 'Initialized');
    expect(initialized?.status).toBe('True');
    let text = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !text.includes('app')) {
      text = await logsOf('init', 'app');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      text
        .replace(/[^a-z\n]/g, '')
        .trim()
        .split('\n')
        .filter(Boolean),
    ).toEqual(['first', 'second', 'app']);
  });

  it('stops a deleted pod within its grace period and removes it from the document', {
    timeout: 30_000,
  }, async () => {
    // sleep as PID 1 ignores SIGTERM: only SIGKILL at the end of the 2 s grace period stops it.
    await createPod('doomed', {
      containers: [{ name: 'app', image: TEST_IMAGE, command: ['sleep', '3600'] }],
    });
    await until('Running', () => podOf('doomed')?.status?.phase === 'Running');
    const uid = podOf('doomed')?.metadata.uid ?? '';
    const pod = structuredClone(podOf('doomed')) as Pod;
    pod.metadata.deletionTimestamp = new Date().toISOString();
    pod.metadata.deletionGracePeriodSeconds = 2;
    const started = Date.now();
    await store.updateSpec(pod as KubeObject);
    await until('removed from the document', () => podOf('doomed') === undefined, 15_000);
    const elapsed = Date.now() - started;
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.podUid}=${uid}`] } });
    expect(left).toHaveLength(0);
    // 2 s of grace, plus the engine's stop and the kubelet's next syncs
    expect(elapsed).toBeLessThan(6_000);
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
  });

  it('shows ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled', {
    timeout: 30_000,
  }, async () => {
    // A registry on a closed loopback port: the pull fails at once, and nothing leaves the machine.
    await createPod('nopull', { containers: [{ name: 'app', image: '127.0.0.1:9/shoal/none:1' }] });
    const seen = new Set<string>();
    await until('ErrImagePull then ImagePullBackOff', () => {
      const reason = statusOf('nopull', 'app')?.state?.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
    });
    expect(podOf('nopull')?.status?.phase).toBe('Pending');
    const reasons = events.filter((e) => e.involvedObject.name === 'nopull').map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Pulling', 'Failed']));
  });

  it('applies container fields on the engine: env sources, limits, user, read-only root, host port; refuses privileged', {
    timeout: 30_000,
  }, async () => {
    await store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
      data: { COLOR: 'blue', '1st.key': 'skipped' },
    } as KubeObject);
    await store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'default' },
      data: { password: Buffer.from('s3cret').toString('base64') },
    } as KubeObject);
    const hostPort = 30000 + Math.floor(Math.random() * 2000);
    await createPod('fields', {
      containers: [
        {
          name: 'app',
          image: TEST_IMAGE,
          command: [
            'sh',
            '-c',
            'env | sort; id -u; touch /x 2>/dev/null || echo read-only; exec nc -l -p 8080 -e echo pong',
          ],
          envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          ],
          ports: [{ containerPort: 8080, hostPort, hostIP: '127.0.0.1' }],
          resources: { limits: { cpu: '500m', memory: '64Mi' } },
          securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true },
        },
      ],
    });
    await createPod('privileged', {
      containers: [
        { name: 'app', image: TEST_IMAGE, command: ['sleep', '3600'], securityContext: { privileged: true } },
      ],
    });
    await until('fields Running', () => podOf('fields')?.status?.phase === 'Running');
    let text = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !text.includes('read-only')) {
      text = await logsOf('fields', 'app');
      await new Promise((r) => setTimeout(r, 100));
    }
    const podIP = podOf('fields')?.status?.podIP ?? '?';
    expect(text).toContain('CFG_COLOR=blue');
    expect(text).not.toContain('1st.key');
    expect(text).toContain('POD_NAME=fields');
    expect(text).toContain(`NODE=${NODE}`);
    expect(text).toContain(`POD_IP=${podIP}`);
    expect(text).toContain('PASSWORD=s3cret');
    expect(text).toMatch(/^1000$/m);
    expect(text).toContain('read-only');
    const uid = podOf('fields')?.metadata.uid ?? '';
    const [app] = await docker.listContainers({
      filters: { label: [`${LABELS.podUid}=${uid}`, `${LABELS.role}=app`] },
    });
    const info = await docker.getContainer(app?.Id ?? '').inspect();
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.Config.User).toBe('1000');
    // The host port is published by the sandbox and reaches the container's listener.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(hostPort, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => resolve(data), 3_000);
    });
    expect(answer).toContain('pong');
    const refused = await until('privileged refused', () => {
      const w = statusOf('privileged', 'app')?.state?.waiting;
      return w?.reason === 'CreateContainerConfigError' && w;
    });
    expect(refused.message).toContain('privileged');
  });

  it('adopts its running containers after a restart, without restarting them', {
    timeout: 30_000,
  }, async () => {
    await createPod('adopted', {
      containers: [{ name: 'app', image: TEST_IMAGE, command: ['sleep', '3600'] }],
    });
    await until('Running', () => podOf('adopted')?.status?.phase === 'Running');
    const uid = podOf('adopted')?.metadata.uid ?? '';
    const ids = async () =>
      (await docker.listContainers({ all: true, filters: { label: [`${LABELS.podUid}=${uid}`] } }))
        .map((c) => `${c.Id}:${c.State}`)
        .sort();
    const before = await ids();
    await service.stop();
    service = startService();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await ids()).toEqual(before);
    expect(statusOf('adopted', 'app')?.restartCount).toBe(0);
  });
});
