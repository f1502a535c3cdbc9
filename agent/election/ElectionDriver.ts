// Runs an ElectionState for real: owns the timer, feeds it the clock and peer messages, and applies its
// effects in order. The one rule that matters: a `persist` effect is awaited before any message after it is
// sent (a vote must be on disk before the candidate can count it). Effects of later inputs queue behind
// earlier ones, so a slow disk delays messages but never reorders them.
//
// If saving fails, the driver stops for good and emits `failed`: answering peers with a term or vote that
// may not survive a restart could let this node vote twice in one term. Restarting the agent recovers.
import { EventEmitter } from 'node:events';
import { ElectionState } from './ElectionState.ts';
import type { ElectionEffect, ElectionRole, PersistedElectionState } from './electionEffects.ts';
import type { ElectionMessage } from './electionMessages.ts';
import type { ElectionTimings } from './electionTimings.ts';

export interface ElectionPersistence {
  load(): Promise<PersistedElectionState>;
  save(term: number, votedFor: string | undefined): Promise<void>;
}

export interface RoleChange {
  role: ElectionRole;
  term: number;
  leaderId: string | undefined;
}

export interface ElectionDriverEvents {
  /** Role, term or leader changed (after the change was persisted). */
  role: [RoleChange];
  /** The known leader or its term changed: leaderId undefined while there is none. */
  leader: [{ leaderId: string | undefined; term: number }];
  /** A peer message was malformed or impossible and was ignored. */
  dropped: [{ from: string; reason: string }];
  /** Persistence failed: the driver has stopped. */
  failed: [Error];
}

export interface ElectionDriverOptions {
  id: string;
  persistence: ElectionPersistence;
  /** Fire and forget: a lost message is a lost message, the protocol retries. */
  send: (to: string, message: ElectionMessage) => void | Promise<void>;
  voters?: Iterable<string>;
  observers?: Iterable<string>;
  timings?: Partial<ElectionTimings>;
  random?: () => number;
  /** A monotonic clock in ms; wall-clock jumps must not expire or extend timeouts. */
  now?: () => number;
}

export class ElectionDriver extends EventEmitter<ElectionDriverEvents> {
  readonly #options: ElectionDriverOptions;
  readonly #now: () => number;
  #state: ElectionState | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The tail of the effect queue. */
  #applying: Promise<void> = Promise.resolve();
  #running = false;
  /** The role last announced, i.e. already persisted. */
  #announced: RoleChange = { role: 'follower', term: 0, leaderId: undefined };
  #voters: string[];
  #observers: string[];

  constructor(options: ElectionDriverOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#voters = [...(options.voters ?? [])];
    this.#observers = [...(options.observers ?? [])];
  }

  get role(): ElectionRole {
    return this.#announced.role;
  }
  get term(): number {
    return this.#announced.term;
  }
  get leaderId(): string | undefined {
    return this.#announced.leaderId;
  }
  /** Leads, and has heard from a majority within the check-quorum window. */
  get isLeader(): boolean {
    return this.#announced.role === 'leader' && this.#state?.isLeaderAt(this.#now()) === true;
  }

  async start(): Promise<void> {
    if (this.#state) throw new Error('ElectionDriver already started');
    const persisted = await this.#options.persistence.load();
    const { id, timings, random } = this.#options;
    const [voters, observers] = [this.#voters, this.#observers];
    this.#state = new ElectionState({
      id,
      persisted,
      voters,
      observers,
      timings,
      random,
      nowMs: this.#now(),
    });
    this.#announced = { role: 'follower', term: persisted.term, leaderId: undefined };
    this.#running = true;
    this.#schedule();
  }

  /** Stops timers and waits for queued effects; announces that this node no longer leads. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#applying;
    if (this.#announced.role !== 'follower' || this.#announced.leaderId !== undefined) {
      this.#announce({ role: 'follower', term: this.#announced.term, leaderId: undefined });
    }
  }

  /** A message from an authenticated peer; validated by the state machine. */
  receive(from: string, message: unknown): void {
    if (this.#running && this.#state) this.#enqueue(this.#state.receive(from, message, this.#now()));
  }

  setVoters(ids: Iterable<string>): void {
    this.#voters = [...ids];
    if (this.#running && this.#state) this.#enqueue(this.#state.setVoters(this.#voters, this.#now()));
  }

  setObservers(ids: Iterable<string>): void {
    this.#observers = [...ids];
    this.#state?.setObservers(this.#observers);
  }

  #tick(): void {
    if (this.#running && this.#state) this.#enqueue(this.#state.tick(this.#now()));
  }

  #enqueue(effects: ElectionEffect[]): void {
    // A throwing event listener must not break the queue: it stops this node's election, safely.
    if (effects.length > 0)
      this.#applying = this.#applying.then(() => this.#apply(effects)).catch((e) => this.#fail(e));
    this.#schedule();
  }

  async #apply(effects: ElectionEffect[]): Promise<void> {
    for (const effect of effects) {
      if (!this.#running) return;
      switch (effect.type) {
        case 'persist':
          try {
            await this.#options.persistence.save(effect.term, effect.votedFor);
          } catch (error) {
            this.#fail(error);
            return;
          }
          break;
        case 'role':
          this.#announce(effect);
          break;
        case 'dropped':
          this.emit('dropped', { from: effect.from, reason: effect.reason });
          break;
        case 'send':
          this.#send(effect.to, effect.message);
          break;
      }
    }
  }

  #send(to: string, message: ElectionMessage): void {
    try {
      const sent = this.#options.send(to, message);
      if (sent instanceof Promise) sent.catch(() => {}); // the transport logs; the protocol retries
    } catch {
      // Same: an unreachable peer is an ordinary event for an election.
    }
  }

  #announce(change: RoleChange): void {
    const previous = this.#announced;
    this.#announced = { role: change.role, term: change.term, leaderId: change.leaderId };
    this.emit('role', { ...this.#announced });
    const leaderChanged =
      previous.leaderId !== change.leaderId ||
      (change.leaderId !== undefined && previous.term !== change.term);
    if (leaderChanged) this.emit('leader', { leaderId: change.leaderId, term: change.term });
  }

  #fail(error: unknown): void {
    this.#running = false;
    clearTimeout(this.#timer);
    try {
      if (this.#announced.role === 'leader') {
        this.#announce({ role: 'follower', term: this.#announced.term, leaderId: undefined });
      }
    } catch {
      // The listener that threw may be why we are failing; 'failed' below still reports the first error.
    }
    this.emit('failed', error instanceof Error ? error : new Error(String(error)));
  }

  /** Sleeps until the state machine's next deadline (not a fixed-rate poll: an idle agent stays idle). */
  #schedule(): void {
    clearTimeout(this.#timer);
    if (!this.#running || !this.#state) return;
    const delay = Math.max(1, Math.ceil(this.#state.nextWakeAt() - this.#now()));
    // Capped so that a clock source oddity cannot put the election to sleep for long.
    this.#timer = setTimeout(() => this.#tick(), Math.min(delay, 10_000));
    this.#timer.unref();
  }
}
