// `shoal key show`: print the cluster's join key again.
import { Command } from 'commander';
import { readClusterConfig } from '../../cluster/clusterFiles.ts';
import { formatJoinKey } from '../../cluster/joinKey.ts';
import { dataDirOption, describeDataDirSource, resolveDataDir } from '../dataDir.ts';
import { CliError } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';

export function keyCommand(io: CliIo): Command {
  const key = new Command('key').description("Show the cluster's swarm key");
  key
    .command('show')
    .description('Print the key that joins a machine to this cluster')
    .option('--data-dir <dir>', "the cluster's data directory")
    .option('-o, --output <format>', 'json prints {"key": …}')
    .action(async (opts: { dataDir?: string; output?: string }, cmd: Command) => {
      const resolved = resolveDataDir(dataDirOption(cmd));
      const config = await readClusterConfig(resolved.dir);
      if (!config) {
        throw new CliError(
          `error: no cluster in ${resolved.dir} (${describeDataDirSource(resolved.source)}): run \`shoal init\` or \`shoal up\` first`,
        );
      }
      const text = formatJoinKey({ swarmKey: config.swarmKey, bootstrap: config.bootstrap });
      io.stdout.write(opts.output === 'json' ? `${JSON.stringify({ key: text })}\n` : `${text}\n`);
    });
  return key;
}
