// `shoal delete -f …` or `shoal delete KIND NAME…` (also `KIND/NAME`, `-l SELECTOR`, `--all`):
// `pod "web" deleted`; a missing object is an error unless --ignore-not-found.
import { Command } from 'commander';
import type { Kind } from '../../../shared/model/kinds.ts';
import type { PropagationPolicy } from '../../api/deletionPolicy.ts';
import { connectToAgent } from '../agentConnection.ts';
import { type ApiClient, ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { parseDuration } from '../duration.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { parseOutputFormat, resourceName } from '../output.ts';
import { namespaceFor, parseResourceArgs, quotedName, refsOf } from '../resourceArgs.ts';
import { loadManifestObjects } from './apply.ts';
import { DEFAULT_NAMESPACE, noResourcesMessage } from './get.ts';

interface DeleteOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
  selector?: string;
  all?: boolean;
  ignoreNotFound?: boolean;
  output?: string;
  gracePeriod?: string;
  force?: boolean;
  now?: boolean;
  wait?: boolean;
  timeout?: string;
  cascade?: string | boolean;
}

interface Target {
  kind: Kind;
  namespace: string | undefined;
  name: string;
  /** The manifest file, for `-f`. */
  source?: string;
}

export function deleteCommand(io: CliIo): Command {
  return new Command('delete')
    .description('Delete objects named on the command line, selected by label, or described in manifests')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[resources...]', 'KIND NAME…, KIND/NAME…, or KIND with -l or --all')
    .option(
      '-f, --filename <path...>',
      'delete the objects of these files, directories or - (standard input)',
    )
    .option('-R, --recursive', 'process the directories given with -f recursively')
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .option('-l, --selector <selector>', 'delete the objects of KIND matching this label selector')
    .option('--all', 'delete every object of KIND in the namespace')
    .option('--ignore-not-found', 'treat objects that do not exist as deleted')
    .option('-o, --output <format>', 'name: print kind/name of each deleted object')
    .option(
      '--grace-period <seconds>',
      "seconds a pod's containers get to stop (SIGTERM, then SIGKILL); default: the pod's own (30 s)",
    )
    .option('--now', 'stop pods at once (--grace-period=1)')
    .option('--force', 'remove pods from the cluster at once, without waiting for their containers to stop')
    .option(
      '--cascade [mode]',
      'what happens to the objects this one owns: background (deleted after it), foreground (deleted ' +
        'before it; the owner stays until they are gone) or orphan (kept, no longer owned)',
      'background',
    )
    .option('--no-wait', 'return once deletion has started instead of waiting until the objects are gone')
    .option(
      '--timeout <duration>',
      'give up waiting after this long (e.g. 30s, 2m); default: wait as long as it takes',
    )
    .addHelpText(
      'after',
      `
Examples:
  shoal delete pod web                  delete the pod "web" in the default namespace
  shoal delete deploy/web svc/web       a deployment and a service
  shoal delete -f deploy.yaml           the objects of a manifest
  shoal delete pods -l app=web          every pod labelled app=web
  shoal delete deploy/web --cascade=orphan
                                        the deployment only; its replica sets and pods stay

Exit status: 0 when everything named was deleted, 1 when an object was not found (unless
--ignore-not-found) or the agent cannot be reached, 2 on usage errors.`,
    )
    .action(async (resources: string[], opts: DeleteOptions, cmd: Command) => {
      const format = parseOutputFormat(opts.output, ['name']);
      const propagationPolicy = propagationFrom(opts.cascade);
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const fromFiles = opts.filename !== undefined && opts.filename.length > 0;
      if (fromFiles && resources.length > 0) {
        throw new CliError('error: give either -f or resources on the command line, not both', EXIT.usage);
      }
      if (!fromFiles && resources.length === 0) {
        throw new CliError(
          'error: you must provide one or more resources by argument or filename (-f)',
          EXIT.usage,
        );
      }
      const manifests = fromFiles
        ? await loadManifestObjects(io, {
            filename: opts.filename ?? [],
            recursive: opts.recursive,
            namespace: opts.namespace,
          })
        : [];
      const args = fromFiles ? undefined : parseResourceArgs(resources);
      const selecting = opts.all || opts.selector !== undefined;
      if (args && args.type === 'kinds' && args.names.length === 0 && !selecting) {
        throw new CliError(
          `error: resource(s) were provided, but no name was specified; give names, -l SELECTOR or --all`,
          EXIT.usage,
        );
      }
      if (args && selecting && (args.type === 'refs' || args.names.length > 0)) {
        throw new CliError('error: names cannot be given together with -l or --all', EXIT.usage);
      }
      const client = await connectToAgent(dataDirOption(cmd));
      const targets: Target[] = [];
      if (fromFiles) {
        for (const { object, location } of manifests) {
          targets.push({
            kind: object.kind,
            namespace: object.metadata.namespace,
            name: object.metadata.name,
            source: location.source,
          });
        }
      } else if (args && selecting && args.type === 'kinds') {
        for (const kind of args.kinds) {
          const list = await client.list(kind, {
            namespace: namespaceFor(kind, namespace),
            labelSelector: opts.selector,
          });
          for (const o of list.items)
            targets.push({ kind, namespace: o.metadata.namespace, name: o.metadata.name });
        }
        if (targets.length === 0) {
          io.stderr.write(`${noResourcesMessage(args.kinds, namespace)}\n`);
          return;
        }
      } else if (args) {
        for (const ref of refsOf(args))
          targets.push({ ...ref, namespace: namespaceFor(ref.kind, namespace) });
      }
      const gracePeriodSeconds = graceFrom(opts);
      const deadline = opts.timeout === undefined ? undefined : Date.now() + parseDuration(opts.timeout);
      const pending: Target[] = [];
      let failed = false;
      for (const t of targets) {
        try {
          const answer = await client.delete(t.kind, t.namespace, t.name, {
            gracePeriodSeconds,
            propagationPolicy,
          });
          if (answer.kind !== 'Status') pending.push(t);
          io.stdout.write(
            format === 'name'
              ? `${resourceName(t.kind, t.name)}\n`
              : `${quotedName(t.kind, t.name)} deleted\n`,
          );
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          if (err.reason === 'NotFound' && opts.ignoreNotFound) continue;
          const where = t.source ? `error when deleting "${t.source}": ` : '';
          io.stderr.write(`Error from server (${err.status.reason}): ${where}${err.status.message}\n`);
          failed = true;
        }
      }
      if (opts.wait !== false) {
        for (const t of pending) {
          if (!(await waitUntilGone(client, t, deadline))) {
            io.stderr.write(`error: timed out waiting for ${quotedName(t.kind, t.name)} to be deleted\n`);
            failed = true;
          }
        }
      }
      if (failed) throw new CliError('', EXIT.failed);
    });
}

function graceFrom(opts: DeleteOptions): number | undefined {
  if (opts.force) return 0;
  if (opts.now) return 1;
  if (opts.gracePeriod === undefined || opts.gracePeriod === '-1') return undefined;
  if (!/^[0-9]{1,9}$/.test(opts.gracePeriod)) {
    throw new CliError(
      `error: --grace-period must be a whole number of seconds, not "${opts.gracePeriod}"`,
      EXIT.usage,
    );
  }
  return Number(opts.gracePeriod);
}

/** kubectl's --cascade: background (also a bare --cascade or true), foreground, orphan (also false). */
function propagationFrom(cascade: string | boolean | undefined): PropagationPolicy {
  const mode = cascade === undefined || cascade === true ? 'background' : String(cascade).toLowerCase();
  if (mode === 'background' || mode === 'true') return 'Background';
  if (mode === 'foreground') return 'Foreground';
  if (mode === 'orphan' || mode === 'false') return 'Orphan';
  throw new CliError(
    `error: invalid cascade value (${String(cascade)}). Must be "background", "foreground", or "orphan".`,
    EXIT.usage,
  );
}

/** Polls until the object is gone (or replaced by a new one of the same name); false on timeout. */
async function waitUntilGone(client: ApiClient, t: Target, deadline: number | undefined): Promise<boolean> {
  let uid: string | undefined;
  for (;;) {
    try {
      const obj = await client.get(t.kind, t.namespace, t.name);
      uid ??= obj.metadata.uid;
      if (obj.metadata.uid !== uid) return true;
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'NotFound') return true;
      throw err;
    }
    if (deadline !== undefined && Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
