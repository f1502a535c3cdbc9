// `shoal rollout status|history|undo|restart|pause|resume deploy/NAME`: kubectl's rollout verbs. The
// decisions (status lines, revisions, rollback) are pure functions in ../rollout/; this file fetches and writes.
import { Command } from 'commander';
import type { Kind } from '../../../shared/model/kinds.ts';
import type { DaemonSet, Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import { notFound, qualifiedResource } from '../../api/kubeStatus.ts';
import { connectToAgent } from '../agentConnection.ts';
import { type ApiClient, ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { writePodTemplate } from '../describe/containers.ts';
import { DescribeWriter } from '../describe/writer.ts';
import { parseDuration } from '../duration.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { subcommand } from '../nestedCommand.ts';
import { resourceName } from '../output.ts';
import type { ResourceRef } from '../resourceArgs.ts';
import {
  deploymentRevisions,
  findRollbackRevision,
  historyTable,
  planRollback,
  revisionTemplate,
} from '../rollout/revisions.ts';
import { daemonSetRolloutStatus, deploymentRolloutStatus } from '../rollout/statusViewer.ts';
import { groupKind, parseTargets } from '../targets.ts';
import { updateObject } from '../updateObject.ts';
import { watchUntil } from '../watchUntil.ts';
import { DEFAULT_NAMESPACE } from './get.ts';

/** Set on a template by `rollout restart`: a changed template is what makes the controller roll. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

const EXIT_HELP = '\nExit status: 0 on success, 1 when the request failed, 2 on usage errors.';

interface Common {
  namespace?: string;
}

type Action<O> = (client: ApiClient, ref: ResourceRef, namespace: string, opts: O) => Promise<void>;

function verb<O extends Common>(
  io: CliIo,
  name: string,
  description: string,
  kinds: readonly Kind[],
  /** kubectl's word for what handles the verb: `status viewer`, `rollbacker`… */
  handler: string,
  examples: string,
  action: Action<O>,
): Command {
  return subcommand(
    new Command(name)
      .description(description)
      .option('--data-dir <dir>', DATA_DIR_HELP)
      .argument('[resources...]', 'KIND/NAME… or KIND NAME…')
      .option('-n, --namespace <ns>', 'the namespace (default: "default")')
      .addHelpText('after', `\nExamples:\n${examples}\n${EXIT_HELP}`)
      .action(async (resources: string[], opts: O, cmd: Command) => {
        const targets = parseTargets(
          resources,
          kinds,
          (kind) => `error: no ${handler} has been implemented for ${groupKind(kind)}`,
        );
        const client = await connectToAgent(dataDirOption(cmd));
        for (const ref of targets) await action(client, ref, opts.namespace ?? DEFAULT_NAMESPACE, opts);
      }),
    io,
  );
}

/**
 * kubectl writes booleans as `--watch=false`; commander knows `--watch` and `--no-watch`. Rewriting the word
 * before parsing keeps `--watch deploy/web` a flag followed by a resource.
 */
function acceptBooleanEquals(cmd: Command, flag: string): Command {
  const parse = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) =>
    parse(
      argv.map((arg) => {
        const m = new RegExp(`^--${flag}=(.*)$`).exec(arg);
        if (!m) return arg;
        const value = (m[1] as string).toLowerCase();
        if (['true', 't', '1'].includes(value)) return `--${flag}`;
        if (['false', 'f', '0'].includes(value)) return `--no-${flag}`;
        throw new CliError(`error: invalid argument "${m[1]}" for "--${flag}": true or false`, EXIT.usage);
      }),
    );
  return cmd;
}

interface StatusOptions extends Common {
  timeout?: string;
  watch?: boolean;
}

async function rolloutStatus(
  io: CliIo,
  client: ApiClient,
  ref: ResourceRef,
  namespace: string,
  opts: StatusOptions,
): Promise<void> {
  const timeoutMs = opts.timeout === undefined ? 0 : parseDuration(opts.timeout);
  const watch = opts.watch !== false;
  let seen = false;
  let last: string | undefined;
  const outcome = await watchUntil(
    client,
    { kind: ref.kind, namespace, fieldSelector: `metadata.name=${ref.name}` },
    (m) => {
      if (m.type === 'BOOKMARK') {
        if (!seen) throw new ApiError(notFound(ref.kind, ref.name));
        return undefined;
      }
      if (m.type === 'ERROR') return undefined;
      if (m.type === 'DELETED') throw new CliError('error: object has been deleted');
      seen = true;
      const state =
        ref.kind === 'Deployment'
          ? deploymentRolloutStatus(m.object as Deployment)
          : daemonSetRolloutStatus(m.object as DaemonSet);
      if ('error' in state) throw new CliError(`error: ${state.error}`);
      // kubectl prints a line per watch event; one per change of the line says the same with less noise.
      if (state.message !== last) io.stdout.write(`${state.message}\n`);
      last = state.message;
      return state.done || !watch ? true : undefined;
    },
    timeoutMs > 0 ? timeoutMs : undefined,
  );
  if (!outcome.met) throw new CliError('error: timed out waiting for the condition');
}

async function revisionsOf(client: ApiClient, d: Deployment) {
  const list = await client.list('ReplicaSet', { namespace: d.metadata.namespace });
  return deploymentRevisions(d, list.items as ReplicaSet[]);
}

function parseRevision(text: string | undefined, flag: string): number {
  if (text === undefined) return 0;
  if (!/^[0-9]{1,15}$/.test(text)) {
    throw new CliError(`error: invalid argument "${text}" for "${flag}": a revision number`, EXIT.usage);
  }
  return Number(text);
}

async function rolloutHistory(
  io: CliIo,
  client: ApiClient,
  ref: ResourceRef,
  namespace: string,
  opts: Common & { revision?: string },
): Promise<void> {
  const wanted = parseRevision(opts.revision, '--revision');
  const d = (await client.get(ref.kind, namespace, ref.name)) as Deployment;
  const revisions = await revisionsOf(client, d);
  const name = resourceName(ref.kind, ref.name);
  if (wanted === 0) {
    io.stdout.write(`${name}\n${historyTable(revisions)}\n`);
    return;
  }
  const found = revisions.find((r) => r.revision === wanted);
  if (!found) throw new CliError('error: unable to find the specified revision');
  const w = new DescribeWriter();
  writePodTemplate(w, revisionTemplate(found));
  io.stdout.write(`${name} with revision #${wanted}\n${w.text()}\n`);
}

async function rolloutUndo(
  io: CliIo,
  client: ApiClient,
  ref: ResourceRef,
  namespace: string,
  opts: Common & { toRevision?: string },
): Promise<void> {
  const toRevision = parseRevision(opts.toRevision, '--to-revision');
  let skipped: number | undefined;
  await updateObject<Deployment>(client, ref.kind, namespace, ref.name, async (d) => {
    if (d.spec.paused) {
      throw new CliError(
        "error: you cannot rollback a paused deployment; resume it first with 'shoal rollout resume' and try again",
      );
    }
    const plan = planRollback(d, findRollbackRevision(d, await revisionsOf(client, d), toRevision));
    if (plan.type === 'skipped') {
      skipped = plan.revision;
      return false;
    }
    skipped = undefined;
    d.spec.template = plan.template;
    if (plan.annotations) d.metadata.annotations = plan.annotations;
    else delete d.metadata.annotations;
    return true;
  });
  const name = resourceName(ref.kind, ref.name);
  io.stdout.write(
    skipped === undefined
      ? `${name} rolled back\n`
      : `${name} skipped rollback (current template already matches revision ${skipped})\n`,
  );
}

async function rolloutRestart(
  io: CliIo,
  client: ApiClient,
  ref: ResourceRef,
  namespace: string,
): Promise<void> {
  await updateObject<Deployment | DaemonSet>(client, ref.kind, namespace, ref.name, (obj) => {
    if (obj.kind === 'Deployment' && obj.spec.paused) {
      throw new CliError(
        `error: ${qualifiedResource(ref.kind)} "${ref.name}" can't restart paused deployment (run rollout resume first)`,
      );
    }
    const meta = obj.spec.template.metadata ?? {};
    meta.annotations = { ...meta.annotations, [RESTARTED_AT_ANNOTATION]: rfc3339(new Date()) };
    obj.spec.template.metadata = meta;
    return true;
  });
  io.stdout.write(`${resourceName(ref.kind, ref.name)} restarted\n`);
}

/** Go's time.RFC3339: whole seconds. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function setPaused(
  io: CliIo,
  client: ApiClient,
  ref: ResourceRef,
  namespace: string,
  paused: boolean,
): Promise<void> {
  await updateObject<Deployment>(client, ref.kind, namespace, ref.name, (d) => {
    if ((d.spec.paused ?? false) === paused) {
      throw new CliError(
        `error: ${qualifiedResource(ref.kind)} "${ref.name}" ${paused ? 'is already paused' : 'is not paused'}`,
      );
    }
    if (paused) d.spec.paused = true;
    else delete d.spec.paused;
    return true;
  });
  io.stdout.write(`${resourceName(ref.kind, ref.name)} ${paused ? 'paused' : 'resumed'}\n`);
}

const WITH_STATUS: readonly Kind[] = ['Deployment', 'DaemonSet'];
const DEPLOYMENTS: readonly Kind[] = ['Deployment'];

export function rolloutCommand(io: CliIo): Command {
  const status = verb<StatusOptions>(
    io,
    'status',
    'Show the status of a rollout, waiting until it completes or fails',
    WITH_STATUS,
    'status viewer',
    `  shoal rollout status deploy/web                 wait, showing progress, until the rollout is over
  shoal rollout status deploy/web --timeout 2m    give up (exit 1) after two minutes
  shoal rollout status ds/agent --watch=false     print the status once`,
    (client, ref, namespace, opts) => rolloutStatus(io, client, ref, namespace, opts),
  )
    .option(
      '--timeout <duration>',
      'give up after this long (e.g. 30s, 2m); default: wait as long as it takes',
    )
    .option('-w, --watch', 'wait for the rollout to finish (the default)')
    .option('--no-watch', 'print the status once (also --watch=false)');
  acceptBooleanEquals(status, 'watch');
  status.addHelpText(
    'after',
    '\nIt exits 1 with "exceeded its progress deadline" when the deployment stops progressing\n' +
      '(spec.progressDeadlineSeconds), and on --timeout.',
  );
  const history = verb<Common & { revision?: string }>(
    io,
    'history',
    "Show a deployment's revisions and their change causes",
    DEPLOYMENTS,
    'history viewer',
    `  shoal rollout history deploy/web                  REVISION and CHANGE-CAUSE of each revision
  shoal rollout history deploy/web --revision 2     the pod template of revision 2`,
    (client, ref, namespace, opts) => rolloutHistory(io, client, ref, namespace, opts),
  ).option('--revision <n>', 'show the pod template of this revision');
  const undo = verb<Common & { toRevision?: string }>(
    io,
    'undo',
    'Roll a deployment back to its previous revision (or --to-revision)',
    DEPLOYMENTS,
    'rollbacker',
    `  shoal rollout undo deploy/web                     back to the previous revision
  shoal rollout undo deploy/web --to-revision 2     back to revision 2`,
    (client, ref, namespace, opts) => rolloutUndo(io, client, ref, namespace, opts),
  ).option('--to-revision <n>', 'the revision to roll back to (default: the previous one)');
  const restart = verb<Common>(
    io,
    'restart',
    'Replace every pod of a deployment or daemon set with a rolling update',
    WITH_STATUS,
    'restarter',
    '  shoal rollout restart deploy/web',
    (client, ref, namespace) => rolloutRestart(io, client, ref, namespace),
  );
  const pause = verb<Common>(
    io,
    'pause',
    'Stop a deployment from rolling out template changes until it is resumed',
    DEPLOYMENTS,
    'pauser',
    '  shoal rollout pause deploy/web',
    (client, ref, namespace) => setPaused(io, client, ref, namespace, true),
  );
  const resume = verb<Common>(
    io,
    'resume',
    'Let a paused deployment roll out again',
    DEPLOYMENTS,
    'resumer',
    '  shoal rollout resume deploy/web',
    (client, ref, namespace) => setPaused(io, client, ref, namespace, false),
  );
  const rollout = new Command('rollout').description(
    'Manage the rollout of deployments and daemon sets: status, history, undo, restart, pause, resume',
  );
  for (const sub of [status, history, undo, restart, pause, resume]) rollout.addCommand(sub);
  return rollout;
}
