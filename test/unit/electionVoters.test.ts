// planVoterChange: one voter at a time, toward an odd count of at most maxVoters, oldest ready members first.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planVoterChange, type VoterCandidate } from '../../agent/election/voterMembership.ts';

const member = (id: string, joinedAt: number, more: Partial<VoterCandidate> = {}): VoterCandidate => ({
  id,
  joinedAt,
  ready: true,
  voter: false,
  ...more,
});

/** Applies planned changes until there are none, like a leader would over time. */
function settle(members: VoterCandidate[], maxVoters?: number): { voters: string[]; steps: number } {
  let current = members;
  for (let steps = 0; steps < 50; steps += 1) {
    const change = planVoterChange(current, maxVoters);
    if (!change)
      return {
        voters: current
          .filter((m) => m.voter)
          .map((m) => m.id)
          .sort(),
        steps,
      };
    current = current.map((m) =>
      'add' in change && m.id === change.add
        ? { ...m, voter: true }
        : 'remove' in change && m.id === change.remove
          ? { ...m, voter: false }
          : m,
    );
  }
  throw new Error('planVoterChange never settles');
}

describe('planVoterChange', () => {
  it('makes the first member the only voter', () => {
    expect(planVoterChange([member('a', 1)])).toEqual({ add: 'a' });
    expect(planVoterChange([])).toBeUndefined();
  });

  it('grows 1 -> 3 -> 5 one at a time, oldest ready members first', () => {
    const members = [
      member('f', 6),
      member('b', 2),
      member('a', 1, { voter: true }),
      member('c', 3, { ready: false }),
      member('d', 4),
      member('e', 5),
      member('g', 7),
    ];
    expect(planVoterChange(members)).toEqual({ add: 'b' });
    expect(settle(members)).toEqual({ voters: ['a', 'b', 'd', 'e', 'f'], steps: 4 });
  });

  it('stays at an odd count rather than growing to an even one it cannot complete', () => {
    expect(planVoterChange([member('a', 1, { voter: true }), member('b', 2)])).toBeUndefined();
    const four = [
      member('a', 1, { voter: true }),
      member('b', 2, { voter: true }),
      member('c', 3, { voter: true }),
    ];
    expect(planVoterChange([...four, member('d', 4)])).toBeUndefined();
    // From an even count (a voter left), one addition restores an odd count.
    expect(
      planVoterChange([member('a', 1, { voter: true }), member('b', 2, { voter: true }), member('c', 3)]),
    ).toEqual({
      add: 'c',
    });
  });

  it('respects maxVoters', () => {
    const members = ['a', 'b', 'c', 'd', 'e'].map((id, i) => member(id, i));
    expect(settle(members, 3).voters).toEqual(['a', 'b', 'c']);
    expect(settle(members, 1).voters).toEqual(['a']);
    expect(settle(members, 4).voters).toEqual(['a', 'b', 'c']);
  });

  it('removes voters that left the cluster first, one at a time', () => {
    const members = [
      member('a', 1, { voter: true, removed: true }),
      member('b', 2, { voter: true }),
      member('c', 3, { voter: true, removed: true }),
      member('d', 4),
    ];
    expect(planVoterChange(members)).toEqual({ remove: 'a' });
    // Then b alone: one voter and one candidate stay at one voter (two would survive no more failures).
    expect(settle(members)).toEqual({ voters: ['b'], steps: 2 });
  });

  it('when over the limit, removes a voter that is down before a healthy one', () => {
    const voters = ['a', 'b', 'c'].map((id, i) => member(id, i, { voter: true, ready: id !== 'a' }));
    expect(planVoterChange(voters, 2)).toEqual({ remove: 'a' });
    expect(
      planVoterChange(
        voters.map((m) => ({ ...m, ready: true })),
        2,
      ),
    ).toEqual({ remove: 'c' });
  });

  it('orders RFC 3339 timestamps by time and puts unparseable ones last', () => {
    const members = [
      member('late', 0, { joinedAt: '2024-05-01T10:00:00.5Z' }),
      member('bad', 0, { joinedAt: 'yesterday' }),
      member('early', 0, { joinedAt: '2024-05-01T10:00:00Z' }),
    ];
    expect(planVoterChange(members)).toEqual({ add: 'early' });
  });

  it('always changes at most one voter and ends odd when enough members are ready', () => {
    const arbitraryMember = fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      ready: fc.boolean(),
      voter: fc.boolean(),
      joinedAt: fc.integer({ min: 0, max: 100 }),
      removed: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitraryMember, { selector: (m) => m.id, maxLength: 9 }),
        fc.integer({ min: 1, max: 7 }),
        (members, maxVoters) => {
          const change = planVoterChange(members, maxVoters);
          if (change && 'add' in change) {
            const added = members.find((m) => m.id === change.add);
            expect(added).toMatchObject({ ready: true, voter: false, removed: false });
          }
          if (change && 'remove' in change)
            expect(members.find((m) => m.id === change.remove)?.voter).toBe(true);
          const { voters } = settle(members, maxVoters);
          expect(voters.length).toBeLessThanOrEqual(maxVoters);
          const healthy = members.filter((m) => m.ready && !m.removed).length;
          const oddTarget = Math.min(maxVoters, healthy) - (Math.min(maxVoters, healthy) % 2 === 0 ? 1 : 0);
          const startedWithHealthyOnly = members.every((m) => !m.voter || (m.ready && !m.removed));
          if (startedWithHealthyOnly && oddTarget > 0)
            expect(voters.length).toBeGreaterThanOrEqual(oddTarget);
        },
      ),
    );
  });
});
