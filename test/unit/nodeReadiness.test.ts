import { describe, expect, it } from 'vitest';
import { isNodeReady, planNodeReadiness } from '../../agent/node/nodeReadiness.ts';
import type { Node } from '../../shared/model/types.ts';

const node = (name: string, ready?: 'True' | 'Unknown'): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: {},
  status: ready ? { conditions: [{ type: 'Ready', status: ready }] } : {},
});

describe('planNodeReadiness', () => {
  const base = { leaderSince: 0, graceMs: 10_000 };

  it('marks a node Ready when heard, and writes nothing when it already is', () => {
    const updates = planNodeReadiness({
      ...base,
      nodes: [node('a'), node('b', 'True')],
      lastHeard: new Map([
        ['a', 900],
        ['b', 900],
      ]),
      now: 1000,
    });
    expect(updates.map((u) => [u.nodeName, u.conditions[0]?.status])).toEqual([['a', 'True']]);
  });

  it('marks a silent node Unknown only after the grace period', () => {
    const nodes = [node('a', 'True')];
    const lastHeard = new Map([['a', 1000]]);
    expect(planNodeReadiness({ ...base, nodes, lastHeard, now: 11_000 })).toEqual([]);
    const late = planNodeReadiness({ ...base, nodes, lastHeard, now: 11_001 });
    expect(late[0]?.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
    });
  });

  it('gives every node the grace period from when this leader started', () => {
    const nodes = [node('never-heard', 'True')];
    expect(
      planNodeReadiness({ ...base, leaderSince: 50_000, nodes, lastHeard: new Map(), now: 59_000 }),
    ).toEqual([]);
    expect(
      planNodeReadiness({ ...base, leaderSince: 50_000, nodes, lastHeard: new Map(), now: 60_001 }),
    ).toHaveLength(1);
  });

  it('keeps other conditions', () => {
    const n = node('a');
    n.status = { conditions: [{ type: 'MemoryPressure', status: 'False' }] };
    const [u] = planNodeReadiness({ ...base, nodes: [n], lastHeard: new Map([['a', 10]]), now: 20 });
    expect(u?.conditions.map((c) => c.type)).toEqual(['MemoryPressure', 'Ready']);
  });

  it('reads readiness back', () => {
    expect(isNodeReady(node('a', 'True'))).toBe(true);
    expect(isNodeReady(node('a', 'Unknown'))).toBe('Unknown');
    expect(isNodeReady(node('a'))).toBe('Unknown');
  });
});
