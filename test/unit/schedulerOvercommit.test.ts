// Property: whatever the nodes and pods, the scheduler never overcommits a node. For each node and each of
// cpu, memory and pod count: once the scheduler has put a pod asking for some of it there, the total asked
// by the pods on the node (those already there included) is within allocatable. (Pods already assigned may
// overcommit a node by themselves; then the scheduler must add nothing that asks for that resource.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podResources } from '../../agent/controllers/scheduler/podResources.ts';
import { schedulePods } from '../../agent/controllers/scheduler/schedulePods.ts';
import type { Pod } from '../../shared/model/types.ts';
import { node, pod } from './schedulerFixtures.ts';

const nodeArb = fc.record({
  cpu: fc.integer({ min: 0, max: 4000 }),
  memoryMi: fc.integer({ min: 0, max: 4096 }),
  pods: fc.integer({ min: 0, max: 8 }),
  ready: fc.constantFrom('True' as const, 'True' as const, 'False' as const),
  unschedulable: fc.boolean(),
});

const podArb = fc.record({
  cpu: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined }),
  memoryMi: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined }),
  initCpu: fc.option(fc.integer({ min: 0, max: 2500 }), { nil: undefined }),
  owner: fc.constantFrom(undefined, 'a', 'b'),
  hostPort: fc.option(fc.constantFrom(80, 443), { nil: undefined }),
  assignedTo: fc.option(fc.nat(5), { nil: undefined }),
});

describe('schedulePods', () => {
  it('never overcommits a node', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 0, maxLength: 6 }),
        fc.array(podArb, { maxLength: 40 }),
        (nodeSpecs, podSpecs) => {
          const nodes = nodeSpecs.map((n, i) =>
            node(`n${i}`, {
              cpu: `${n.cpu}m`,
              memory: `${n.memoryMi}Mi`,
              pods: n.pods,
              ready: n.ready,
              unschedulable: n.unschedulable,
            }),
          );
          const all = podSpecs.map((p, i) =>
            pod(`p${String(i).padStart(2, '0')}`, {
              ...(p.cpu !== undefined ? { cpu: `${p.cpu}m` } : {}),
              ...(p.memoryMi !== undefined ? { memory: `${p.memoryMi}Mi` } : {}),
              ...(p.initCpu !== undefined ? { initCpu: `${p.initCpu}m` } : {}),
              ...(p.owner ? { owner: p.owner } : {}),
              ...(p.hostPort ? { hostPort: p.hostPort } : {}),
              ...(p.assignedTo !== undefined && p.assignedTo < nodes.length
                ? { node: `n${p.assignedTo}` }
                : {}),
            }),
          );
          const assigned = all.filter((p) => p.spec.nodeName);
          const pending = all.filter((p) => !p.spec.nodeName);
          const result = schedulePods(pending, nodes, assigned);

          expect(result.placements.length + result.failures.length).toBe(pending.length);
          for (const [i, spec] of nodeSpecs.entries()) {
            const name = `n${i}`;
            const placed = result.placements.filter((p) => p.nodeName === name).map((p) => p.pod);
            if (placed.length === 0) continue;
            expect(spec.ready).toBe('True');
            expect(spec.unschedulable).toBe(false);
            const onNode: Pod[] = [...assigned.filter((p) => p.spec.nodeName === name), ...placed];
            const sum = (ps: Pod[], r: 'milliCpu' | 'memory') =>
              ps.reduce((s, p) => s + podResources(p).requests[r], 0);
            expect(onNode.length).toBeLessThanOrEqual(spec.pods);
            if (sum(placed, 'milliCpu') > 0) expect(sum(onNode, 'milliCpu')).toBeLessThanOrEqual(spec.cpu);
            if (sum(placed, 'memory') > 0) {
              expect(sum(onNode, 'memory')).toBeLessThanOrEqual(spec.memoryMi * 1024 * 1024);
            }
            // No host port bound twice by what the scheduler added.
            const ports = onNode.flatMap((p) => p.spec.containers.flatMap((c) => c.ports ?? []));
            const placedPorts = placed.flatMap((p) => p.spec.containers.flatMap((c) => c.ports ?? []));
            for (const port of placedPorts) {
              expect(ports.filter((q) => q.hostPort === port.hostPort)).toHaveLength(1);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
