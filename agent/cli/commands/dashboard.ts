// `shoal dashboard`: the web dashboard on 127.0.0.1, attached to the agent of a data directory (or, for a
// directory with no cluster yet, offering to create, join or start one), until SIGINT or SIGTERM.
import { Command, Option } from 'commander';
import { DEFAULT_DASHBOARD_PORT } from '../../dashboard/DashboardServer.ts';
import { openBrowser } from '../../dashboard/openBrowser.ts';
import { dashboardLine, runDashboard } from '../../dashboard/runDashboard.ts';
import { createLogger } from '../../log.ts';
import { dataDirOption, resolveDataDir } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { parseBootstrapOption } from './init.ts';

/** A TCP port, 0 meaning any free one. */
export function parsePortOption(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) {
    throw new CliError(
      `error: ${flag} must be a port number 0..65535 (0: any free port), got "${value}"`,
      EXIT.usage,
    );
  }
  return port;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export function dashboardCommand(io: CliIo): Command {
  return new Command('dashboard')
    .description('Serve the web dashboard on 127.0.0.1 for the agent of a data directory, until Ctrl-C')
    .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', String(DEFAULT_DASHBOARD_PORT))
    .option('--data-dir <dir>', "the agent's data directory (default: SHOAL_DATA_DIR or the per-user folder)")
    .option('--open', 'open the dashboard in the default browser')
    .option(
      '--bootstrap <host:port,...>',
      'a private HyperDHT bootstrap for a cluster created from the dashboard',
    )
    .addOption(new Option('--renderer-dist <dir>', 'serve this prebuilt renderer').hideHelp())
    .addOption(new Option('--agent-args <args>', 'extra arguments for agents it starts').hideHelp())
    .addHelpText(
      'after',
      `
The printed URL carries a token made for this run; API requests without it are refused. Agents the
dashboard starts (create, join, local cluster) stop with it; their containers keep running.`,
    )
    .action(
      async (
        opts: {
          port: string;
          dataDir?: string;
          open?: boolean;
          bootstrap?: string;
          rendererDist?: string;
          agentArgs?: string;
        },
        cmd: Command,
      ) => {
        const port = parsePortOption('--port', opts.port);
        const { dir } = resolveDataDir(dataDirOption(cmd));
        const stopping = untilSignal();
        let dashboard: Awaited<ReturnType<typeof runDashboard>>;
        try {
          dashboard = await runDashboard({
            dataDir: dir,
            port,
            out: io.stderr,
            logger: createLogger({ level: 'warn' }),
            distDir: opts.rendererDist,
            bootstrap: parseBootstrapOption(opts.bootstrap),
            agentArgs: opts.agentArgs?.split(' ').filter((a) => a !== ''),
          });
        } catch (err) {
          if (err instanceof CliError) throw err;
          throw new CliError(`error: ${(err as Error).message}`);
        }
        io.stdout.write(`${dashboardLine(dashboard.server)}\n`);
        if (opts.open) openBrowser(dashboard.server.dashboardUrl, (m) => io.stderr.write(`${m}\n`));
        await stopping;
        io.stderr.write('stopping the dashboard…\n');
        await dashboard.stop();
      },
    );
}
