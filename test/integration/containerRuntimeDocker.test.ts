// The runtime contract on DockerRuntime against the real engine, plus what only a real engine can show:
// the spec's fields (command, env, user, limits, ports, read-only root…) as Docker applies them.
// Every container carries the run's test label and is removed in afterAll.

import { afterAll, expect, it } from 'vitest';
import type { ContainerCreateSpec, LogChunk } from '../../agent/kubelet/runtime/ContainerRuntime.ts';
import { DockerRuntime } from '../../agent/kubelet/runtime/DockerRuntime.ts';
import { containerRuntimeContract } from '../support/containerRuntimeContract.ts';
import {
  createRunId,
  describeDocker,
  dockerClient,
  removeTestContainers,
  TEST_IMAGE,
  testLabel,
} from '../support/docker.ts';

const docker = dockerClient();

containerRuntimeContract(
  'DockerRuntime',
  () => {
    const runId = createRunId();
    return {
      runtime: new DockerRuntime(docker),
      image: TEST_IMAGE,
      labels: testLabel(runId),
      cleanup: async () => {
        await removeTestContainers(runId, docker);
      },
    };
  },
  { describe: describeDocker },
);

describeDocker('DockerRuntime applies the container spec', () => {
  const runId = createRunId();
  const rt = new DockerRuntime(docker);
  let n = 0;
  afterAll(async () => {
    await removeTestContainers(runId, docker);
  });

  function spec(extra: Partial<ContainerCreateSpec>): ContainerCreateSpec {
    return { name: `shoal-spec-${runId}-${++n}`, image: TEST_IMAGE, labels: testLabel(runId), ...extra };
  }

  async function output(id: string): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
    const deadline = Date.now() + 10_000;
    let c = await rt.inspectContainer(id);
    while (c.state !== 'exited' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      c = await rt.inspectContainer(id);
    }
    const chunks: LogChunk[] = [];
    for await (const chunk of rt.logs(id)) chunks.push(chunk);
    const join = (s: string) =>
      Buffer.concat(chunks.filter((x) => x.stream === s).map((x) => x.data)).toString('utf8');
    return { code: c.exitCode, stdout: join('stdout'), stderr: join('stderr') };
  }

  it('runs command and args in the working directory, with env and user', async () => {
    const id = await rt.createContainer(
      spec({
        command: ['sh', '-c'],
        args: ['echo "$GREETING $(pwd) $(id -u)"; touch /probe && echo writable'],
        workingDir: '/tmp',
        env: [{ name: 'GREETING', value: 'hi there' }],
        runAsUser: 65534,
      }),
    );
    await rt.startContainer(id);
    const out = await output(id);
    // uid 65534 cannot write to /, owned by root.
    expect(out.stdout).toBe('hi there /tmp 65534\n');
    expect(out.code).toBe(1);
  });

  it('mounts the root filesystem read-only and bind mounts as asked', async () => {
    const id = await rt.createContainer(
      spec({
        command: ['sh', '-c', 'touch /x 2>/dev/null && echo root-writable; ls /mnt/host/build.sh'],
        readOnlyRootFilesystem: true,
        mounts: [{ hostPath: `${process.cwd()}/test/images`, containerPath: '/mnt/host', readOnly: true }],
      }),
    );
    await rt.startContainer(id);
    expect(await output(id)).toMatchObject({ code: 0, stdout: '/mnt/host/build.sh\n' });
  });

  it('passes limits, privilege, ports and namespaces to Docker', async () => {
    const sandbox = await rt.createContainer(
      spec({
        command: ['sleep', '300'],
        hostname: 'pod-a',
        ports: [{ containerPort: 8080, hostPort: 0 + 18981, hostIP: '127.0.0.1' }],
      }),
    );
    const app = await rt.createContainer(
      spec({
        command: ['sleep', '300'],
        sandboxId: sandbox,
        resources: { cpuMillicores: 250, memoryBytes: 64 * 1024 * 1024 },
        privileged: false,
        ports: [{ containerPort: 8080 }],
      }),
    );
    const sb = await docker.getContainer(sandbox).inspect();
    expect(sb.Config.Hostname).toBe('pod-a');
    expect(sb.HostConfig.IpcMode).toBe('shareable');
    expect(sb.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18981' }] });
    const a = await docker.getContainer(app).inspect();
    expect(a.HostConfig.NetworkMode).toBe(`container:${sandbox}`);
    expect(a.HostConfig.IpcMode).toBe(`container:${sandbox}`);
    expect(a.HostConfig.NanoCpus).toBe(250_000_000);
    expect(a.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(a.HostConfig.Privileged).toBe(false);
  });
});
