// `shoal apply -f …`: reads manifests, admits every object (validation and defaults, all errors at once),
// then sends them to the agent, which creates each object or replaces its labels, annotations and spec
// (`deployment.apps/web created|configured|unchanged`). With --dry-run=client it prints what would be
// created without contacting any agent; --dry-run=server asks the agent what would happen.
import { Command, Option } from 'commander';
import type { ManifestObject } from '../../../shared/manifest/parseManifests.ts';
import { formatProblem, parseManifests } from '../../../shared/manifest/parseManifests.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import { connectToAgent } from '../agentConnection.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { parseDuration } from '../duration.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { readManifestSources } from '../manifestFiles.ts';
import { formatObjects, parseOutputFormat, resourceName } from '../output.ts';
import { waitForPods } from '../waitForPods.ts';

interface ApplyOptions {
  filename: string[];
  recursive?: boolean;
  dryRun: 'none' | 'client' | 'server';
  output?: string;
  namespace?: string;
  wait?: boolean;
  timeout?: string;
}

const DEFAULT_WAIT = '5m';

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
    .option('--data-dir <dir>', DATA_DIR_HELP)
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
    .option(
      '--wait',
      'wait until the pods applied run (or finish), showing image pull progress and failures on the way',
    )
    .option('--timeout <duration>', `how long --wait waits (default ${DEFAULT_WAIT})`)
    .addHelpText(
      'after',
      `
Examples:
  shoal apply -f deploy.yaml                           create or update the objects in deploy.yaml
  shoal apply -f k8s/ -R                               every manifest under k8s/
  shoal apply -f pod.yaml --wait                       and wait until its pods run, showing image pulls
  shoal apply --dry-run=client -f deploy.yaml          validate offline, print what would be created
  shoal apply --dry-run=client -f k8s/ -o yaml         print the defaulted objects
  cat pod.json | shoal apply --dry-run=client -f -     read standard input

The agent is found through --data-dir, SHOAL_DATA_DIR or the per-user data directory (see shoal --help).

Exit status: 0 when every object is applied (or valid, with --dry-run=client), 1 when any manifest has an
error (all are listed) or the agent refuses an object or cannot be reached, 2 on usage errors.`,
    )
    .action(async (opts: ApplyOptions, cmd: Command) => {
      const format = parseOutputFormat(opts.output, ['json', 'yaml', 'name']);
      const manifests = await loadManifestObjects(io, opts);
      const objects = manifests.map((o) => o.object);
      if (opts.dryRun === 'client') {
        if (format === 'json' || format === 'yaml') {
          io.stdout.write(formatObjects(objects, format));
          return;
        }
        for (const obj of objects) {
          const name = resourceName(obj.kind, obj.metadata.name);
          io.stdout.write(format === 'name' ? `${name}\n` : `${name} created (dry run)\n`);
        }
        return;
      }
      const dryRun = opts.dryRun === 'server';
      const client = await connectToAgent(dataDirOption(cmd));
      const { results } = await client.apply(objects, dryRun);
      const applied: KubeObject[] = [];
      let failed = false;
      results.forEach((result, i) => {
        const source = manifests[i]?.location.source ?? '';
        if ('error' in result) {
          io.stderr.write(
            `Error from server (${result.error.reason ?? 'Unknown'}): error when applying "${source}": ${result.error.message}\n`,
          );
          failed = true;
          return;
        }
        applied.push(result.object);
        const name = resourceName(result.object.kind, result.object.metadata.name);
        if (format === 'name') io.stdout.write(`${name}\n`);
        else if (format === undefined)
          io.stdout.write(`${name} ${result.action}${dryRun ? ' (server dry run)' : ''}\n`);
      });
      if ((format === 'json' || format === 'yaml') && applied.length > 0)
        io.stdout.write(formatObjects(applied, format));
      if (failed) throw new CliError('', EXIT.failed);
      if (opts.wait && !dryRun) {
        const timeoutMs = parseDuration(opts.timeout ?? DEFAULT_WAIT, '--timeout');
        const pods = applied.filter((o) => o.kind === 'Pod');
        const waited = await waitForPods(client, pods, timeoutMs, (line) => io.stderr.write(`${line}\n`));
        for (const f of waited.failed) io.stderr.write(`error: pod ${f.pod} failed: ${f.reason}\n`);
        for (const p of waited.pending) io.stderr.write(`error: timed out waiting for pod ${p}\n`);
        if (waited.failed.length > 0 || waited.pending.length > 0) throw new CliError('', EXIT.failed);
      }
    });
}
