// Node status read from the real engine: its version, its root file system and its images.
import { expect, it } from 'vitest';
import { readEngineInfo } from '../../agent/node/engine.ts';
import { readNodeImages } from '../../agent/node/images.ts';
import { gatherNodeFacts } from '../../agent/node/nodeFacts.ts';
import { buildNode } from '../../agent/node/nodeInfo.ts';
import { validateObject } from '../../shared/model/validate.ts';
import { describeDocker, dockerClient, TEST_IMAGE } from '../support/docker.ts';

const docker = dockerClient();

describeDocker('node status from the Docker engine', () => {
  it('lists the test image with its size', async () => {
    const images = await readNodeImages(docker);
    const inspected = await docker.getImage(TEST_IMAGE).inspect();
    const entry = images.find((i) => i.names.includes(TEST_IMAGE));
    expect(entry).toEqual({ names: expect.arrayContaining([TEST_IMAGE]), sizeBytes: inspected.Size });
    expect(images.length).toBeLessThanOrEqual(50);
  });

  it('gathers the version, the root file system and memory into a valid Node with known pressure', async () => {
    const problems: string[] = [];
    const facts = await gatherNodeFacts('0.0.0-test', {
      engine: docker,
      onProblem: (what, err) => problems.push(`${what}: ${String(err)}`),
    });
    expect(problems).toEqual([]);
    const version = (await docker.version()).Version;
    expect(facts.dockerVersion).toBe(version);
    expect((await readEngineInfo(docker)).rootDir).toMatch(/^\//);
    expect(facts.rootFs?.capacityBytes).toBeGreaterThan(0);
    expect(facts.memoryAvailableBytes).toBeGreaterThan(0);

    const node = buildNode('docker-test', 'cd'.repeat(32), facts);
    expect(validateObject(node)).toMatchObject({ ok: true });
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toBe(`docker://${version}`);
    expect(node.status?.capacity?.['ephemeral-storage']).toMatch(/^\d+Ki$/);
    expect(node.status?.images?.some((i) => i.names.includes(TEST_IMAGE))).toBe(true);
    const statuses = node.status?.conditions?.map((c) => [
      c.type,
      c.status === 'Unknown' ? 'Unknown' : 'known',
    ]);
    expect(statuses).toEqual([
      ['MemoryPressure', 'known'],
      ['DiskPressure', 'known'],
    ]);
  });
});
