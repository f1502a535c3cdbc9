// `shoal up`: a complete local cluster on this machine in one command (see agent/up/localCluster.ts and
// agent/up/runLocalCluster.ts), with the web dashboard attached to its first agent.
import path from 'node:path';
import { Command } from 'commander';
import { DEFAULT_DASHBOARD_PORT } from '../../dashboard/DashboardServer.ts';
import { dashboardLine, type RunningDashboard, runDashboard } from '../../dashboard/runDashboard.ts';
import { createLogger } from '../../log.ts';
import { localServiceAddress } from '../../up/localCluster.ts';
import { startLocalCluster } from '../../up/runLocalCluster.ts';
import { DATA_DIR_ENV, dataDirOption, resolveDataDir } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { parsePortOption } from './dashboard.ts';

const API_WAIT_MS = 60_000;

export function upCommand(io: CliIo): Command {
  return new Command('up')
    .description('Start a local cluster on this machine: N agents and a private bootstrap, until Ctrl-C')
    .option('--agents <n>', 'how many agents', '3')
    .option('--data-dir <dir>', 'where the cluster lives (default: SHOAL_DATA_DIR or the per-user folder)')
    .option(
      '--dashboard-port <port>',
      'port of the web dashboard on 127.0.0.1 (0: any free port)',
      String(DEFAULT_DASHBOARD_PORT),
    )
    .option('--no-dashboard', 'do not serve the web dashboard')
    .addHelpText('after', '\nRun it again on the same data directory to resume the same cluster.')
    .action(
      async (
        opts: { agents: string; dataDir?: string; dashboardPort: string; dashboard: boolean },
        cmd: Command,
      ) => {
        const count = Number(opts.agents);
        if (!Number.isInteger(count) || count < 1 || count > 9) {
          throw new CliError(`error: --agents must be 1..9, got "${opts.agents}"`, EXIT.usage);
        }
        const dashboardPort = parsePortOption('--dashboard-port', opts.dashboardPort);
        const resolved = resolveDataDir(dataDirOption(cmd));
        const dir = resolved.dir;
        const logger = createLogger({ level: 'warn' });
        const cluster = await startLocalCluster({ dir, count, out: io.stderr, logger }).catch(
          (err: Error) => {
            throw new CliError(`error: ${err.message}`);
          },
        );
        const { agents, joinKey, created } = cluster;

        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        const info = await Promise.race([cluster.waitForApi(API_WAIT_MS), stop]);
        let dashboard: RunningDashboard | undefined;
        if (info) {
          const env = resolved.source === 'default' ? '' : `SHOAL_DATA_DIR=${dir} `;
          io.stdout.write(
            `${created ? 'Created' : 'Resumed'} a local cluster of ${agents.length} agent${agents.length > 1 ? 's' : ''} in ${dir}\n\n` +
              `Swarm key:  ${joinKey}\n` +
              `API:        ${info.url}  (token in ${path.join(dir, 'api.json')})\n` +
              `Services:   ${agents.map((_, i) => localServiceAddress(i)).join(', ')}  (one address per agent; pods use their names)\n\n` +
              `In another terminal:\n  ${env}shoal get nodes\n  ${env}shoal status\n  ${env}shoal apply -f deploy.yaml\n\n` +
              `Press Ctrl-C to stop the agents (containers keep running; \`shoal up\` again resumes).\n` +
              (resolved.source === 'default' ? '' : `(or export ${DATA_DIR_ENV}=${dir})\n`),
          );
          if (opts.dashboard) {
            // The cluster is worth having without its dashboard: a dashboard that cannot start is reported only.
            dashboard = await runDashboard({
              dataDir: dir,
              port: dashboardPort,
              out: io.stderr,
              logger,
            }).catch((err: Error) => {
              io.stderr.write(`the dashboard did not start: ${err.message}\n`);
              return undefined;
            });
            if (dashboard) io.stdout.write(`\n${dashboardLine(dashboard.server)}\n`);
          }
        }
        await stop;
        io.stderr.write('stopping the local cluster…\n');
        await dashboard?.stop();
        await cluster.stop();
      },
    );
}
