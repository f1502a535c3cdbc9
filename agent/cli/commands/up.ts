// `shoal up`: a complete local cluster on this machine in one command (see agent/up/localCluster.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { startBootstrapNode } from '../../../shared/swarm/bootstrapNode.ts';
import { readApiInfo, removeApiInfo, writeApiInfo } from '../../api/apiInfo.ts';
import { createLogger } from '../../log.ts';
import { AgentProcess } from '../../up/AgentProcess.ts';
import { agentDir, LOOPBACK, prepareLocalCluster, readUpFile } from '../../up/localCluster.ts';
import { DATA_DIR_ENV, dataDirOption, resolveDataDir } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';

const API_WAIT_MS = 60_000;

async function waitForApiInfo(dir: string, deadline: number) {
  while (Date.now() < deadline) {
    const info = await readApiInfo(dir).catch(() => undefined);
    if (info) return info;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

export function upCommand(io: CliIo): Command {
  return new Command('up')
    .description('Start a local cluster on this machine: N agents and a private bootstrap, until Ctrl-C')
    .option('--agents <n>', 'how many agents', '3')
    .option('--data-dir <dir>', 'where the cluster lives (default: SHOAL_DATA_DIR or the per-user folder)')
    .addHelpText('after', '\nRun it again on the same data directory to resume the same cluster.')
    .action(async (opts: { agents: string; dataDir?: string }, cmd: Command) => {
      const count = Number(opts.agents);
      if (!Number.isInteger(count) || count < 1 || count > 9) {
        throw new CliError(`error: --agents must be 1..9, got "${opts.agents}"`, EXIT.usage);
      }
      const resolved = resolveDataDir(dataDirOption(cmd));
      const dir = resolved.dir;
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const previous = await readUpFile(dir);
      const bootstrap = await startBootstrapNode({
        host: LOOPBACK,
        port: previous?.bootstrapPort ?? 0,
      }).catch((err: Error) => {
        throw new CliError(`error: ${err.message} (is another \`shoal up\` running on ${dir}?)`);
      });
      const logger = createLogger({ level: 'warn' });
      const { agents, joinKey, created } = await prepareLocalCluster({
        dir,
        count,
        bootstrapPort: bootstrap.port,
        logger,
      });
      const processes = agents.map(
        (name) =>
          new AgentProcess(
            name,
            ['--data-dir', agentDir(dir, name), '--host', LOOPBACK, '--node-name', name],
            io.stderr,
          ),
      );
      for (const p of processes) p.start();

      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      const info = await Promise.race([
        waitForApiInfo(agentDir(dir, agents[0]!), Date.now() + API_WAIT_MS),
        stop,
      ]);
      if (info) {
        await writeApiInfo(dir, { url: info.url, token: info.token, pid: process.pid });
        const env = resolved.source === 'default' ? '' : `SHOAL_DATA_DIR=${dir} `;
        io.stdout.write(
          `${created ? 'Created' : 'Resumed'} a local cluster of ${agents.length} agent${agents.length > 1 ? 's' : ''} in ${dir}\n\n` +
            `Swarm key:  ${joinKey}\n` +
            `API:        ${info.url}  (token in ${path.join(dir, 'api.json')})\n\n` +
            `In another terminal:\n  ${env}shoal get nodes\n  ${env}shoal status\n  ${env}shoal apply -f deploy.yaml\n\n` +
            `Press Ctrl-C to stop the agents (containers keep running; \`shoal up\` again resumes).\n` +
            (resolved.source === 'default' ? '' : `(or export ${DATA_DIR_ENV}=${dir})\n`),
        );
      }
      await stop;
      io.stderr.write('stopping the local cluster…\n');
      await Promise.all(processes.map((p) => p.stop()));
      await removeApiInfo(dir, process.pid).catch(() => {});
      await bootstrap.close();
    });
}
