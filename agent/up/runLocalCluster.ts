// `shoal up`'s running cluster, as a function the up command and the dashboard share: the private bootstrap
// on 127.0.0.1 (on the port it had before, so a resumed cluster finds itself), the agent directories
// (localCluster.ts) and one supervised `shoal agent` child process per agent. Once the first agent's API
// answers, its api.json is copied to the cluster's folder, so plain `shoal get …` finds the cluster.
import { promises as fs } from 'node:fs';
import type { Logger } from 'pino';
import { type BootstrapNode, startBootstrapNode } from '../../shared/swarm/bootstrapNode.ts';
import { type ApiInfo, readApiInfo, removeApiInfo, writeApiInfo } from '../api/apiInfo.ts';
import { AgentProcess } from './AgentProcess.ts';
import { agentDir, LOOPBACK, localAgentArgs, prepareLocalCluster, readUpFile } from './localCluster.ts';

export interface LocalCluster {
  readonly dir: string;
  readonly agents: string[];
  readonly joinKey: string;
  /** False when an existing cluster in `dir` was resumed. */
  readonly created: boolean;
  /**
   * Waits until the first agent has written its api.json (from this run), copies it to `dir` and returns
   * it; undefined after `timeoutMs` or once the cluster is stopping.
   */
  waitForApi(timeoutMs: number): Promise<ApiInfo | undefined>;
  /** Stops the agents (SIGTERM, then SIGKILL), removes the api.json copy, closes the bootstrap. */
  stop(): Promise<void>;
}

export class BootstrapBusyError extends Error {}

export async function startLocalCluster(opts: {
  dir: string;
  count: number;
  /** Where the agents' log lines go, prefixed with their names. */
  out: NodeJS.WritableStream;
  logger: Logger;
  /** Extra `shoal agent` arguments for every agent (tests: e.g. `--no-pod-services`). */
  agentArgs?: readonly string[];
}): Promise<LocalCluster> {
  const { dir } = opts;
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const previous = await readUpFile(dir);
  let bootstrap: BootstrapNode;
  try {
    bootstrap = await startBootstrapNode({ host: LOOPBACK, port: previous?.bootstrapPort ?? 0 });
  } catch (err) {
    throw new BootstrapBusyError(`${(err as Error).message} (is another \`shoal up\` running on ${dir}?)`);
  }
  let prepared: Awaited<ReturnType<typeof prepareLocalCluster>>;
  try {
    prepared = await prepareLocalCluster({
      dir,
      count: opts.count,
      bootstrapPort: bootstrap.port,
      logger: opts.logger,
    });
  } catch (err) {
    await bootstrap.close();
    throw err;
  }
  const { agents, joinKey, created } = prepared;
  const processes = agents.map(
    (name, index) =>
      new AgentProcess(name, [...localAgentArgs(dir, name, index), ...(opts.agentArgs ?? [])], opts.out),
  );
  for (const p of processes) p.start();
  const first = processes[0]!;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  return {
    dir,
    agents,
    joinKey,
    created,
    async waitForApi(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!stopping && Date.now() < deadline) {
        const info = await readApiInfo(agentDir(dir, agents[0]!)).catch(() => undefined);
        // A stale api.json (an agent killed before it could remove it) names another process.
        if (info && (info.pid === undefined || info.pid === first.pid)) {
          await writeApiInfo(dir, { url: info.url, token: info.token, pid: process.pid });
          return info;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return undefined;
    },
    stop() {
      stopping = true;
      stopped ??= (async () => {
        await Promise.all(processes.map((p) => p.stop()));
        await removeApiInfo(dir, process.pid).catch(() => {});
        await bootstrap.close();
      })();
      return stopped;
    },
  };
}
