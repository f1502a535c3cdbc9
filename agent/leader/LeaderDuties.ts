// What the elected leader does on each pass while it holds a majority (issue 3's share of the control
// plane): node readiness from heartbeats, and growing the voter set one member at a time. Each pass re-reads
// the store and plans with pure functions; writes are the plans' output only. Later controllers join here.
import type { Logger } from 'pino';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Node } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { planVoterChange } from '../election/voterMembership.ts';
import { listMembers, VOTER_ANNOTATION } from '../membership/members.ts';
import { planNodeReadiness } from '../node/nodeReadiness.ts';

/** Voter changes wait this long after the previous one, so each reaches the voters before the next. */
const VOTER_CHANGE_SPACING_MS = 5000;

export interface LeaderDutiesOptions {
  store: ClusterStore;
  lastHeard: ReadonlyMap<string, number>;
  logger: Logger;
  nodeGraceMs?: number;
  intervalMs?: number;
  now?: () => number;
}

export class LeaderDuties {
  readonly #o: LeaderDutiesOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #leaderSince = 0;
  #lastVoterChange = 0;
  #running = false;

  constructor(opts: LeaderDutiesOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Called when this agent becomes leader (with quorum); idempotent. */
  lead(): void {
    if (this.#timer) return;
    this.#leaderSince = this.#now();
    this.#lastVoterChange = this.#leaderSince;
    this.#timer = setInterval(() => void this.pass(), this.#o.intervalMs ?? 1000);
    this.#timer.unref();
    void this.pass();
  }

  /** Called when this agent stops leading: nothing more is written. */
  stepDown(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get leading(): boolean {
    return this.#timer !== undefined;
  }

  async pass(): Promise<void> {
    if (this.#running || !this.leading) return;
    this.#running = true;
    try {
      await this.#updateReadiness();
      await this.#changeVoters();
    } catch (err) {
      this.#o.logger.warn({ err }, 'leader pass failed; retrying on the next pass');
    } finally {
      this.#running = false;
    }
  }

  async #updateReadiness(): Promise<void> {
    const nodes = this.#o.store.list('Node') as Node[];
    const updates = planNodeReadiness({
      nodes,
      lastHeard: this.#o.lastHeard,
      now: this.#now(),
      leaderSince: this.#leaderSince,
      graceMs: this.#o.nodeGraceMs,
    });
    await Promise.all(
      updates.map(async (u) => {
        const node = nodes.find((n) => n.metadata.name === u.nodeName);
        if (!this.leading || !node) return;
        const ready = u.conditions.find((c) => c.type === 'Ready')?.status;
        this.#o.logger.info({ node: u.nodeName, ready }, 'node readiness changed');
        await this.#o.store.updateStatus('Node', undefined, u.nodeName, {
          ...node.status,
          conditions: u.conditions,
        });
      }),
    );
  }

  async #changeVoters(): Promise<void> {
    if (this.#now() - this.#lastVoterChange < VOTER_CHANGE_SPACING_MS) return;
    const members = listMembers(this.#o.store);
    if (members.some((m) => m.voter && m.ready !== true)) return; // change membership only from a healthy set
    const change = planVoterChange(
      members
        .filter((m) => m.peerId)
        .map((m) => ({ id: m.name, ready: m.ready === true, voter: m.voter, joinedAt: m.joinedAt })),
    );
    if (!change || !this.leading) return;
    const [name, voter] = 'add' in change ? [change.add, true] : [change.remove, false];
    const node = members.find((m) => m.name === name)?.node;
    if (!node) return;
    const annotations = { ...node.metadata.annotations };
    if (voter) annotations[VOTER_ANNOTATION] = 'true';
    else delete annotations[VOTER_ANNOTATION];
    this.#o.logger.info({ node: name, voter }, voter ? 'adding a voter' : 'removing a voter');
    this.#lastVoterChange = this.#now();
    await this.#o.store.updateSpec({
      ...structuredClone(node),
      metadata: { ...structuredClone(node.metadata), annotations },
    } as KubeObject);
  }
}
