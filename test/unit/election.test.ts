// ElectionState one input at a time: effects, their order, and the rules behind each answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ElectionEffect,
  ElectionState,
  type ElectionStateOptions,
} from '../../agent/election/ElectionState.ts';
import { validateElectionMessage } from '../../agent/election/electionMessages.ts';
import {
  DEFAULT_ELECTION_TIMINGS,
  randomElectionTimeout,
  resolveElectionTimings,
} from '../../agent/election/electionTimings.ts';

const VOTERS = ['a', 'b', 'c'];
/** random() = 0: every election timeout is exactly the minimum, 1500 ms. */
const node = (options: Partial<ElectionStateOptions> = {}) =>
  new ElectionState({ id: 'a', nowMs: 0, voters: VOTERS, random: () => 0, ...options });

const sends = (effects: ElectionEffect[]) => effects.filter((e) => e.type === 'send');
const typesOf = (effects: ElectionEffect[]) =>
  effects.map((e) => (e.type === 'send' ? `send:${e.to}:${e.message.type}` : e.type));

/** Drives `n` (id a) through pre-vote and vote in a 3-voter cluster until it leads term 1. */
function electA(n: ElectionState, at = 1500): void {
  n.tick(at);
  n.receive('b', { type: 'PreVoteResponse', term: 1, granted: true }, at + 1);
  n.receive('b', { type: 'VoteResponse', term: 1, granted: true }, at + 2);
}

describe('election timings', () => {
  it('defaults to a 500 ms heartbeat and a timeout in [1500, 3000)', () => {
    const t = resolveElectionTimings();
    expect(t).toEqual({ heartbeatIntervalMs: 500, electionTimeoutMinMs: 1500, electionTimeoutMaxMs: 3000 });
    expect(randomElectionTimeout(t, () => 0)).toBe(1500);
    expect(randomElectionTimeout(t, () => 0.5)).toBe(2250);
    expect(randomElectionTimeout(t, () => 1)).toBeLessThan(3000);
    expect(randomElectionTimeout(t, () => Number.NaN)).toBe(1500);
  });

  it('rejects timings under which elections cannot work', () => {
    expect(() => resolveElectionTimings({ heartbeatIntervalMs: 1500 })).toThrow(RangeError);
    expect(() => resolveElectionTimings({ electionTimeoutMaxMs: 1000 })).toThrow(RangeError);
    expect(() => resolveElectionTimings({ heartbeatIntervalMs: -1 })).toThrow(RangeError);
    expect(() =>
      resolveElectionTimings({ ...DEFAULT_ELECTION_TIMINGS, electionTimeoutMinMs: Number.NaN }),
    ).toThrow();
  });
});

describe('validateElectionMessage', () => {
  it('accepts each message type and keeps only known fields', () => {
    const parsed = validateElectionMessage({ type: 'Heartbeat', term: 3, leaderId: 'b', extra: { big: 1 } });
    expect(parsed).toEqual({ ok: true, message: { type: 'Heartbeat', term: 3, leaderId: 'b' } });
    for (const message of [
      { type: 'PreVote', term: 1, candidateId: 'a' },
      { type: 'PreVoteResponse', term: 1, granted: false },
      { type: 'RequestVote', term: 0, candidateId: 'a' },
      { type: 'VoteResponse', term: 9, granted: true },
      { type: 'HeartbeatAck', term: 2, success: true },
    ]) {
      expect(validateElectionMessage(message)).toEqual({ ok: true, message });
    }
  });

  it.each([
    [null, 'not an object'],
    [[1], 'not an object'],
    ['Heartbeat', 'not an object'],
    [{ type: 'AppendEntries', term: 1 }, 'unknown message type "AppendEntries"'],
    [{ type: 'Heartbeat', term: -1, leaderId: 'b' }, 'Heartbeat: term must be a non-negative safe integer'],
    [{ type: 'Heartbeat', term: 1.5, leaderId: 'b' }, 'Heartbeat: term must be a non-negative safe integer'],
    [{ type: 'Heartbeat', term: '1', leaderId: 'b' }, 'Heartbeat: term must be a non-negative safe integer'],
    [
      { type: 'Heartbeat', term: 2 ** 60, leaderId: 'b' },
      'Heartbeat: term must be a non-negative safe integer',
    ],
    [{ type: 'Heartbeat', term: 1, leaderId: '' }, 'Heartbeat: leaderId must be a non-empty string'],
    [
      { type: 'RequestVote', term: 1, candidateId: 'x'.repeat(300) },
      'RequestVote: candidateId must be a non-empty string',
    ],
    [{ type: 'VoteResponse', term: 1, granted: 'yes' }, 'VoteResponse: granted must be a boolean'],
    [{ type: 'HeartbeatAck', term: 1 }, 'HeartbeatAck: success must be a boolean'],
  ])('rejects %j', (value, error) => {
    expect(validateElectionMessage(value)).toEqual({ ok: false, error });
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        validateElectionMessage(value);
      }),
    );
  });
});

describe('ElectionState', () => {
  it('a single voter elects itself: persist first, then the role, in one tick', () => {
    const n = node({ voters: ['a'] });
    expect(n.tick(1499)).toEqual([]);
    const effects = n.tick(1500);
    expect(effects).toEqual([
      { type: 'persist', term: 1, votedFor: 'a' },
      { type: 'role', role: 'leader', term: 1, leaderId: 'a' },
    ]);
    expect(n.isLeaderAt(1_000_000)).toBe(true);
  });

  it('runs a pre-vote before a real election, and only then persists a new term', () => {
    const n = node();
    const preVote = n.tick(1500);
    expect(typesOf(preVote)).toEqual(['send:b:PreVote', 'send:c:PreVote']);
    expect(n.term).toBe(0);
    const election = n.receive('b', { type: 'PreVoteResponse', term: 1, granted: true }, 1501);
    expect(typesOf(election)).toEqual(['persist', 'role', 'send:b:RequestVote', 'send:c:RequestVote']);
    expect(election[0]).toEqual({ type: 'persist', term: 1, votedFor: 'a' });
    const won = n.receive('c', { type: 'VoteResponse', term: 1, granted: true }, 1502);
    expect(typesOf(won)).toEqual(['role', 'send:b:Heartbeat', 'send:c:Heartbeat']);
    expect(n.isLeader).toBe(true);
    expect(n.leaderId).toBe('a');
  });

  it('persists a granted vote before the response that promises it', () => {
    const n = node();
    const effects = n.receive('b', { type: 'RequestVote', term: 5, candidateId: 'b' }, 10);
    expect(effects).toEqual([
      { type: 'persist', term: 5, votedFor: 'b' },
      { type: 'role', role: 'follower', term: 5, leaderId: undefined },
      { type: 'send', to: 'b', message: { type: 'VoteResponse', term: 5, granted: true } },
    ]);
  });

  it('a node restarted from persistence does not vote twice in a term', () => {
    const n = node({ persisted: { term: 5, votedFor: 'b' } });
    expect(n.receive('c', { type: 'RequestVote', term: 5, candidateId: 'c' }, 10)).toEqual([
      { type: 'send', to: 'c', message: { type: 'VoteResponse', term: 5, granted: false } },
    ]);
    // Asking again for the same candidate is answered the same way (the response may have been lost).
    expect(sends(n.receive('b', { type: 'RequestVote', term: 5, candidateId: 'b' }, 11))[0]?.message).toEqual(
      {
        type: 'VoteResponse',
        term: 5,
        granted: true,
      },
    );
    // A new term frees the vote.
    expect(n.receive('c', { type: 'RequestVote', term: 6, candidateId: 'c' }, 12)[0]).toEqual({
      type: 'persist',
      term: 6,
      votedFor: 'c',
    });
  });

  it('refuses votes to non-voters, and a non-voter never votes', () => {
    expect(
      sends(node().receive('z', { type: 'RequestVote', term: 1, candidateId: 'z' }, 0))[0]?.message,
    ).toEqual({
      type: 'VoteResponse',
      term: 1,
      granted: false,
    });
    const observer = node({ id: 'd' });
    const answer = sends(observer.receive('a', { type: 'RequestVote', term: 1, candidateId: 'a' }, 0));
    expect(answer[0]?.message).toMatchObject({ granted: false });
  });

  it('refuses pre-votes while it hears from a leader, and grants them after', () => {
    const n = node({ id: 'c', random: () => 0.5 }); // its own timeout (2250 ms) outlasts the 1500 ms lease
    n.receive('a', { type: 'Heartbeat', term: 1, leaderId: 'a' }, 100);
    const refused = n.receive('b', { type: 'PreVote', term: 2, candidateId: 'b' }, 1000);
    expect(refused).toEqual([
      { type: 'send', to: 'b', message: { type: 'PreVoteResponse', term: 1, granted: false } },
    ]);
    const granted = n.receive('b', { type: 'PreVote', term: 2, candidateId: 'b' }, 1600);
    expect(granted).toEqual([
      { type: 'send', to: 'b', message: { type: 'PreVoteResponse', term: 2, granted: true } },
    ]);
    expect(n.term).toBe(1); // a pre-vote changes nothing
  });

  it('a pre-candidate refused by a node with a higher term adopts that term', () => {
    const n = node();
    n.tick(1500);
    const effects = n.receive('b', { type: 'PreVoteResponse', term: 7, granted: false }, 1501);
    expect(effects[0]).toEqual({ type: 'persist', term: 7, votedFor: undefined });
    expect(n.receive('c', { type: 'PreVoteResponse', term: 1, granted: true }, 1502)).toEqual([]);
    expect(n.role).toBe('follower');
  });

  it('steps down on hearing a higher term, and tells a stale leader about it', () => {
    const n = node();
    electA(n);
    const effects = n.receive('b', { type: 'Heartbeat', term: 4, leaderId: 'b' }, 1600);
    expect(typesOf(effects)).toEqual(['persist', 'role', 'send:b:HeartbeatAck']);
    expect(n.leaderId).toBe('b');
    const stale = n.receive('c', { type: 'Heartbeat', term: 1, leaderId: 'c' }, 1601);
    expect(stale).toEqual([
      { type: 'send', to: 'c', message: { type: 'HeartbeatAck', term: 4, success: false } },
    ]);
  });

  it('check-quorum: a leader that hears no majority for one window steps down', () => {
    const n = node();
    electA(n, 1500); // b's vote at 1502 counts as contact
    expect(n.isLeaderAt(3001)).toBe(true);
    expect(n.isLeaderAt(3002)).toBe(false);
    expect(n.nextWakeAt()).toBeLessThanOrEqual(3002);
    n.receive('b', { type: 'HeartbeatAck', term: 1, success: true }, 2500);
    expect(n.tick(3002).some((e) => e.type === 'role')).toBe(false); // b's ack at 2500 keeps it
    expect(n.tick(4000)).toEqual([{ type: 'role', role: 'follower', term: 1, leaderId: undefined }]);
    expect(n.isLeader).toBe(false);
  });

  it('sends heartbeats to voters and observers every interval', () => {
    const n = node({ observers: ['desk'] });
    electA(n);
    expect(typesOf(n.tick(1700))).toEqual([]);
    expect(typesOf(n.tick(2002))).toEqual(['send:b:Heartbeat', 'send:c:Heartbeat', 'send:desk:Heartbeat']);
  });

  it('a non-voter never campaigns, learns the leader, and forgets it when heartbeats stop', () => {
    const n = node({ id: 'desk' });
    expect(n.tick(100_000)).toEqual([]);
    const heard = n.receive('a', { type: 'Heartbeat', term: 3, leaderId: 'a' }, 100_001);
    expect(typesOf(heard)).toEqual(['persist', 'role', 'send:a:HeartbeatAck']);
    expect(n.leaderId).toBe('a');
    expect(n.tick(101_501)).toEqual([{ type: 'role', role: 'follower', term: 3, leaderId: undefined }]);
    expect(n.role).toBe('follower');
  });

  it('a leader removed from the voter set steps down', () => {
    const n = node();
    electA(n);
    expect(n.setVoters(['b', 'c', 'd'], 1600)).toEqual([
      { type: 'role', role: 'follower', term: 1, leaderId: undefined },
    ]);
    expect(n.tick(1_000_000).filter((e) => e.type === 'send')).toEqual([]);
  });

  it('a leader gives a newly added voter one window to answer', () => {
    const n = node({ voters: ['a'] });
    n.tick(1500);
    const effects = n.setVoters(['a', 'b'], 2000);
    expect(typesOf(effects)).toEqual(['send:b:Heartbeat']);
    expect(n.isLeaderAt(3499)).toBe(true);
    expect(n.isLeaderAt(3500)).toBe(false);
  });

  it('drops malformed, spoofed and self-addressed messages without changing state', () => {
    const n = node();
    const cases: [string, unknown, string][] = [
      ['b', 'garbage', 'not an object'],
      ['b', { type: 'RequestVote', term: 1 }, 'RequestVote: candidateId must be a non-empty string'],
      ['b', { type: 'RequestVote', term: 9, candidateId: 'c' }, 'RequestVote names c, not its sender'],
      ['b', { type: 'Heartbeat', term: 9, leaderId: 'c' }, 'Heartbeat names c, not its sender'],
      ['a', { type: 'VoteResponse', term: 9, granted: true }, "VoteResponse from this node's own id"],
    ];
    for (const [from, raw, reason] of cases) {
      expect(n.receive(from, raw, 5)).toEqual([{ type: 'dropped', from, reason }]);
    }
    expect([n.term, n.votedFor, n.role]).toEqual([0, undefined, 'follower']);
  });

  it('reports a second leader claiming its own term instead of following it', () => {
    const n = node();
    electA(n);
    expect(n.receive('c', { type: 'Heartbeat', term: 1, leaderId: 'c' }, 1600)).toEqual([
      { type: 'dropped', from: 'c', reason: 'Heartbeat claims term 1, which this node leads' },
    ]);
    expect(n.isLeader).toBe(true);
  });

  it('puts persist first and role before sends in every effect list', () => {
    const rank = { persist: 0, role: 1, dropped: 2, send: 3 };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            from: fc.constantFrom('b', 'c', 'z'),
            type: fc.constantFrom(
              'PreVote',
              'PreVoteResponse',
              'RequestVote',
              'VoteResponse',
              'Heartbeat',
              'HeartbeatAck',
            ),
            term: fc.nat(4),
            flag: fc.boolean(),
            dt: fc.nat(2000),
          }),
        ),
        (inputs) => {
          const n = node();
          let now = 0;
          for (const { from, type, term, flag, dt } of inputs) {
            now += dt;
            const raw = { type, term, candidateId: from, leaderId: from, granted: flag, success: flag };
            for (const effects of [n.tick(now), n.receive(from, raw, now)]) {
              const ranks = effects.map((e) => rank[e.type]);
              expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
              expect(effects.filter((e) => e.type === 'persist').length).toBeLessThanOrEqual(1);
            }
          }
        },
      ),
    );
  });
});
