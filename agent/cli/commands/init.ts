// `shoal init`: create a cluster in a data directory and print the key that joins machines to it.
import { Command } from 'commander';
import { parseHostPortList } from '../../../shared/swarm/hostPort.ts';
import { AlreadyInitializedError, initCluster } from '../../cluster/initCluster.ts';
import { createLogger } from '../../log.ts';
import { dataDirOption, resolveDataDir } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';

export function parseBootstrapOption(value: string | undefined) {
  if (value === undefined) return undefined;
  try {
    return parseHostPortList(value);
  } catch (err) {
    throw new CliError(`error: --bootstrap: ${(err as Error).message}`, EXIT.usage);
  }
}

export function initCommand(io: CliIo): Command {
  return new Command('init')
    .description("Create a new cluster: a swarm key, this machine's identity and an empty cluster document")
    .option(
      '--data-dir <dir>',
      'where the cluster lives on this machine (default: SHOAL_DATA_DIR or the per-user folder)',
    )
    .option('--name <name>', "the cluster's name", 'shoal')
    .option('--node-name <name>', "this machine's node name (default: the host name)")
    .option(
      '--bootstrap <host:port,...>',
      'a private HyperDHT bootstrap (see `shoal bootstrap`); default: the public DHT',
    )
    .option('-o, --output <format>', 'json prints {"key": …}')
    .addHelpText(
      'after',
      `
Then start the agent with \`shoal agent --data-dir DIR\`, and on other machines
\`shoal agent --join KEY\`. The key is the whole join flow: keep it secret.`,
    )
    .action(
      async (
        opts: {
          dataDir?: string;
          name: string;
          nodeName?: string;
          bootstrap?: string;
          output?: string;
        },
        cmd: Command,
      ) => {
        const { dir } = resolveDataDir(dataDirOption(cmd));
        const bootstrap = parseBootstrapOption(opts.bootstrap) ?? [];
        try {
          const result = await initCluster({
            dataDir: dir,
            clusterName: opts.name,
            bootstrap,
            nodeName: opts.nodeName,
            logger: createLogger({ level: 'warn' }),
          });
          if (opts.output === 'json') {
            io.stdout.write(
              `${JSON.stringify({ key: result.joinKey, dataDir: dir, node: result.nodeName })}\n`,
            );
            return;
          }
          io.stdout.write(
            `Created cluster "${opts.name}" in ${dir}\n\nSwarm key (keep it secret; it is the whole join flow):\n\n  ${result.joinKey}\n\n` +
              `Start this machine's agent:   shoal agent --data-dir ${dir}\n` +
              `Join another machine:         shoal agent --join ${result.joinKey}\n`,
          );
        } catch (err) {
          if (err instanceof AlreadyInitializedError) throw new CliError(`error: ${err.message}`);
          throw err;
        }
      },
    );
}
