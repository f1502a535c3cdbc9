// What the dashboard is attached to: the data directory it was started on. It answers which agent the API is
// forwarded to (the api.json in that directory) and carries out the onboarding actions on it: create a
// cluster (`shoal init`, then an agent), join one (an agent with --join), or start a local cluster (exactly
// `shoal up`). Agents started here are child processes supervised like `shoal up`'s and stop with it.
import type { Logger } from 'pino';
import type { HostPort } from '../../shared/swarm/hostPort.ts';
import { readApiInfo } from '../api/apiInfo.ts';
import { failure, type KubeStatus, StatusError } from '../api/kubeStatus.ts';
import { readClusterConfig } from '../cluster/clusterFiles.ts';
import { initCluster } from '../cluster/initCluster.ts';
import { formatJoinKey, parseJoinKey } from '../cluster/joinKey.ts';
import { AgentProcess } from '../up/AgentProcess.ts';
import { agentDir, readUpFile } from '../up/localCluster.ts';
import { BootstrapBusyError, type LocalCluster, startLocalCluster } from '../up/runLocalCluster.ts';
import type { AgentTarget } from './apiForwarder.ts';

/** `GET /shoal/dashboard/v1/state`: the renderer's OnboardingState. */
export interface DashboardState {
  /** Whether the data directory holds a cluster (cluster.json, or a `shoal up` folder). */
  member: boolean;
  clusterName?: string;
  dataDir: string;
}

/** The onboarding actions, whoever hosts them (this class; the desktop app's embedded peer). */
export interface ClusterActions {
  state(): Promise<DashboardState>;
  /** The formatted join key, as `shoal key show` prints it. */
  joinKey(): Promise<string>;
  create(name: string): Promise<DashboardState>;
  join(key: string): Promise<DashboardState>;
  startLocal(agents: number): Promise<DashboardState>;
}

export interface ClusterHostOptions {
  dataDir: string;
  /** Where started agents' log lines go (prefixed with their names). */
  out: NodeJS.WritableStream;
  logger: Logger;
  /** The bootstrap of a cluster created here (default: the public HyperDHT, as `shoal init`). */
  bootstrap?: HostPort[];
  /** Extra `shoal agent` arguments for agents started by create and join (tests: --host, timings). */
  agentArgs?: string[];
  /** How long create and local wait for the new agent's API before answering (it keeps starting after). */
  apiWaitMs?: number;
  /** The same for join, which may wait for peers much longer. */
  joinWaitMs?: number;
}

const conflict = (message: string) => new StatusError(failure('Conflict', message));

export class ClusterHost implements ClusterActions {
  readonly dataDir: string;
  readonly #o: ClusterHostOptions;
  readonly #agents: AgentProcess[] = [];
  #local: LocalCluster | undefined;
  #busy = false;
  #stopped = false;

  constructor(opts: ClusterHostOptions) {
    this.dataDir = opts.dataDir;
    this.#o = opts;
  }

  /** The agent API to forward to, from api.json (read each time: agents restart on other ports). */
  async target(): Promise<AgentTarget | undefined> {
    const info = await readApiInfo(this.dataDir).catch(() => undefined);
    return info ? { url: info.url, token: info.token } : undefined;
  }

  /** The 503 answered when no agent takes the request: what happened and how to start one. */
  unreachable(cause?: string): KubeStatus {
    const what = cause
      ? `the Shoal agent of ${this.dataDir} does not answer (${cause})`
      : `no Shoal agent runs for ${this.dataDir} (no api.json there)`;
    return failure(
      'ServiceUnavailable',
      `${what}. Start one with \`shoal up --data-dir ${this.dataDir}\` or \`shoal agent --data-dir ` +
        `${this.dataDir}\`, or create, join or start a cluster from the dashboard's onboarding page.`,
    );
  }

  async state(): Promise<DashboardState> {
    const config = await this.#clusterConfig();
    if (!config) return { member: false, dataDir: this.dataDir };
    return { member: true, dataDir: this.dataDir, ...(config.name ? { clusterName: config.name } : {}) };
  }

  async joinKey(): Promise<string> {
    const config = await this.#clusterConfig();
    if (!config) {
      throw new StatusError(
        failure('NotFound', `${this.dataDir} holds no cluster yet: create, join or start one first`),
      );
    }
    return formatJoinKey({ swarmKey: config.swarmKey, bootstrap: config.bootstrap });
  }

  create(name: string): Promise<DashboardState> {
    return this.#exclusive(async () => {
      const result = await initCluster({
        dataDir: this.dataDir,
        clusterName: name,
        bootstrap: this.#o.bootstrap ?? [],
        logger: this.#o.logger,
      });
      const agent = this.#startAgent(result.nodeName, []);
      await this.#waitForAgentApi(agent, this.#o.apiWaitMs ?? 60_000);
      return this.state();
    });
  }

  join(key: string): Promise<DashboardState> {
    return this.#exclusive(async () => {
      try {
        parseJoinKey(key);
      } catch (err) {
        throw new StatusError(failure('BadRequest', `the join key is not valid: ${(err as Error).message}`));
      }
      const agent = this.#startAgent('agent', ['--join', key.trim()]);
      // The agent writes cluster.json at once, but its API only once a peer has sent it the cluster.
      await this.#waitForAgentApi(agent, this.#o.joinWaitMs ?? 15_000);
      return this.state();
    });
  }

  startLocal(agents: number): Promise<DashboardState> {
    return this.#exclusive(async () => {
      try {
        this.#local = await startLocalCluster({
          dir: this.dataDir,
          count: agents,
          out: this.#o.out,
          logger: this.#o.logger,
          ...(this.#o.agentArgs ? { agentArgs: this.#o.agentArgs } : {}),
        });
      } catch (err) {
        if (err instanceof BootstrapBusyError) throw conflict(err.message);
        throw err;
      }
      await this.#local.waitForApi(this.#o.apiWaitMs ?? 60_000);
      return this.state();
    });
  }

  /** Stops every agent started here (containers keep running, as with `shoal up`). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#agents.map((a) => a.stop()), this.#local?.stop()]);
  }

  /** cluster.json of the directory, or of a `shoal up` folder's first agent. */
  async #clusterConfig() {
    const own = await readClusterConfig(this.dataDir);
    if (own) return own;
    const up = await readUpFile(this.dataDir).catch(() => undefined);
    const first = up?.agents[0];
    return first ? readClusterConfig(agentDir(this.dataDir, first)) : undefined;
  }

  /** One action at a time, and none on a directory that is already a member. */
  async #exclusive(action: () => Promise<DashboardState>): Promise<DashboardState> {
    if (this.#stopped) throw new StatusError(failure('ServiceUnavailable', 'the dashboard is stopping'));
    if (this.#busy) throw conflict('another cluster action is still running; wait for it to finish');
    this.#busy = true;
    try {
      const state = await this.state();
      if (state.member || this.#agents.length > 0 || this.#local) {
        throw conflict(
          `${this.dataDir} already holds ${state.clusterName ? `the cluster "${state.clusterName}"` : 'a cluster'}; ` +
            'start the dashboard with another --data-dir to create or join another one',
        );
      }
      return await action();
    } finally {
      this.#busy = false;
    }
  }

  #startAgent(name: string, args: string[]): AgentProcess {
    const agent = new AgentProcess(
      name,
      ['--data-dir', this.dataDir, ...args, ...(this.#o.agentArgs ?? [])],
      this.#o.out,
    );
    agent.start();
    this.#agents.push(agent);
    return agent;
  }

  /** Until the agent's own api.json appears (a stale one names another process), or the time is up. */
  async #waitForAgentApi(agent: AgentProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#stopped && Date.now() < deadline) {
      const info = await readApiInfo(this.dataDir).catch(() => undefined);
      if (info && (info.pid === undefined || info.pid === agent.pid)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
