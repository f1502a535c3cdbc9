// A deterministic, in-process network of ElectionState nodes on a simulated clock, for tests and for
// estimating failover times without real timers. Time jumps from event to event (the next message delivery
// or the next node deadline), so minutes of cluster life take milliseconds.
//
// The network can delay (uniformly in [minDelayMs, maxDelayMs]), drop (dropRate), partition and heal; nodes
// can be killed and restarted from what they persisted. Every message goes through JSON, as on the wire.
//
// While it runs it checks the safety properties and records any breach in `violations`:
// - at most one leader per term;
// - a voter grants at most one vote per term, across restarts;
// - a node never sends a message about a term (other than a pre-vote's proposed term) before that term and
//   its vote are persisted.

import { ElectionState } from './ElectionState.ts';
import type { ElectionEffect, ElectionRole, PersistedElectionState } from './electionEffects.ts';
import type { ElectionMessage } from './electionMessages.ts';
import type { ElectionTimings } from './electionTimings.ts';

export interface SimulationOptions {
  voters: readonly string[];
  observers?: readonly string[];
  seed?: number;
  timings?: Partial<ElectionTimings>;
  minDelayMs?: number;
  maxDelayMs?: number;
  dropRate?: number;
}

export interface RoleRecord {
  at: number;
  id: string;
  role: ElectionRole;
  term: number;
  leaderId: string | undefined;
}

interface InFlight {
  deliverAt: number;
  seq: number;
  from: string;
  to: string;
  wire: string;
}

/** Bounds a simulation bug (a deadline that never moves) instead of hanging the test run. */
const MAX_STEPS_AT_ONE_INSTANT = 10_000;

export class ElectionSimulation {
  now = 0;
  dropRate: number;
  readonly violations: string[] = [];
  readonly roleLog: RoleRecord[] = [];
  readonly dropped: { at: number; to: string; from: string; reason: string }[] = [];
  readonly leaderOfTerm = new Map<number, string>();
  readonly random: () => number;
  readonly #options: SimulationOptions;
  readonly #nodes = new Map<string, ElectionState | undefined>();
  readonly #disks = new Map<string, PersistedElectionState>();
  readonly #votes = new Map<string, string>();
  #voters: string[];
  #inFlight: InFlight[] = [];
  #seq = 0;
  #groupOf: Map<string, number> | undefined;
  #stepsAtNow = 0;

  constructor(options: SimulationOptions) {
    this.#options = options;
    this.random = mulberry32(options.seed ?? 1);
    this.dropRate = options.dropRate ?? 0;
    this.#voters = [...options.voters];
    for (const id of new Set([...options.voters, ...(options.observers ?? [])])) this.#start(id);
  }

  get ids(): string[] {
    return [...this.#nodes.keys()];
  }

  /** The node's state machine, undefined while it is dead. */
  node(id: string): ElectionState | undefined {
    return this.#nodes.get(id);
  }

  liveNodes(): ElectionState[] {
    return [...this.#nodes.values()].filter((n) => n !== undefined);
  }

  /** Live nodes in the leader role (possibly stale ones, at lower terms, not yet stepped down). */
  leaders(): ElectionState[] {
    return this.liveNodes().filter((n) => n.isLeader);
  }

  /** The leader that holds quorum and that every live node in `among` (default: all) follows. */
  agreedLeader(among: readonly string[] = this.ids): string | undefined {
    const live = among.map((id) => this.node(id)).filter((n) => n !== undefined);
    const leaderId = live[0]?.leaderId;
    if (leaderId === undefined || !live.every((n) => n.leaderId === leaderId)) return undefined;
    return this.node(leaderId)?.isLeaderAt(this.now) ? leaderId : undefined;
  }

  kill(id: string): void {
    this.#nodes.set(id, undefined);
  }

  /** Starts the node again from its persisted term and vote, as a fresh process would. */
  restart(id: string): void {
    this.#start(id);
  }

  /** Nodes communicate only within their group; nodes in no group are isolated. */
  partition(...groups: readonly string[][]): void {
    this.#groupOf = new Map(groups.flatMap((group, index) => group.map((id) => [id, index] as const)));
  }

  heal(): void {
    this.#groupOf = undefined;
  }

  setVoters(ids: readonly string[]): void {
    this.#voters = [...ids];
    for (const id of this.ids) this.#apply(id, this.node(id)?.setVoters(ids, this.now) ?? []);
  }

  /** Hands `to` a raw message as if `from` had sent it (for malformed-input tests). */
  inject(from: string, to: string, raw: unknown): void {
    this.#apply(to, this.node(to)?.receive(from, raw, this.now) ?? []);
  }

  runFor(ms: number): void {
    const end = this.now + ms;
    while (this.#step(end));
    this.now = end;
  }

  /** Runs until `done` holds (checked after every event); the simulated ms it took, or undefined at maxMs. */
  runUntil(done: () => boolean, maxMs: number): number | undefined {
    const start = this.now;
    const end = start + maxMs;
    if (done()) return 0;
    while (this.#step(end)) if (done()) return this.now - start;
    this.now = end;
    return undefined;
  }

  #start(id: string): void {
    const { observers, timings } = this.#options;
    const persisted = this.#disks.get(id);
    const random = this.random;
    this.#nodes.set(
      id,
      new ElectionState({ id, nowMs: this.now, persisted, voters: this.#voters, observers, timings, random }),
    );
  }

  /** Processes everything due at the next event time; false once that time is past `end`. */
  #step(end: number): boolean {
    const wakes = this.liveNodes().map((n) => n.nextWakeAt());
    const next = Math.min(this.#inFlight[0]?.deliverAt ?? Number.POSITIVE_INFINITY, ...wakes);
    if (next > end) return false;
    if (next <= this.now) this.#stepsAtNow += 1;
    else this.#stepsAtNow = 0;
    if (this.#stepsAtNow > MAX_STEPS_AT_ONE_INSTANT) throw new Error(`simulation stuck at ${this.now} ms`);
    this.now = Math.max(this.now, next);
    for (;;) {
      const due = this.#inFlight[0];
      if (!due || due.deliverAt > this.now) break;
      this.#inFlight.shift();
      const node = this.node(due.to);
      if (node && this.#connected(due.from, due.to)) {
        this.#apply(due.to, node.receive(due.from, JSON.parse(due.wire), this.now));
      }
    }
    for (const [id, node] of this.#nodes) {
      if (node && node.nextWakeAt() <= this.now) this.#apply(id, node.tick(this.now));
    }
    return true;
  }

  #apply(id: string, effects: readonly ElectionEffect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'persist':
          this.#disks.set(id, { term: effect.term, votedFor: effect.votedFor });
          break;
        case 'role':
          this.#recordRole({
            at: this.now,
            id,
            role: effect.role,
            term: effect.term,
            leaderId: effect.leaderId,
          });
          break;
        case 'dropped':
          this.dropped.push({ at: this.now, to: id, from: effect.from, reason: effect.reason });
          break;
        case 'send':
          this.#checkSend(id, effect.to, effect.message);
          this.#transmit(id, effect.to, effect.message);
          break;
      }
    }
  }

  #recordRole(record: RoleRecord): void {
    const { id, role, term } = record;
    this.roleLog.push(record);
    if (role !== 'leader') return;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== id)
      this.violations.push(`term ${term}: ${other} and ${id} both led`);
    this.leaderOfTerm.set(term, id);
  }

  #checkSend(from: string, to: string, message: ElectionMessage): void {
    if (message.type === 'PreVote' || message.type === 'PreVoteResponse') return;
    const disk = this.#disks.get(from) ?? { term: 0, votedFor: undefined };
    if (disk.term !== message.term) {
      this.violations.push(
        `${from} sent ${message.type} for term ${message.term} with term ${disk.term} on disk`,
      );
    }
    if (message.type !== 'VoteResponse' || !message.granted) return;
    if (disk.votedFor !== to) this.violations.push(`${from} granted ${to} a vote not on disk`);
    const key = `${from}@${message.term}`;
    const earlier = this.#votes.get(key);
    if (earlier !== undefined && earlier !== to) {
      this.violations.push(`${from} voted for ${earlier} and ${to} in term ${message.term}`);
    }
    this.#votes.set(key, to);
  }

  #transmit(from: string, to: string, message: ElectionMessage): void {
    if (!this.#connected(from, to) || this.random() < this.dropRate) return;
    const { minDelayMs = 1, maxDelayMs = 10 } = this.#options;
    const deliverAt = this.now + minDelayMs + this.random() * (maxDelayMs - minDelayMs);
    const entry = { deliverAt, seq: this.#seq++, from, to, wire: JSON.stringify(message) };
    // Keep the queue ordered by delivery time, first-sent first among equals.
    let index = this.#inFlight.length;
    while (index > 0 && (this.#inFlight[index - 1]?.deliverAt ?? 0) > deliverAt) index -= 1;
    this.#inFlight.splice(index, 0, entry);
  }

  #connected(a: string, b: string): boolean {
    if (!this.#groupOf) return true;
    const group = this.#groupOf.get(a);
    return group !== undefined && group === this.#groupOf.get(b);
  }
}

/** A small seeded PRNG, so that a failing schedule replays exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
