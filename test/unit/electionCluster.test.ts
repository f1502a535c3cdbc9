// Whole clusters of ElectionState nodes on a simulated network and clock (ElectionSimulation), with the
// default timings: heartbeat 500 ms, election timeout in [1500, 3000). The simulation itself checks, at every
// event, that no term has two leaders, no voter votes twice in a term, and nothing is sent before it is persisted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElectionSimulation } from '../../agent/election/ElectionSimulation.ts';

const THREE = ['n1', 'n2', 'n3'];
const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'];

function electedCluster(
  voters: string[],
  seed: number,
  observers: string[] = [],
): [ElectionSimulation, string] {
  const sim = new ElectionSimulation({ voters, observers, seed });
  const took = sim.runUntil(() => sim.agreedLeader() !== undefined, 30_000);
  const leader = sim.agreedLeader();
  if (took === undefined || leader === undefined) throw new Error(`seed ${seed}: no leader within 30 s`);
  return [sim, leader];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

describe('election in a simulated cluster', () => {
  it.each([
    ['3', THREE],
    ['5', FIVE],
  ])('elects exactly one leader among %s voters and keeps it while nothing fails', (_, voters) => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const [sim, leader] = electedCluster(voters, seed);
      const term = sim.node(leader)?.term;
      sim.runFor(60_000);
      expect(sim.violations).toEqual([]);
      expect(sim.leaders().map((n) => n.id)).toEqual([leader]);
      expect(sim.agreedLeader()).toBe(leader);
      expect(sim.node(leader)?.term).toBe(term); // no needless elections
    }
  });

  it('a single voter elects itself; an observer learns the leader and never campaigns', () => {
    const [sim, leader] = electedCluster(['solo'], 1, ['desk']);
    expect(leader).toBe('solo');
    sim.kill('solo');
    sim.runFor(30_000);
    expect(sim.node('desk')?.leaderId).toBeUndefined();
    const desk = sim.roleLog.filter((r) => r.id === 'desk');
    expect(desk.length).toBeGreaterThan(0);
    expect(desk.every((r) => r.role === 'follower')).toBe(true);
    expect(sim.violations).toEqual([]);
  });

  it.each([
    ['3', THREE],
    ['5', FIVE],
  ])('after the leader of %s voters is killed, another takes over within the bound', (size, voters) => {
    const times: number[] = [];
    for (let seed = 1; seed <= 50; seed += 1) {
      const [sim, old] = electedCluster(voters, seed);
      sim.runFor(10_000 + sim.random() * 500); // kill at a random phase of the heartbeat cycle
      sim.kill(old);
      const survivors = voters.filter((id) => id !== old);
      const took = sim.runUntil(() => sim.agreedLeader(survivors) !== undefined, 20_000);
      expect(took, `seed ${seed}`).toBeDefined();
      times.push(took ?? Number.NaN);
      expect(sim.violations).toEqual([]);
    }
    times.sort((a, b) => a - b);
    const [p50, p90, max] = [percentile(times, 0.5), percentile(times, 0.9), times.at(-1) ?? Number.NaN];
    console.info(
      `failover, ${size} voters, 50 seeds: p50 ${p50.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, max ${max.toFixed(0)} ms`,
    );
    // Detection takes at most the 3 s maximum timeout; an unlucky split or refused pre-vote costs one more.
    expect(p50).toBeLessThanOrEqual(3000);
    expect(max).toBeLessThanOrEqual(6000);
  });

  it('a minority partition elects no leader and its old leader steps down; the majority elects one', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const [sim, old] = electedCluster(FIVE, seed);
      const oldTerm = sim.node(old)?.term ?? -1;
      const minority = [old, FIVE.find((id) => id !== old) ?? ''];
      const majority = FIVE.filter((id) => !minority.includes(id));
      sim.partition(minority, majority);
      sim.runFor(1600); // one check-quorum window (1500 ms) plus a heartbeat's worth of slack
      expect(sim.node(old)?.isLeader).toBe(false);
      sim.runFor(20_000);
      const newLeader = sim.agreedLeader(majority);
      expect(newLeader).toBeDefined();
      expect(minority.every((id) => !sim.node(id)?.isLeader && sim.node(id)?.leaderId === undefined)).toBe(
        true,
      );
      // PreVote: the minority failed every pre-vote, so it did not inflate its term.
      expect(minority.map((id) => sim.node(id)?.term)).toEqual([oldTerm, oldTerm]);

      // Healing: the minority joins the new leader without an election.
      const newTerm = sim.node(newLeader ?? '')?.term;
      sim.heal();
      const took = sim.runUntil(() => sim.agreedLeader() !== undefined, 10_000);
      expect(took).toBeLessThanOrEqual(1000);
      expect(sim.agreedLeader()).toBe(newLeader);
      expect(sim.node(newLeader ?? '')?.term).toBe(newTerm);
      expect(sim.violations).toEqual([]);
    }
  });

  it('an isolated follower that rejoins does not depose a stable leader', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const [sim, leader] = electedCluster(THREE, seed);
      const term = sim.node(leader)?.term;
      const logFrom = sim.roleLog.length;
      const loner = THREE.find((id) => id !== leader) ?? '';
      sim.partition(
        [loner],
        THREE.filter((id) => id !== loner),
      );
      sim.runFor(60_000); // dozens of election timeouts alone
      expect(sim.node(loner)?.term).toBe(term);
      sim.heal();
      sim.runFor(10_000);
      expect(sim.agreedLeader()).toBe(leader);
      expect(sim.node(leader)?.term).toBe(term);
      expect(sim.roleLog.slice(logFrom).filter((r) => r.id === leader)).toEqual([]);
    }
  });

  it('restarted nodes keep their votes: kills and restarts never cause a double vote', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const sim = new ElectionSimulation({ voters: FIVE, seed, maxDelayMs: 50 });
      for (let round = 0; round < 30; round += 1) {
        sim.runFor(sim.random() * 2000);
        const victim = FIVE[Math.floor(sim.random() * FIVE.length)] ?? 'n1';
        sim.kill(victim);
        sim.runFor(sim.random() * 1000);
        sim.restart(victim);
      }
      expect(sim.violations).toEqual([]);
      expect(sim.runUntil(() => sim.agreedLeader() !== undefined, 30_000)).toBeDefined();
    }
  });

  it('malformed messages from a peer are dropped and reported', () => {
    const [sim, leader] = electedCluster(THREE, 3);
    const follower = THREE.find((id) => id !== leader) ?? '';
    const term = sim.node(follower)?.term ?? 0;
    sim.inject('n9', follower, { type: 'Heartbeat', term: 1e6 });
    sim.inject('n9', follower, { type: 'Heartbeat', term: 'x', leaderId: 'n9' });
    sim.inject('n9', follower, { type: 'RequestVote', term: term + 1, candidateId: leader });
    expect(sim.dropped.map((d) => d.reason)).toEqual([
      'Heartbeat: leaderId must be a non-empty string',
      'Heartbeat: term must be a non-negative safe integer',
      `RequestVote names ${leader}, not its sender`,
    ]);
    sim.runFor(10_000);
    expect(sim.agreedLeader()).toBe(leader);
    expect(sim.node(follower)?.term).toBe(term);
  });
});

describe('election safety under random faults (property)', () => {
  const fault = fc.oneof(
    fc.record({
      kind: fc.constant('partition' as const),
      groups: fc.array(fc.nat(2), { minLength: 7, maxLength: 7 }),
    }),
    fc.record({ kind: fc.constant('heal' as const) }),
    fc.record({ kind: fc.constant('kill' as const), node: fc.nat(6) }),
    fc.record({ kind: fc.constant('restart' as const), node: fc.nat(6) }),
    fc.record({ kind: fc.constant('drops' as const), rate: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
  );
  const scenario = fc.record({
    voters: fc.integer({ min: 1, max: 5 }),
    observers: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    maxDelayMs: fc.integer({ min: 1, max: 300 }),
    faults: fc.array(fc.record({ afterMs: fc.integer({ min: 0, max: 5000 }), fault }), { maxLength: 15 }),
  });

  it('never two leaders in a term, never two votes in a term; converges once faults stop', () => {
    fc.assert(
      fc.property(scenario, ({ voters, observers, seed, maxDelayMs, faults }) => {
        const ids = Array.from({ length: voters + observers }, (_, i) => `n${i}`);
        const sim = new ElectionSimulation({
          voters: ids.slice(0, voters),
          observers: ids.slice(voters),
          seed,
          maxDelayMs,
        });
        for (const { afterMs, fault } of faults) {
          sim.runFor(afterMs);
          if (fault.kind === 'partition')
            sim.partition(...[0, 1, 2].map((g) => ids.filter((_, i) => fault.groups[i] === g)));
          else if (fault.kind === 'heal') sim.heal();
          else if (fault.kind === 'kill') sim.kill(ids[fault.node % ids.length] ?? '');
          else if (fault.kind === 'restart') {
            const id = ids[fault.node % ids.length] ?? '';
            if (!sim.node(id)) sim.restart(id);
          } else sim.dropRate = fault.rate;
        }
        expect(sim.violations).toEqual([]);
        sim.heal();
        sim.dropRate = 0;
        for (const id of ids) if (!sim.node(id)) sim.restart(id);
        expect(sim.runUntil(() => sim.agreedLeader() !== undefined, 60_000)).toBeDefined();
        expect(sim.violations).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
