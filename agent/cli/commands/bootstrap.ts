// `shoal bootstrap`: a HyperDHT bootstrap node for a private or offline cluster.
import { Command } from 'commander';
import { startBootstrapNode } from '../../../shared/swarm/bootstrapNode.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';

export function bootstrapCommand(io: CliIo): Command {
  return new Command('bootstrap')
    .description('Run a HyperDHT bootstrap node, for clusters that must not use the public DHT')
    .requiredOption('--host <address>', 'the IPv4 address members reach this node at')
    .requiredOption('--port <port>', 'UDP port')
    .option('--bind <address>', 'local address to bind (default: --host)')
    .addHelpText(
      'after',
      '\nMembers use it with `shoal init --bootstrap HOST:PORT`; the join key carries it to new machines.',
    )
    .action(async (opts: { host: string; port: string; bind?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new CliError(`error: --port must be 1..65535, got "${opts.port}"`, EXIT.usage);
      }
      const node = await startBootstrapNode({ host: opts.host, port, bind: opts.bind }).catch(
        (err: Error) => {
          throw new CliError(`error: ${err.message}`);
        },
      );
      io.stdout.write(`HyperDHT bootstrap node listening on ${node.host}:${node.port} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await node.close();
    });
}
