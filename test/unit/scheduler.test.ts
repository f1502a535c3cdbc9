import { describe, expect, it } from 'vitest';
import { matchesNodeSelectorAndAffinity } from '../../agent/controllers/nodeAffinity.ts';
import { fitErrorMessage } from '../../agent/controllers/scheduler/failureMessage.ts';
import { podResources } from '../../agent/controllers/scheduler/podResources.ts';
import {
  partitionPods,
  type SchedulingResult,
  schedulePods,
} from '../../agent/controllers/scheduler/schedulePods.ts';
import {
  imageLocalityScore,
  leastAllocatedScore,
  normalizeImageName,
  ownerSpreadScore,
} from '../../agent/controllers/scheduler/scores.ts';
import { toleratesTaint } from '../../agent/controllers/tolerations.ts';
import type { Pod } from '../../shared/model/types.ts';
import { node, pod } from './schedulerFixtures.ts';

const placed = (r: SchedulingResult) => r.placements.map((p) => [p.pod.metadata.name, p.nodeName]);
const messages = (r: SchedulingResult) => r.failures.map((f) => f.message);
const one = (p: Pod, nodes: Parameters<typeof schedulePods>[1], assigned: Pod[] = []) =>
  schedulePods([p], nodes, assigned);

describe('filters', () => {
  it('skips nodes that are not Ready, with the taint the node lifecycle would set', () => {
    const r = one(pod('p'), [node('a', { ready: 'False' }), node('b', { ready: 'Unknown' })]);
    expect(messages(r)).toEqual([
      '0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.',
    ]);
    const tolerant = pod('t', {
      spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] },
    });
    expect(placed(one(tolerant, [node('a', { ready: 'False' })]))).toEqual([['t', 'a']]);
  });

  it('skips cordoned nodes unless the pod tolerates node.kubernetes.io/unschedulable', () => {
    const nodes = [node('a', { unschedulable: true })];
    expect(messages(one(pod('p'), nodes))).toEqual([
      '0/1 nodes are available: 1 node(s) were unschedulable.',
    ]);
    const tolerant = pod('t', {
      spec: {
        tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
    expect(placed(one(tolerant, nodes))).toEqual([['t', 'a']]);
  });

  it('fits requests into allocatable minus what assigned, unfinished pods request', () => {
    const nodes = [node('a', { cpu: '1', memory: '1Gi' })];
    const busy = [pod('x', { node: 'a', cpu: '600m', memory: '512Mi' })];
    expect(messages(one(pod('p', { cpu: '500m' }), nodes, busy))).toEqual([
      '0/1 nodes are available: 1 Insufficient cpu.',
    ]);
    expect(messages(one(pod('p', { cpu: '500m', memory: '600Mi' }), nodes, busy))).toEqual([
      '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
    ]);
    expect(placed(one(pod('p', { cpu: '400m', memory: '512Mi' }), nodes, busy))).toEqual([['p', 'a']]);
    // A finished pod holds nothing (partitionPods leaves it out).
    const { assigned } = partitionPods([pod('x', { node: 'a', cpu: '600m', phase: 'Succeeded' })]);
    expect(placed(one(pod('p', { cpu: '500m' }), nodes, assigned))).toEqual([['p', 'a']]);
  });

  it('counts pods against allocatable pods', () => {
    const nodes = [node('a', { pods: 1 })];
    expect(messages(one(pod('p'), nodes, [pod('x', { node: 'a' })]))).toEqual([
      '0/1 nodes are available: 1 Too many pods.',
    ]);
  });

  it('computes requests as the app containers summed, raised to any init container', () => {
    const p = pod('p', { cpu: '250m', initCpu: '1', spec: {} });
    expect(podResources(p).requests.milliCpu).toBe(1000);
    const two = pod('q', { cpu: '250m', memory: '64Mi' });
    two.spec.containers.push({ ...(two.spec.containers[0] as Pod['spec']['containers'][number]), name: 'b' });
    expect(podResources(two).requests).toEqual({ milliCpu: 500, memory: 128 * 1024 * 1024 });
    expect(podResources(pod('none')).nonZero).toEqual({ milliCpu: 100, memory: 200 * 1024 * 1024 });
  });

  it('matches nodeSelector and required node affinity (terms ORed, all operators, metadata.name)', () => {
    const n = node('n1', { labels: { zone: 'a', gen: '5' } });
    const affinity = (terms: unknown[]) =>
      pod('p', {
        spec: {
          affinity: {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
          },
        } as Partial<Pod['spec']>,
      }).spec;
    const expr = (key: string, operator: string, values?: string[]) => ({
      matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
    });
    expect(matchesNodeSelectorAndAffinity(pod('p', { spec: { nodeSelector: { zone: 'a' } } }).spec, n)).toBe(
      true,
    );
    expect(matchesNodeSelectorAndAffinity(pod('p', { spec: { nodeSelector: { zone: 'b' } } }).spec, n)).toBe(
      false,
    );
    expect(matchesNodeSelectorAndAffinity(affinity([expr('zone', 'In', ['a', 'b'])]), n)).toBe(true);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('zone', 'NotIn', ['a'])]), n)).toBe(false);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('gpu', 'NotIn', ['x'])]), n)).toBe(true);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('zone', 'Exists')]), n)).toBe(true);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('zone', 'DoesNotExist')]), n)).toBe(false);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('gen', 'Gt', ['4'])]), n)).toBe(true);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('gen', 'Lt', ['5'])]), n)).toBe(false);
    expect(matchesNodeSelectorAndAffinity(affinity([expr('zone', 'Gt', ['4'])]), n)).toBe(false);
    expect(
      matchesNodeSelectorAndAffinity(affinity([expr('zone', 'In', ['b']), expr('gen', 'In', ['5'])]), n),
    ).toBe(true);
    const byName = (name: string) => [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] },
    ];
    expect(matchesNodeSelectorAndAffinity(affinity(byName('n1')), n)).toBe(true);
    expect(matchesNodeSelectorAndAffinity(affinity(byName('n2')), n)).toBe(false);
    expect(matchesNodeSelectorAndAffinity(affinity([{}]), n)).toBe(false);
    const r = schedulePods(
      [pod('p', { spec: { nodeSelector: { zone: 'b' } } })],
      [n, node('n2', { labels: { zone: 'b' } })],
      [],
    );
    expect(placed(r)).toEqual([['p', 'n2']]);
  });

  it('honours NoSchedule and NoExecute taints, not PreferNoSchedule', () => {
    const nodes = [
      node('a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
      node('b', { taints: [{ key: 'gone', effect: 'NoExecute' }] }),
      node('c', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }], ready: 'False' }),
    ];
    expect(messages(one(pod('p'), nodes))).toEqual([
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) had untolerated taint {gone: }, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    ]);
    const db = pod('db', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db' }] } });
    expect(placed(one(db, nodes))).toEqual([['db', 'a']]);
    expect(toleratesTaint({ operator: 'Exists' }, { key: 'any', effect: 'NoExecute' })).toBe(true);
    expect(
      toleratesTaint({ operator: 'Exists', effect: 'NoSchedule' }, { key: 'any', effect: 'NoExecute' }),
    ).toBe(false);
    expect(toleratesTaint({ key: 'k', value: 'x' }, { key: 'k', value: 'y', effect: 'NoSchedule' })).toBe(
      false,
    );
  });

  it('refuses a host port already bound on the node, within one pass too', () => {
    const nodes = [node('a'), node('b')];
    const r = schedulePods(
      [pod('p1', { hostPort: 8080 }), pod('p2', { hostPort: 8080 }), pod('p3', { hostPort: 8080 })],
      nodes,
      [],
    );
    expect(
      placed(r)
        .map(([, n]) => n)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(messages(r)).toEqual([
      "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.",
    ]);
    // Different addresses do not clash; the wildcard clashes with every address.
    const bound = [pod('x', { node: 'a', hostPort: 80, hostIP: '10.0.0.1' })];
    expect(placed(one(pod('p', { hostPort: 80, hostIP: '10.0.0.2' }), [node('a')], bound))).toEqual([
      ['p', 'a'],
    ]);
    expect(messages(one(pod('p', { hostPort: 80 }), [node('a')], bound))).toHaveLength(1);
  });

  it('keeps pods with required anti-affinity by hostname apart, in one pass and from existing pods', () => {
    const anti = (name: string) =>
      pod(name, {
        labels: { app: 'db' },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
        },
      });
    const r = schedulePods([anti('d1'), anti('d2'), anti('d3')], [node('a'), node('b')], []);
    expect(new Set(placed(r).map(([, n]) => n))).toEqual(new Set(['a', 'b']));
    expect(messages(r)).toEqual(["0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules."]);
    // An existing pod's anti-affinity also keeps a matching newcomer away.
    const existing = { ...anti('d0'), spec: { ...anti('d0').spec, nodeName: 'a' } };
    const plain = pod('p', { labels: { app: 'db' } });
    expect(placed(schedulePods([plain], [node('a'), node('b')], [existing]))).toEqual([['p', 'b']]);
    expect(messages(one(plain, [node('a')], [existing]))).toEqual([
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules.",
    ]);
  });

  it('places a pod with required pod affinity beside a matching pod, or anywhere when it is the first', () => {
    const withAffinity = (name: string) =>
      pod(name, {
        labels: { app: 'cache' },
        spec: {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
        },
      });
    const r = schedulePods([withAffinity('c1'), withAffinity('c2')], [node('a'), node('b')], []);
    const [first, second] = placed(r);
    expect(second?.[1]).toBe(first?.[1]);
  });
});

describe('failure message', () => {
  it('counts reasons and sorts them as Go sort.Strings does', () => {
    expect(
      fitErrorMessage(3, [
        ['Insufficient memory'],
        ['Insufficient memory'],
        ["node(s) didn't match Pod's node affinity/selector"],
      ]),
    ).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory.",
    );
    expect(fitErrorMessage(0, [])).toBe('no nodes available to schedule pods');
  });

  it('reports the first failing filter per node, in kube-scheduler order', () => {
    const nodes = [
      node('a', { memory: '1Gi', labels: { disk: 'ssd' } }),
      node('b', { memory: '1Gi', labels: { disk: 'ssd' } }),
      node('c', { labels: { disk: 'hdd' } }),
    ];
    const p = pod('p', { memory: '2Gi', spec: { nodeSelector: { disk: 'ssd' } } });
    expect(messages(one(p, nodes))).toEqual([
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory.",
    ]);
  });
});

describe('scores', () => {
  it('least allocated: free share of cpu and memory averaged, in integers', () => {
    expect(leastAllocatedScore(1000, 250, 1000, 500)).toBe(62);
    expect(leastAllocatedScore(1000, 2000, 0, 0)).toBe(0);
    const r = schedulePods(
      [pod('p', { cpu: '100m' })],
      [node('a'), node('b')],
      [pod('x', { node: 'a', cpu: '1' })],
    );
    expect(placed(r)).toEqual([['p', 'b']]);
  });

  it('spreads the pods of one owner across nodes', () => {
    expect(ownerSpreadScore(0, 2)).toBe(100);
    expect(ownerSpreadScore(2, 2)).toBe(0);
    expect(ownerSpreadScore(0, 0)).toBe(100);
    const pods = Array.from({ length: 6 }, (_, i) => pod(`web-${i}`, { owner: 'web', cpu: '100m' }));
    const r = schedulePods(pods, [node('a'), node('b'), node('c')], []);
    const perNode = new Map<string, number>();
    for (const [, n] of placed(r)) perNode.set(n as string, (perNode.get(n as string) ?? 0) + 1);
    expect(Object.fromEntries(perNode)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('prefers nodes that have the image', () => {
    expect(normalizeImageName('nginx')).toBe('nginx:latest');
    expect(normalizeImageName('docker.io/library/nginx:1.25')).toBe('nginx:1.25');
    expect(normalizeImageName('registry:5000/team/app')).toBe('registry:5000/team/app:latest');
    expect(imageLocalityScore(['nginx'], new Set(['nginx:latest']))).toBe(100);
    const nodes = [node('a'), node('b', { images: ['docker.io/library/redis:7'] })];
    expect(placed(one(pod('p', { image: 'redis:7' }), nodes))).toEqual([['p', 'b']]);
  });
});

describe('determinism and order', () => {
  it('places oldest first, then by name, and breaks ties by node name', () => {
    const { pending } = partitionPods([
      pod('b', { created: '2026-06-01T12:00:01Z' }),
      pod('c', { created: '2026-06-01T12:00:00Z' }),
      pod('a', { created: '2026-06-01T12:00:01Z' }),
      pod('bound', { node: 'x' }),
      pod('gone', { deleting: true }),
      pod('done', { phase: 'Failed' }),
    ]);
    expect(pending.map((p) => p.metadata.name)).toEqual(['c', 'a', 'b']);
    expect(placed(one(pod('p'), [node('z'), node('m'), node('k')]))).toEqual([['p', 'k']]);
  });

  it('gives the same placements for the same input, whatever the order of nodes and assigned pods', () => {
    const nodes = Array.from({ length: 7 }, (_, i) => node(`n${i}`, { cpu: String(2 + (i % 3)) }));
    const assigned = Array.from({ length: 10 }, (_, i) =>
      pod(`x${i}`, { node: `n${i % 7}`, cpu: '300m', owner: 'old' }),
    );
    const pending = Array.from({ length: 30 }, (_, i) =>
      pod(`p${i}`, { cpu: '200m', owner: i % 2 ? 'a' : 'b' }),
    );
    const first = placed(schedulePods(pending, nodes, assigned));
    const again = placed(schedulePods(pending, [...nodes].reverse(), [...assigned].reverse()));
    expect(again).toEqual(first);
  });

  it('defers what is left after maxPlacements', () => {
    const r = schedulePods([pod('a'), pod('b'), pod('c')], [node('n')], [], { maxPlacements: 2 });
    expect(placed(r)).toHaveLength(2);
    expect(r.deferred.map((p) => p.metadata.name)).toEqual(['c']);
  });
});
