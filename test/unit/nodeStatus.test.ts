import { describe, expect, it } from 'vitest';
import { registerNode } from '../../agent/membership/registerNode.ts';
import { nodeCapacity } from '../../agent/node/capacity.ts';
import { readEngineInfo } from '../../agent/node/engine.ts';
import { nodeImagesFrom } from '../../agent/node/images.ts';
import { fsStatsFrom, parseMemAvailable } from '../../agent/node/machineStats.ts';
import { mergeOwnConditions, type NodeCondition } from '../../agent/node/nodeConditions.ts';
import { gatherNodeFacts } from '../../agent/node/nodeFacts.ts';
import { buildNode, type MachineFacts } from '../../agent/node/nodeInfo.ts';
import { planNodeReadiness } from '../../agent/node/nodeReadiness.ts';
import { diskPressureCondition, memoryPressureCondition } from '../../agent/node/pressure.ts';
import type { Node } from '../../shared/model/types.ts';
import { validateObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const Mi = 1024 * 1024;
const T0 = Date.parse('2026-01-01T10:00:00Z');
const T1 = T0 + 15_000;

const MEMINFO = `MemTotal:        8029876 kB
MemFree:          302468 kB
MemAvailable:    5120000 kB
Buffers:          190352 kB
`;

function facts(over: Partial<MachineFacts> = {}): MachineFacts {
  return {
    cpus: 4,
    memoryBytes: 8_000_000 * 1024,
    platform: 'linux',
    arch: 'x64',
    kernel: '6.1.0',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    hostname: 'box',
    addresses: ['10.0.0.5'],
    dockerVersion: '24.0.5',
    shoalVersion: '0.1.0',
    measuredAt: T0,
    memoryAvailableBytes: 4096 * Mi,
    rootFs: { capacityBytes: 100 * 1024 * Mi, availableBytes: 60 * 1024 * Mi },
    images: [{ names: ['shoal.test/busybox:1'], sizeBytes: 1_980_000 }],
    ...over,
  };
}

const types = (conditions: readonly NodeCondition[] | undefined) =>
  (conditions ?? []).map((c) => `${c.type}=${c.status}`);

describe('capacity and allocatable', () => {
  it('subtracts the kubelet default hard eviction thresholds: 100Mi of memory, 10% of the node file system', () => {
    const { capacity, allocatable } = nodeCapacity({
      cpus: 4,
      memoryBytes: 8_000_000 * 1024 + 512, // a part of a Ki is not capacity
      rootFs: { capacityBytes: 1000 * 1024, availableBytes: 500 * 1024 },
    });
    expect(capacity).toEqual({ cpu: '4', memory: '8000000Ki', pods: '110', 'ephemeral-storage': '1000Ki' });
    expect(allocatable).toEqual({
      cpu: '4',
      memory: `${8_000_000 - 102_400}Ki`,
      pods: '110',
      'ephemeral-storage': String(1000 * 1024 - Math.trunc(1000 * 1024 * 0.1)),
    });
  });

  it('leaves ephemeral-storage out when the engine file system is unknown, and never goes below zero', () => {
    const { capacity, allocatable } = nodeCapacity({ cpus: 1, memoryBytes: 50 * Mi });
    expect(capacity).not.toHaveProperty('ephemeral-storage');
    expect(allocatable.memory).toBe('0Ki');
  });
});

describe('pressure conditions', () => {
  it("reports memory pressure below 100Mi available, in the kubelet's words", () => {
    expect(memoryPressureCondition(100 * Mi, T0)).toEqual({
      type: 'MemoryPressure',
      status: 'False',
      reason: 'KubeletHasSufficientMemory',
      message: 'kubelet has sufficient memory available',
      lastHeartbeatTime: '2026-01-01T10:00:00Z',
      lastTransitionTime: '2026-01-01T10:00:00Z',
    });
    expect(memoryPressureCondition(100 * Mi - 1, T0)).toMatchObject({
      status: 'True',
      reason: 'KubeletHasInsufficientMemory',
      message: 'kubelet has insufficient memory available',
    });
    expect(memoryPressureCondition(undefined, T0).status).toBe('Unknown');
  });

  it('reports disk pressure below 10% free of the engine file system', () => {
    const capacityBytes = 1000 * Mi;
    expect(diskPressureCondition({ capacityBytes, availableBytes: 100 * Mi }, T0)).toMatchObject({
      type: 'DiskPressure',
      status: 'False',
      reason: 'KubeletHasNoDiskPressure',
      message: 'kubelet has no disk pressure',
    });
    expect(diskPressureCondition({ capacityBytes, availableBytes: 100 * Mi - 1 }, T0)).toMatchObject({
      status: 'True',
      reason: 'KubeletHasDiskPressure',
      message: 'kubelet has disk pressure',
    });
    expect(diskPressureCondition(undefined, T0)).toMatchObject({ status: 'Unknown' });
  });

  it('reads MemAvailable and statfs figures', () => {
    expect(parseMemAvailable(MEMINFO)).toBe(5_120_000 * 1024);
    expect(parseMemAvailable('MemTotal: 1 kB\n')).toBeUndefined();
    expect(fsStatsFrom({ bsize: 4096, blocks: 1000, bavail: 50 })).toEqual({
      capacityBytes: 4_096_000,
      availableBytes: 204_800,
    });
  });
});

describe('images', () => {
  it('lists named images largest first, digests before tags, at most 5 names and 50 images', () => {
    const engine = [
      { RepoTags: ['small:1'], Size: 10, Created: 1 },
      { RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 999_999 },
      { RepoTags: null, Size: 999_998 },
      { RepoTags: ['big:1', 'big:latest'], RepoDigests: ['big@sha256:aa'], Size: 1000, Created: 5 },
      { RepoTags: ['a:1', 'a:2', 'a:3', 'a:4', 'a:5'], RepoDigests: ['a@sha256:bb'], Size: 500 },
      { RepoTags: ['older:1'], Size: 10, Created: 0 },
      { RepoTags: ['newer:1'], Size: 10, Created: 2 },
    ];
    expect(nodeImagesFrom(engine)).toEqual([
      { names: ['big@sha256:aa', 'big:1', 'big:latest'], sizeBytes: 1000 },
      { names: ['a@sha256:bb', 'a:1', 'a:2', 'a:3', 'a:4'], sizeBytes: 500 },
      { names: ['newer:1'], sizeBytes: 10 },
      { names: ['small:1'], sizeBytes: 10 },
      { names: ['older:1'], sizeBytes: 10 },
    ]);
    const many = Array.from({ length: 60 }, (_, i) => ({ RepoTags: [`img${i}:1`], Size: i }));
    const listed = nodeImagesFrom(many);
    expect(listed).toHaveLength(50);
    expect(listed[0]).toEqual({ names: ['img59:1'], sizeBytes: 59 });
  });
});

describe('merging condition writers', () => {
  const ready: NodeCondition = {
    type: 'Ready',
    status: 'True',
    reason: 'AgentReady',
    lastTransitionTime: '2026-01-01T09:00:00Z',
  };

  it('keeps an unchanged condition whole (its times included) and the other writer’s conditions', () => {
    const before = [memoryPressureCondition(4096 * Mi, T0), ready];
    const merged = mergeOwnConditions(before, [memoryPressureCondition(2048 * Mi, T1)]);
    expect(merged).toEqual(before);
  });

  it('moves lastTransitionTime only when the status changes', () => {
    const before = [memoryPressureCondition(4096 * Mi, T0), ready];
    const merged = mergeOwnConditions(before, [memoryPressureCondition(50 * Mi, T1)]);
    expect(merged[0]).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T10:00:15Z' });
    expect(merged[1]).toBe(ready);
    const sameStatus = mergeOwnConditions(
      [{ ...memoryPressureCondition(4096 * Mi, T0), message: 'older words' }],
      [memoryPressureCondition(4096 * Mi, T1)],
    );
    expect(sameStatus[0]).toMatchObject({
      message: 'kubelet has sufficient memory available',
      lastTransitionTime: '2026-01-01T10:00:00Z',
      lastHeartbeatTime: '2026-01-01T10:00:15Z',
    });
  });

  it("the leader's readiness pass keeps the agent's conditions as they are", () => {
    const node = buildNode('box', 'ab'.repeat(32), facts());
    const [update] = planNodeReadiness({
      nodes: [node],
      lastHeard: new Map([['box', T0]]),
      now: T0 + 1,
      leaderSince: 0,
    });
    expect(update?.conditions.slice(0, 2)).toEqual(node.status?.conditions);
    expect(types(update?.conditions)).toEqual(['MemoryPressure=False', 'DiskPressure=False', 'Ready=True']);
    expect(update?.conditions[2]).toMatchObject({
      lastHeartbeatTime: '2026-01-01T10:00:00Z',
      lastTransitionTime: '2026-01-01T10:00:00Z',
    });
  });

  it('records when a silent node was last heard, and keeps the agent’s conditions', () => {
    const node = buildNode('box', 'ab'.repeat(32), facts());
    const [update] = planNodeReadiness({
      nodes: [node],
      lastHeard: new Map([['box', T0]]),
      now: T0 + 20_000,
      leaderSince: 0,
    });
    expect(update?.conditions.slice(0, 2)).toEqual(node.status?.conditions);
    expect(update?.conditions[2]).toMatchObject({
      status: 'Unknown',
      lastHeartbeatTime: '2026-01-01T10:00:00Z',
      lastTransitionTime: '2026-01-01T10:00:20Z',
    });
  });
});

describe('the Node an agent registers', () => {
  it('carries capacity, allocatable, images and both pressure conditions, and passes validation', () => {
    const node = buildNode('box', 'ab'.repeat(32), facts());
    expect(node.status?.capacity).toMatchObject({
      'ephemeral-storage': `${100 * 1024 * 1024}Ki`,
      pods: '110',
    });
    expect(node.status?.allocatable?.memory).toBe(`${8_000_000 - 102_400}Ki`);
    expect(node.status?.images).toEqual([{ names: ['shoal.test/busybox:1'], sizeBytes: 1_980_000 }]);
    expect(types(node.status?.conditions)).toEqual(['MemoryPressure=False', 'DiskPressure=False']);
    expect(validateObject(node)).toMatchObject({ ok: true });
  });

  it('reports no conditions before anything was measured (shoal init)', () => {
    const node = buildNode('box', 'ab'.repeat(32), facts({ measuredAt: undefined, images: undefined }));
    expect(node.status).not.toHaveProperty('conditions');
    expect(node.status).not.toHaveProperty('images');
  });

  it('writes its own conditions, keeps the leader’s, and writes nothing when nothing changed', async () => {
    const store = new MemoryClusterStore();
    await registerNode(store, buildNode('box', 'ab'.repeat(32), facts({ measuredAt: undefined })));
    const created = store.get('Node', undefined, 'box') as Node;
    // The leader marks it Ready.
    await store.updateStatus('Node', undefined, 'box', {
      ...created.status,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'AgentReady', lastTransitionTime: '2026-01-01T09:00:00Z' },
      ],
    });
    let node = await registerNode(store, buildNode('box', 'ab'.repeat(32), facts()));
    expect(types(node.status?.conditions)).toEqual([
      'MemoryPressure=False',
      'DiskPressure=False',
      'Ready=True',
    ]);

    // 15 s later: a little less memory, no pressure: the document is not written.
    const writes = store.changeCount;
    node = await registerNode(
      store,
      buildNode('box', 'ab'.repeat(32), facts({ measuredAt: T1, memoryAvailableBytes: 3000 * Mi })),
    );
    expect(store.changeCount).toBe(writes);
    expect(node.status?.conditions?.[0]?.lastHeartbeatTime).toBe('2026-01-01T10:00:00Z');

    // The disk fills: DiskPressure turns True at T1, MemoryPressure and Ready keep their times.
    const full = { capacityBytes: 100 * 1024 * Mi, availableBytes: 5 * 1024 * Mi };
    node = await registerNode(
      store,
      buildNode('box', 'ab'.repeat(32), facts({ measuredAt: T1, rootFs: full })),
    );
    expect(store.changeCount).toBe(writes + 1);
    const stored = (store.get('Node', undefined, 'box') as Node).status?.conditions ?? [];
    expect(stored.map((c) => [c.type, c.status, c.lastTransitionTime])).toEqual([
      ['MemoryPressure', 'False', '2026-01-01T10:00:00Z'],
      ['DiskPressure', 'True', '2026-01-01T10:00:15Z'],
      ['Ready', 'True', '2026-01-01T09:00:00Z'],
    ]);
  });

  it('rewrites the status when a pulled image appears', async () => {
    const store = new MemoryClusterStore();
    await registerNode(store, buildNode('box', 'ab'.repeat(32), facts()));
    const writes = store.changeCount;
    const images = [{ names: ['nginx:1.25'], sizeBytes: 190_000_000 }, ...(facts().images ?? [])];
    const node = await registerNode(
      store,
      buildNode('box', 'ab'.repeat(32), facts({ measuredAt: T1, images })),
    );
    expect(store.changeCount).toBe(writes + 1);
    expect(node.status?.images?.map((i) => i.names[0])).toEqual(['nginx:1.25', 'shoal.test/busybox:1']);
  });
});

describe('gathering facts from an engine', () => {
  const okInfo = { ServerVersion: '24.0.5', DockerRootDir: '/' };

  it('reads the engine, measures its root file system, and names what could not be read', async () => {
    const problems: string[] = [];
    const engine = {
      info: async () => okInfo,
      listImages: async () => [{ RepoTags: ['x:1'], Size: 'big' }],
    };
    const gathered = await gatherNodeFacts('0.1.0', {
      engine,
      now: () => T0,
      onProblem: (what, err) => problems.push(`${what}: ${(err as Error).message}`),
    });
    expect(gathered).toMatchObject({ dockerVersion: '24.0.5', measuredAt: T0, images: undefined });
    expect(gathered.rootFs?.capacityBytes).toBeGreaterThan(0);
    expect(problems).toEqual([
      'engine images: unexpected answer from docker image list: 0.Size: Invalid input: expected number, received string',
    ]);
  });

  it('gives up on an engine that does not answer, and reports disk pressure as Unknown', async () => {
    const problems: string[] = [];
    const never = () => new Promise<never>(() => {});
    const gathered = await gatherNodeFacts('0.1.0', {
      engine: { info: never, listImages: never },
      engineTimeoutMs: 50,
      onProblem: (what, err) => problems.push(`${what}: ${(err as Error).message}`),
    });
    expect(problems.sort()).toEqual([
      'engine images: docker image list did not answer within 50 ms',
      'engine info: docker info did not answer within 50 ms',
    ]);
    const node = buildNode('box', 'ab'.repeat(32), gathered);
    expect(types(node.status?.conditions)[1]).toBe('DiskPressure=Unknown');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toBe('docker://unknown');
  });

  it('refuses an engine info answer of the wrong shape, naming the field', async () => {
    await expect(
      readEngineInfo({ info: async () => ({ DockerRootDir: 'relative' }), listImages: async () => [] }),
    ).rejects.toThrow(/^unexpected answer from docker info: DockerRootDir: /);
  });
});
