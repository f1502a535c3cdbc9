// The leader election of Raft as a pure state machine: no timers, no I/O, time passed in. Inputs are tick(),
// receive() and setVoters(); each returns the effects the caller must apply, in order (ElectionDriver does
// this for the agent, ElectionSimulation for tests).
//
// Effects come in a fixed order, persist first; see electionEffects.ts for why the caller must make a
// persist durable before sending what follows it.
//
// Safety: a candidate needs votes from a majority of the voter set (itself included), and a voter votes at
// most once per term, so there is at most one leader per term. Liveness extras from etcd's raft:
// - PreVote: a node whose election timer fires first asks the voters whether they would vote for it, without
//   anyone changing term. Only with a majority of yeses does it start a real election. A voter says no while
//   it hears from a leader, so a node returning from a partition cannot depose a working leader by showing up
//   with an inflated term.
// - Check-quorum: a leader that has not heard heartbeat acks from a majority within the check-quorum window
//   steps down, so a leader cut off in a minority stops acting instead of leading nobody.
// Non-voters (desktop peers) never campaign and never vote; they follow heartbeats to know who leads.
import {
  type ElectionEffect,
  type ElectionRole,
  type ElectionSnapshot,
  orderEffects,
  type PersistedElectionState,
} from './electionEffects.ts';
import {
  type ElectionMessage,
  type Heartbeat,
  type HeartbeatAck,
  type PreVote,
  type PreVoteResponse,
  parsePeerMessage,
  type RequestVote,
  type VoteResponse,
} from './electionMessages.ts';
import { type ElectionTimings, randomElectionTimeout, resolveElectionTimings } from './electionTimings.ts';
import { hasMajority, quorumExpiresAt } from './quorum.ts';

export type { ElectionEffect, ElectionRole, PersistedElectionState } from './electionEffects.ts';

export interface ElectionStateOptions {
  id: string;
  nowMs: number;
  persisted?: PersistedElectionState;
  voters?: Iterable<string>;
  /** Peers that never vote but should hear heartbeats to learn the leader (desktop peers). */
  observers?: Iterable<string>;
  timings?: Partial<ElectionTimings>;
  /** Uniform in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

export class ElectionState {
  readonly id: string;
  readonly timings: ElectionTimings;
  readonly #random: () => number;
  #voters: ReadonlySet<string>;
  #observers: ReadonlySet<string>;
  #term: number;
  #votedFor: string | undefined;
  #role: ElectionRole = 'follower';
  #leaderId: string | undefined;
  /** When a follower or candidate gives up on the current leader or election. */
  #electionDeadline: number;
  /** When this node last heard a heartbeat from its leader: pre-votes are refused shortly after. */
  #lastLeaderContact = Number.NEGATIVE_INFINITY;
  /**
   * The attempt to lead in progress: a pre-vote for `term` (role still follower) or the real vote in `term`
   * (role candidate), with the voters that granted and when (a grant proves contact: it seeds check-quorum).
   */
  #campaign: { phase: 'pre-vote' | 'vote'; term: number; grants: Map<string, number> } | undefined;
  /** Leader: when each voter last acknowledged a heartbeat of this term. */
  #lastAck = new Map<string, number>();
  #nextHeartbeatAt = 0;
  /** Effects of the input being processed; see #run. */
  #outbox: ElectionEffect[] = [];

  constructor(options: ElectionStateOptions) {
    this.id = options.id;
    this.timings = resolveElectionTimings(options.timings);
    this.#random = options.random ?? Math.random;
    this.#voters = new Set(options.voters ?? []);
    this.#observers = new Set(options.observers ?? []);
    this.#term = options.persisted?.term ?? 0;
    this.#votedFor = options.persisted?.votedFor;
    this.#electionDeadline = options.nowMs + randomElectionTimeout(this.timings, this.#random);
  }

  get term(): number {
    return this.#term;
  }
  get votedFor(): string | undefined {
    return this.#votedFor;
  }
  get role(): ElectionRole {
    return this.#role;
  }
  get leaderId(): string | undefined {
    return this.#leaderId;
  }
  get voters(): ReadonlySet<string> {
    return this.#voters;
  }
  get isVoter(): boolean {
    return this.#voters.has(this.id);
  }
  /** Role is leader. A leader steps down at its first input after losing quorum; see isLeaderAt. */
  get isLeader(): boolean {
    return this.#role === 'leader';
  }

  /** Leader and heard from a majority within the check-quorum window as of `nowMs`. */
  isLeaderAt(nowMs: number): boolean {
    return this.#role === 'leader' && nowMs < this.#quorumExpiresAt();
  }

  /** The next time tick() has something to do; a driver sleeps until then. */
  nextWakeAt(): number {
    if (this.#role === 'leader') return Math.min(this.#nextHeartbeatAt, this.#quorumExpiresAt());
    return this.#electionDeadline;
  }

  tick(nowMs: number): ElectionEffect[] {
    return this.#run(() => this.#advanceTime(nowMs));
  }

  /** A message from an authenticated peer. Malformed or impossible messages become `dropped` effects. */
  receive(fromId: string, raw: unknown, nowMs: number): ElectionEffect[] {
    return this.#run(() => {
      const message = this.#accept(fromId, raw);
      if (!message) return;
      // A leader that woke from a long pause must step down before it acts on anything. (A follower past its
      // deadline is left to the next tick: this message may be the heartbeat that makes an election moot.)
      if (this.#role === 'leader') this.#advanceTime(nowMs);
      this.#dispatch(fromId, message, nowMs);
    });
  }

  /** The voter set changed (it lives in the replicated document). A node that is no longer a voter stops. */
  setVoters(ids: Iterable<string>, nowMs: number): ElectionEffect[] {
    return this.#run(() => {
      const before = this.#voters;
      this.#voters = new Set(ids);
      if (!this.isVoter) {
        if (this.#role !== 'follower' || this.#campaign) this.#becomeFollower(this.#term, undefined, nowMs);
      } else if (this.#role === 'leader') {
        // New voters hear from us at once and get one check-quorum window to answer, as voters do after an
        // election; without it a leader going from 1 to 2 voters would step down on the spot.
        for (const id of this.#voters) if (!before.has(id) && id !== this.id) this.#lastAck.set(id, nowMs);
        this.#broadcastHeartbeat(nowMs);
      } else {
        this.#checkElectionWon(nowMs); // a smaller voter set may already be won
      }
      this.#advanceTime(nowMs);
    });
  }

  /** Non-voting peers that should learn who leads. */
  setObservers(ids: Iterable<string>): void {
    this.#observers = new Set(ids);
  }

  /** The validated message, or undefined after reporting why it is dropped. */
  #accept(fromId: string, raw: unknown): ElectionMessage | undefined {
    const parsed = parsePeerMessage(this.id, fromId, raw);
    if (parsed.ok) return parsed.message;
    this.#drop(fromId, parsed.error);
    return undefined;
  }

  #dispatch(from: string, message: ElectionMessage, nowMs: number): void {
    // A newer term means this node is behind: it steps down and catches up before answering. Except for a
    // pre-vote's proposed term and a grant echoing it: nobody holds that term yet.
    const proposed = message.type === 'PreVote' || (message.type === 'PreVoteResponse' && message.granted);
    if (message.term > this.#term && !proposed) this.#becomeFollower(message.term, undefined, nowMs);
    switch (message.type) {
      case 'PreVote':
        this.#onPreVote(from, message, nowMs);
        break;
      case 'PreVoteResponse':
        this.#onPreVoteResponse(from, message, nowMs);
        break;
      case 'RequestVote':
        this.#onRequestVote(from, message, nowMs);
        break;
      case 'VoteResponse':
        this.#onVoteResponse(from, message, nowMs);
        break;
      case 'Heartbeat':
        this.#onHeartbeat(from, message, nowMs);
        break;
      case 'HeartbeatAck':
        this.#onHeartbeatAck(from, message, nowMs);
        break;
    }
  }

  #advanceTime(nowMs: number): void {
    if (this.#role === 'leader') {
      if (nowMs >= this.#quorumExpiresAt()) this.#becomeFollower(this.#term, undefined, nowMs);
      else if (nowMs >= this.#nextHeartbeatAt) this.#broadcastHeartbeat(nowMs);
      return;
    }
    if (nowMs < this.#electionDeadline) return;
    this.#leaderId = undefined; // the leader (or our own election) is given up on
    this.#resetElectionTimer(nowMs);
    if (this.isVoter) this.#startPreVote(nowMs);
  }

  #startPreVote(nowMs: number): void {
    // A candidate whose election timed out goes back through a pre-vote too, so it cannot inflate terms alone.
    this.#role = 'follower';
    const term = this.#term + 1;
    this.#campaign = { phase: 'pre-vote', term, grants: new Map([[this.id, nowMs]]) };
    this.#sendToOtherVoters({ type: 'PreVote', term, candidateId: this.id });
    this.#checkElectionWon(nowMs);
  }

  #becomeCandidate(nowMs: number): void {
    this.#role = 'candidate';
    this.#term += 1;
    this.#votedFor = this.id;
    this.#leaderId = undefined;
    this.#campaign = { phase: 'vote', term: this.#term, grants: new Map([[this.id, nowMs]]) };
    this.#resetElectionTimer(nowMs);
    this.#sendToOtherVoters({ type: 'RequestVote', term: this.#term, candidateId: this.id });
    this.#checkElectionWon(nowMs);
  }

  #becomeLeader(nowMs: number): void {
    this.#role = 'leader';
    this.#leaderId = this.id;
    this.#lastAck = new Map(this.#campaign?.grants);
    this.#campaign = undefined;
    this.#broadcastHeartbeat(nowMs);
  }

  /** Also the step-down path: a higher term (forgetting the old vote), a lost quorum, or removal as voter. */
  #becomeFollower(term: number, leaderId: string | undefined, nowMs: number): void {
    if (term > this.#term) {
      this.#term = term;
      this.#votedFor = undefined;
    }
    this.#role = 'follower';
    this.#leaderId = leaderId;
    this.#campaign = undefined;
    this.#lastAck.clear();
    this.#resetElectionTimer(nowMs);
  }

  #checkElectionWon(nowMs: number): void {
    const campaign = this.#campaign;
    if (!campaign || !hasMajority(campaign.grants.keys(), this.#voters)) return;
    if (campaign.phase === 'pre-vote') this.#becomeCandidate(nowMs);
    else this.#becomeLeader(nowMs);
  }

  /** Counts a grant for the campaign in progress if it answers that campaign's phase and term. */
  #countGrant(from: string, phase: 'pre-vote' | 'vote', term: number, nowMs: number): void {
    const campaign = this.#campaign;
    if (campaign?.phase !== phase || campaign.term !== term || !this.#voters.has(from)) return;
    campaign.grants.set(from, nowMs);
    this.#checkElectionWon(nowMs);
  }

  #onPreVote(from: string, message: PreVote, nowMs: number): void {
    // Granting changes nothing here (no term, no vote, no timer): it is only an opinion.
    const heardLeaderRecently =
      this.#role === 'leader' ||
      (this.#leaderId !== undefined && nowMs - this.#lastLeaderContact < this.timings.electionTimeoutMinMs);
    const granted =
      this.isVoter && this.#voters.has(from) && message.term > this.#term && !heardLeaderRecently;
    this.#send(from, { type: 'PreVoteResponse', term: granted ? message.term : this.#term, granted });
  }

  #onPreVoteResponse(from: string, message: PreVoteResponse, nowMs: number): void {
    if (message.granted) this.#countGrant(from, 'pre-vote', message.term, nowMs);
  }

  #onRequestVote(from: string, message: RequestVote, nowMs: number): void {
    const granted =
      this.isVoter &&
      this.#voters.has(from) &&
      message.term === this.#term &&
      (this.#votedFor === undefined || this.#votedFor === from);
    if (granted) {
      this.#votedFor = from;
      this.#resetElectionTimer(nowMs); // give the candidate time to win before competing with it
    }
    this.#send(from, { type: 'VoteResponse', term: this.#term, granted });
  }

  #onVoteResponse(from: string, message: VoteResponse, nowMs: number): void {
    if (message.granted) this.#countGrant(from, 'vote', message.term, nowMs);
  }

  #onHeartbeat(from: string, message: Heartbeat, nowMs: number): void {
    if (message.term < this.#term) {
      // Tell the stale leader about the newer term so it steps down.
      this.#send(from, { type: 'HeartbeatAck', term: this.#term, success: false });
      return;
    }
    if (this.#role === 'leader' && message.term === this.#term) {
      this.#drop(from, `Heartbeat claims term ${message.term}, which this node leads`);
      return;
    }
    this.#becomeFollower(message.term, from, nowMs);
    this.#lastLeaderContact = nowMs;
    this.#send(from, { type: 'HeartbeatAck', term: this.#term, success: true });
  }

  #onHeartbeatAck(from: string, message: HeartbeatAck, nowMs: number): void {
    const counts = this.#role === 'leader' && message.term === this.#term && message.success;
    if (counts && this.#voters.has(from)) this.#lastAck.set(from, nowMs);
  }

  #broadcastHeartbeat(nowMs: number): void {
    this.#nextHeartbeatAt = nowMs + this.timings.heartbeatIntervalMs;
    for (const id of new Set([...this.#voters, ...this.#observers]))
      if (id !== this.id) this.#sendHeartbeat(id);
  }

  #sendHeartbeat(to: string): void {
    this.#send(to, { type: 'Heartbeat', term: this.#term, leaderId: this.id });
  }

  #quorumExpiresAt(): number {
    return quorumExpiresAt(this.id, this.#voters, this.#lastAck, this.timings.electionTimeoutMinMs);
  }

  #resetElectionTimer(nowMs: number): void {
    this.#electionDeadline = nowMs + randomElectionTimeout(this.timings, this.#random);
  }

  #sendToOtherVoters(message: ElectionMessage): void {
    for (const id of this.#voters) if (id !== this.id) this.#send(id, message);
  }

  #send(to: string, message: ElectionMessage): void {
    this.#outbox.push({ type: 'send', to, message });
  }

  #drop(from: string, reason: string): void {
    this.#outbox.push({ type: 'dropped', from, reason });
  }

  /** Runs one input and returns its effects in the documented order. */
  #run(input: () => void): ElectionEffect[] {
    const before = this.#snapshot();
    this.#outbox = [];
    input();
    const queued = this.#outbox;
    this.#outbox = [];
    return orderEffects(before, this.#snapshot(), queued);
  }

  #snapshot(): ElectionSnapshot {
    return { term: this.#term, votedFor: this.#votedFor, role: this.#role, leaderId: this.#leaderId };
  }
}
