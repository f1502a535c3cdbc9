// The kubelet builds its pod sandbox image on the local engine, with no registry.
import { afterAll, expect, it } from 'vitest';
import { ensureSandboxImage, sandboxImageRef } from '../../agent/kubelet/sandbox/sandboxImage.ts';
import {
  createRunId,
  describeDocker,
  dockerClient,
  removeTestContainers,
  testLabel,
} from '../support/docker.ts';

const docker = dockerClient();
const runId = createRunId();

describeDocker('pod sandbox image', () => {
  afterAll(async () => {
    await removeTestContainers(runId, docker);
  });

  it('is imported when missing, reused when present, and runs until stopped, exiting 0', async () => {
    const ref = sandboxImageRef();
    await docker
      .getImage(ref)
      .remove()
      .catch(() => {}); // absent, or in use by a real pod: either way the import path below still runs
    expect(await ensureSandboxImage(docker)).toBe(ref);
    const first = await docker.getImage(ref).inspect();
    expect(await ensureSandboxImage(docker)).toBe(ref);
    expect((await docker.getImage(ref).inspect()).Id).toBe(first.Id);

    const container = await docker.createContainer({ Image: ref, Labels: testLabel(runId) });
    await container.start();
    expect((await container.inspect()).State.Running).toBe(true);
    const started = Date.now();
    await container.stop({ t: 10 });
    const state = (await container.inspect()).State;
    expect(state.ExitCode).toBe(0); // SIGTERM handled: no wait for the grace period, no SIGKILL
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
