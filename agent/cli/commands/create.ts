// `shoal create -f …`: creates every object of the manifests; one that exists already is an error
// (`Error from server (AlreadyExists): …`), and the others are still created, as with kubectl.
import { Command } from 'commander';
import type { KubeObject } from '../../../shared/model/meta.ts';
import { connectToAgent } from '../agentConnection.ts';
import { ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { formatObjects, parseOutputFormat, resourceName } from '../output.ts';
import { loadManifestObjects } from './apply.ts';

interface CreateOptions {
  filename: string[];
  recursive?: boolean;
  output?: string;
  namespace?: string;
}

export function createCommand(io: CliIo): Command {
  return new Command('create')
    .description(
      'Create objects from files, directories or standard input (YAML or JSON); existing ones are an error',
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .requiredOption('-f, --filename <path...>', 'file, directory or - for standard input (repeatable)')
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('-o, --output <format>', 'output format: yaml, json or name')
    .option('-n, --namespace <ns>', 'namespace for objects that name none; others must match it')
    .addHelpText(
      'after',
      `
Examples:
  shoal create -f deploy.yaml               create the objects; fails for any that exists
  shoal create -f k8s/ -o name              print kind/name of each created object

Use \`shoal apply\` to create or update.

Exit status: 0 when every object was created, 1 when any was refused (the others are still created) or
the agent cannot be reached, 2 on usage errors.`,
    )
    .action(async (opts: CreateOptions, cmd: Command) => {
      const format = parseOutputFormat(opts.output, ['json', 'yaml', 'name']);
      const manifests = await loadManifestObjects(io, opts);
      const client = await connectToAgent(dataDirOption(cmd));
      const created: KubeObject[] = [];
      let failed = false;
      for (const { object, location } of manifests) {
        try {
          const obj = await client.create(object);
          created.push(obj);
          const name = resourceName(obj.kind, obj.metadata.name);
          if (format === 'name') io.stdout.write(`${name}\n`);
          else if (format === undefined) io.stdout.write(`${name} created\n`);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          const { reason, message } = err.status;
          io.stderr.write(
            `Error from server (${reason}): error when creating "${location.source}": ${message}\n`,
          );
          failed = true;
        }
      }
      if ((format === 'json' || format === 'yaml') && created.length > 0)
        io.stdout.write(formatObjects(created, format));
      if (failed) throw new CliError('', EXIT.failed);
    });
}
