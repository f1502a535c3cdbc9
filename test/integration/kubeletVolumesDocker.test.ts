// Pod volumes and env, end to end on the real engine: PodVolumes prepares the host directories,
// resolvePodEnv reads the ConfigMap, the planner's buildContainerSpec turns both into the create spec, and
// DockerRuntime runs it. What only a real engine shows: a non-root container writes to the emptyDir, sees
// the configMap files through their `..data` links, gets the env, and an update of the ConfigMap reaches the
// running container (but not a subPath mount, as in Kubernetes).

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolvePodEnv } from '../../agent/kubelet/env/resolvePodEnv.ts';
import { buildContainerSpec, buildSandboxSpec } from '../../agent/kubelet/plan/containerSpec.ts';
import type { ContainerIdentity } from '../../agent/kubelet/plan/labels.ts';
import type { ExecSession } from '../../agent/kubelet/runtime/ContainerRuntime.ts';
import { DockerRuntime } from '../../agent/kubelet/runtime/DockerRuntime.ts';
import { PodVolumes } from '../../agent/kubelet/volumes/PodVolumes.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import {
  createRunId,
  describeDocker,
  dockerClient,
  removeTestContainers,
  TEST_IMAGE,
  testLabel,
} from '../support/docker.ts';

function admitted<T>(raw: Record<string, unknown>): T {
  const result = admitObject(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.object as T;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describeDocker('pod volumes and env through the Docker runtime', () => {
  const docker = dockerClient();
  const runId = createRunId();
  const rt = new DockerRuntime(docker);
  const store = new MemoryClusterStore();
  const uid = `vol-${runId}`;
  let tmp: string;
  let volumes: PodVolumes;
  let pod: Pod;
  let app: string;

  const identity = (containerName: string, role: ContainerIdentity['role']): ContainerIdentity => ({
    podUid: uid,
    podName: 'web',
    namespace: 'default',
    containerName,
    node: 'node-a',
    role,
    attempt: 0,
  });

  async function putConfigMap(data: Record<string, string>): Promise<void> {
    const cm = admitted<KubeObject>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
      data,
    });
    if (store.get('ConfigMap', 'default', 'settings')) await store.updateSpec(cm);
    else await store.create(cm);
  }

  async function sh(script: string): Promise<{ stdout: string; stderr: string; code: number }> {
    const session: ExecSession = await rt.exec(app, { command: ['sh', '-c', script] });
    const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    return { stdout, stderr, code: await session.exitCode };
  }

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-volumes-docker-'));
    volumes = new PodVolumes({ root: path.join(tmp, 'pods'), objects: store });
    await putConfigMap({ greeting: 'hello', LEVEL: 'debug' });
    pod = admitted<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        securityContext: { runAsUser: 1000 },
        volumes: [
          { name: 'config', configMap: { name: 'settings' } },
          { name: 'scratch', emptyDir: {} },
        ],
        containers: [
          {
            name: 'app',
            image: TEST_IMAGE,
            command: ['sleep', '300'],
            envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CM_' }],
            volumeMounts: [
              { name: 'config', mountPath: '/etc/config', readOnly: true },
              { name: 'config', mountPath: '/etc/greeting', subPath: 'greeting', readOnly: true },
              { name: 'scratch', mountPath: '/scratch' },
            ],
          },
        ],
      },
    });
    pod.metadata.uid = uid as Pod['metadata']['uid'];
    pod.spec.nodeName = 'node-a';

    const prepared = await volumes.prepare(pod);
    expect(prepared.failures).toEqual([]);

    const sandboxSpec = buildSandboxSpec(pod, identity('POD', 'sandbox'), TEST_IMAGE);
    const sandbox = await rt.createContainer({
      ...sandboxSpec,
      command: ['sleep', '300'],
      labels: testLabel(runId, sandboxSpec.labels),
    });
    await rt.startContainer(sandbox);

    const built = buildContainerSpec({
      pod,
      container: pod.spec.containers[0]!,
      identity: identity('app', 'app'),
      sandboxId: sandbox,
      resolvedEnv: resolvePodEnv(pod, store).app!,
      volumePaths: prepared.paths,
      fields: {},
      allowPrivileged: false,
    });
    if (!built.ok) throw new Error(`${built.reason}: ${built.message}`);
    app = await rt.createContainer({ ...built.spec, labels: testLabel(runId, built.spec.labels) });
    await rt.startContainer(app);
  }, 30_000);

  afterAll(async () => {
    await removeTestContainers(runId, docker);
    if (tmp) await volumes.remove(uid);
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('shows the configMap files, read-only, and its values in the env', async () => {
    expect(
      await sh('cat /etc/config/greeting; echo; cat /etc/greeting; echo; echo "$CM_LEVEL $CM_greeting"'),
    ).toEqual({
      stdout: 'hello\nhello\ndebug hello\n',
      stderr: '',
      code: 0,
    });
    const write = await sh('echo x > /etc/config/new');
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
  });

  it('lets a non-root container write to the emptyDir, seen on the host', async () => {
    expect(await sh('id -u; echo from-container > /scratch/out')).toMatchObject({
      stdout: '1000\n',
      code: 0,
    });
    const prepared = await volumes.prepare(pod);
    expect(await fs.readFile(path.join(prepared.paths.scratch!, 'out'), 'utf8')).toBe('from-container\n');
  });

  it('delivers a ConfigMap update to the running container, but not through a subPath', async () => {
    await putConfigMap({ greeting: 'bonjour', LEVEL: 'info' });
    await volumes.prepare(pod);
    expect(
      await sh('cat /etc/config/greeting; echo; cat /etc/config/LEVEL; echo; cat /etc/greeting; echo'),
    ).toMatchObject({
      stdout: 'bonjour\ninfo\nhello\n',
      code: 0,
    });
  });
});
