// `shoal apply -f …`: reads manifests, admits every object (validation and defaults, all errors at once),
// and with --dry-run=client prints what would be created without contacting any agent.
import { Command, Option } from 'commander';
import type { ManifestObject } from '../../../shared/manifest/parseManifests.ts';
import { formatProblem, parseManifests } from '../../../shared/manifest/parseManifests.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { readManifestSources } from '../manifestFiles.ts';
import { formatObjects, parseOutputFormat, resourceName } from '../output.ts';

interface ApplyOptions {
  filename: string[];
  recursive?: boolean;
  dryRun: 'none' | 'client' | 'server';
  output?: string;
  namespace?: string;
}

export async function loadManifestObjects(
  io: CliIo,
  opts: { filename: string[]; recursive?: boolean; namespace?: string },
): Promise<ManifestObject[]> {
  const texts = await readManifestSources(opts.filename, { recursive: opts.recursive, stdin: io.stdin });
  const objects: ManifestObject[] = [];
  const errors: string[] = [];
  for (const { source, text } of texts) {
    const parsed = parseManifests(text, source, {
      namespace: opts.namespace,
      enforceNamespace: opts.namespace !== undefined,
    });
    objects.push(...parsed.objects);
    for (const p of parsed.problems) errors.push(...formatProblem(p));
  }
  if (errors.length > 0) {
    const n = errors.length;
    throw new CliError(
      `error: ${n} problem${n === 1 ? '' : 's'} in the manifests:\n${errors.map((e) => `  ${e}`).join('\n')}`,
    );
  }
  if (objects.length === 0) throw new CliError('error: no objects passed to apply');
  return objects;
}

export function applyCommand(io: CliIo): Command {
  return new Command('apply')
    .description(
      'Apply a configuration to the cluster from files, directories or standard input (YAML or JSON)',
    )
    .requiredOption('-f, --filename <path...>', 'file, directory or - for standard input (repeatable)')
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .addOption(
      new Option(
        '--dry-run [strategy]',
        'only print what would be applied; "client" validates offline with no agent',
      )
        .choices(['none', 'client', 'server'])
        .preset('client')
        .default('none'),
    )
    .option('-o, --output <format>', 'output format: yaml, json or name')
    .option('-n, --namespace <ns>', 'namespace for objects that name none; others must match it')
    .addHelpText(
      'after',
      `
Examples:
  shoal apply --dry-run=client -f deploy.yaml          validate offline, print what would be created
  shoal apply --dry-run=client -f k8s/ -o yaml         print the defaulted objects
  cat pod.json | shoal apply --dry-run=client -f -     read standard input

Exit status: 0 when every object is valid, 1 when any manifest has an error (all are listed), 2 on usage errors.`,
    )
    .action(async (opts: ApplyOptions) => {
      const format = parseOutputFormat(opts.output, ['json', 'yaml', 'name']);
      if (opts.dryRun === 'server')
        throw new CliError('error: --dry-run=server needs an agent; use --dry-run=client', EXIT.usage);
      if (opts.dryRun !== 'client') {
        throw new CliError(
          'error: applying to a cluster needs a running Shoal agent, which this build cannot start yet.\n' +
            'Use --dry-run=client to validate the manifests and see what would be created.',
        );
      }
      const objects = (await loadManifestObjects(io, opts)).map((o) => o.object);
      if (format === 'json' || format === 'yaml') {
        io.stdout.write(formatObjects(objects, format));
        return;
      }
      for (const obj of objects) {
        const name = resourceName(obj.kind, obj.metadata.name);
        io.stdout.write(format === 'name' ? `${name}\n` : `${name} created (dry run)\n`);
      }
    });
}
