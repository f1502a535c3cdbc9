// A dashboard attached to a data directory: the renderer built if needed, the ClusterHost, the server, and
// the line that tells the user where it is. `shoal dashboard` and `shoal up` both start it this way.
import type { Logger } from 'pino';
import type { HostPort } from '../../shared/swarm/hostPort.ts';
import { ClusterHost } from './clusterHost.ts';
import { type DashboardServer, startDashboardServer } from './DashboardServer.ts';
import { ensureRendererBuilt } from './ensureRendererBuilt.ts';

export interface RunningDashboard {
  server: DashboardServer;
  host: ClusterHost;
  /** Closes the server, then stops the agents the dashboard started. */
  stop(): Promise<void>;
}

export function dashboardLine(server: DashboardServer): string {
  return `Dashboard: ${server.dashboardUrl}`;
}

export async function runDashboard(opts: {
  dataDir: string;
  port: number;
  /** Progress ("building the dashboard…") and the agents' log lines. */
  out: NodeJS.WritableStream;
  logger: Logger;
  /** A prebuilt renderer; default renderer/dist, built first when stale. */
  distDir?: string;
  bootstrap?: HostPort[];
  agentArgs?: string[];
}): Promise<RunningDashboard> {
  const distDir = opts.distDir ?? (await ensureRendererBuilt({ out: opts.out }));
  const host = new ClusterHost({
    dataDir: opts.dataDir,
    out: opts.out,
    logger: opts.logger,
    bootstrap: opts.bootstrap,
    agentArgs: opts.agentArgs,
  });
  const server = await startDashboardServer({ host, distDir, logger: opts.logger, port: opts.port });
  return {
    server,
    host,
    async stop() {
      await server.close();
      await host.stop();
    },
  };
}
