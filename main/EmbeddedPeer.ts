// The Shoal peer inside the desktop app: the agent's own code (agent/Agent.ts), with its data in the app's
// per-user folder. It starts when that folder holds a cluster (cluster.json), or when onboarding creates or
// joins one; it runs workloads only when the user turned that on, and changing that restarts it. One
// operation at a time (start, restart, stop), so a Quit during a start still stops cleanly.
import { access } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Agent, type AgentOptions } from '../agent/Agent.ts';
import { readApiInfo } from '../agent/api/apiInfo.ts';
import type { ClusterStatus } from '../agent/api/clusterStatus.ts';
import { clusterFile } from '../agent/cluster/clusterFiles.ts';
import type { JoinKey } from '../agent/cluster/joinKey.ts';
import type { ApiTarget } from './apiForwarder.ts';

/** What the app needs of an agent (the real Agent, or a fake in tests). */
export interface PeerAgent {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ClusterStatus;
  readonly apiUrl: string | undefined;
}

export interface EmbeddedPeerOptions {
  dataDir: string;
  logger: Logger;
  runWorkloads: boolean;
  createAgent?: (opts: AgentOptions) => PeerAgent;
}

export type PeerState = 'stopped' | 'starting' | 'running' | 'failed';

export class EmbeddedPeer {
  readonly dataDir: string;
  readonly #log: Logger;
  readonly #createAgent: (opts: AgentOptions) => PeerAgent;
  #runWorkloads: boolean;
  #agent: PeerAgent | undefined;
  /** The agent being started (a join may wait a long time for the cluster to reach it). */
  #starting: PeerAgent | undefined;
  #target: ApiTarget | undefined;
  #state: PeerState = 'stopped';
  #error: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(o: EmbeddedPeerOptions) {
    this.dataDir = o.dataDir;
    this.#log = o.logger;
    this.#runWorkloads = o.runWorkloads;
    this.#createAgent = o.createAgent ?? ((opts) => new Agent(opts));
  }

  get state(): PeerState {
    return this.#state;
  }

  /** Why the last start failed. */
  get error(): string | undefined {
    return this.#error;
  }

  get runWorkloads(): boolean {
    return this.#runWorkloads;
  }

  /** Whether the data folder holds a cluster (created or joined before). */
  async isMember(): Promise<boolean> {
    return access(clusterFile(this.dataDir)).then(
      () => true,
      () => false,
    );
  }

  /** Starts the peer when the data folder already holds a cluster; false when it does not. */
  async startIfMember(): Promise<boolean> {
    if (!(await this.isMember())) return false;
    await this.start();
    return true;
  }

  /** Starts the peer (joining `join` when the folder holds no cluster yet). Rejects with the agent's error. */
  start(join?: JoinKey): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) throw new Error('the app is quitting');
      if (this.#agent) return;
      await this.#startAgent(join);
    });
  }

  /** Turns workloads on or off; a running peer restarts for it (the kubelet is chosen at start). */
  setRunWorkloads(on: boolean): Promise<void> {
    return this.#serial(async () => {
      if (on === this.#runWorkloads) return;
      this.#runWorkloads = on;
      if (!this.#agent || this.#closed) return;
      this.#log.info({ runWorkloads: on }, 'restarting the embedded peer for the new workload setting');
      await this.#stopAgent();
      await this.#startAgent();
    });
  }

  /** Leaves the swarm cleanly (the agent saves and says goodbye); for Quit. No start follows. */
  stop(): Promise<void> {
    this.#closed = true;
    // A start still waiting (for peers, say) is aborted now rather than awaited: stop() aborts its waits.
    this.#starting?.stop().catch(() => {});
    return this.#serial(() => this.#stopAgent());
  }

  /** The running peer's API address and token, read from its api.json; undefined when it is not running. */
  async apiTarget(): Promise<ApiTarget | undefined> {
    if (this.#state !== 'running' || !this.#agent) return undefined;
    if (this.#target && this.#target.url === this.#agent.apiUrl) return this.#target;
    const info = await readApiInfo(this.dataDir);
    if (!info || info.url !== this.#agent.apiUrl) return undefined;
    this.#target = { url: info.url, token: info.token };
    return this.#target;
  }

  /** The cluster as the running peer sees it (for the tray), or undefined. */
  status(): ClusterStatus | undefined {
    if (this.#state !== 'running') return undefined;
    try {
      return this.#agent?.status();
    } catch {
      return undefined;
    }
  }

  async #startAgent(join?: JoinKey): Promise<void> {
    this.#state = 'starting';
    this.#error = undefined;
    const agent = this.#createAgent({
      dataDir: this.dataDir,
      logger: this.#log,
      runWorkloads: this.#runWorkloads,
      ...(join ? { join } : {}),
    });
    this.#starting = agent;
    try {
      await agent.start();
    } catch (err) {
      this.#state = 'failed';
      this.#error = err instanceof Error ? err.message : String(err);
      await agent.stop().catch(() => {});
      throw err;
    } finally {
      this.#starting = undefined;
    }
    this.#agent = agent;
    this.#state = 'running';
  }

  async #stopAgent(): Promise<void> {
    const agent = this.#agent;
    this.#agent = undefined;
    this.#target = undefined;
    if (!agent) return;
    this.#state = 'stopped';
    await agent.stop();
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(op, op);
    this.#queue = next.catch(() => {});
    return next;
  }
}
