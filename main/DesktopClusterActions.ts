// The onboarding actions (agent/dashboard/clusterHost.ts's ClusterActions) for the desktop app, whose peer
// runs in-process: create is `shoal init` in the app's data folder then the embedded peer; join starts the
// embedded peer with the key; a local cluster is exactly `shoal up` (a private bootstrap and N agent
// processes, in a folder of its own) which the embedded peer then joins, so the app shows and manages it
// like any other cluster. The dashboard's handler (createDashboardApi) turns these into the HTTP-like API.
import path from 'node:path';
import type { Logger } from 'pino';
import { failure, StatusError } from '../agent/api/kubeStatus.ts';
import { readClusterConfig } from '../agent/cluster/clusterFiles.ts';
import { initCluster } from '../agent/cluster/initCluster.ts';
import { formatJoinKey, parseJoinKey } from '../agent/cluster/joinKey.ts';
import type { ClusterActions, DashboardState } from '../agent/dashboard/clusterHost.ts';
import { BootstrapBusyError, type LocalCluster, startLocalCluster } from '../agent/up/runLocalCluster.ts';
import type { EmbeddedPeer } from './EmbeddedPeer.ts';

/** The desktop's state adds whether this computer runs workloads (OnboardingState.runsWorkloads). */
export type DesktopState = DashboardState & { runsWorkloads: boolean };

export interface DesktopClusterActionsOptions {
  peer: EmbeddedPeer;
  /** Where `shoal up`'s folder goes for "Start a local cluster". */
  localClusterDir: string;
  logger: Logger;
  /** The local cluster's agents' log lines. */
  out: NodeJS.WritableStream;
  /** How long join waits for the cluster to reach this peer before answering (it keeps trying after). */
  joinWaitMs?: number;
}

const conflict = (message: string) => new StatusError(failure('Conflict', message));

export class DesktopClusterActions implements ClusterActions {
  readonly #o: DesktopClusterActionsOptions;
  #busy = false;
  #local: LocalCluster | undefined;

  constructor(o: DesktopClusterActionsOptions) {
    this.#o = o;
  }

  async state(): Promise<DesktopState> {
    const { peer } = this.#o;
    const config = await readClusterConfig(peer.dataDir);
    const state: DesktopState = {
      member: config !== undefined,
      dataDir: peer.dataDir,
      runsWorkloads: peer.runWorkloads,
    };
    if (config?.name) state.clusterName = config.name;
    return state;
  }

  async joinKey(): Promise<string> {
    const config = await readClusterConfig(this.#o.peer.dataDir);
    if (!config)
      throw new StatusError(
        failure('NotFound', 'this computer is in no cluster yet: create, join or start one first'),
      );
    return formatJoinKey({ swarmKey: config.swarmKey, bootstrap: config.bootstrap });
  }

  create(name: string): Promise<DesktopState> {
    return this.#exclusive(async () => {
      const { peer, logger } = this.#o;
      await initCluster({ dataDir: peer.dataDir, clusterName: name, bootstrap: [], logger });
      await peer.start();
    });
  }

  join(key: string): Promise<DesktopState> {
    return this.#exclusive(async () => {
      let parsed: ReturnType<typeof parseJoinKey>;
      try {
        parsed = parseJoinKey(key);
      } catch (err) {
        throw new StatusError(failure('BadRequest', `the join key is not valid: ${(err as Error).message}`));
      }
      await this.#startJoined(parsed);
    });
  }

  startLocal(agents: number): Promise<DesktopState> {
    return this.#exclusive(async () => {
      const { logger, out, localClusterDir } = this.#o;
      try {
        this.#local = await startLocalCluster({ dir: localClusterDir, count: agents, out, logger });
      } catch (err) {
        if (err instanceof BootstrapBusyError) throw conflict(err.message);
        throw err;
      }
      await this.#local.waitForApi(60_000);
      await this.#startJoined(parseJoinKey(this.#local.joinKey));
    });
  }

  /** Stops the local cluster's agents, if this app started them (for Quit; containers keep running). */
  async stop(): Promise<void> {
    await this.#local?.stop();
  }

  /**
   * Starts the embedded peer with a key. Its start waits until a peer has sent it the cluster, which may
   * take long (or forever, with a wrong key); the answer comes after joinWaitMs at most, and the start goes
   * on (its failure is logged and shown by the tray).
   */
  async #startJoined(key: ReturnType<typeof parseJoinKey>): Promise<void> {
    const { peer, logger } = this.#o;
    const started = peer.start(key);
    started.catch((err: unknown) => logger.error({ err }, 'the embedded peer could not join the cluster'));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.joinWaitMs ?? 15_000);
    });
    try {
      await Promise.race([started, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One action at a time, and none once this computer is in a cluster. */
  async #exclusive(action: () => Promise<void>): Promise<DesktopState> {
    if (this.#busy) throw conflict('another cluster action is still running; wait for it to finish');
    this.#busy = true;
    try {
      const before = await this.state();
      if (before.member || this.#local)
        throw conflict(
          `this computer is already in ${before.clusterName ? `the cluster "${before.clusterName}"` : 'a cluster'}`,
        );
      await action();
      return await this.state();
    } finally {
      this.#busy = false;
    }
  }
}

/** The folder `shoal up`'s local cluster uses inside the app's data folder. */
export function localClusterDir(appDataDir: string): string {
  return path.join(appDataDir, 'local-cluster');
}
