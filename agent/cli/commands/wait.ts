// `shoal wait --for=condition=complete job/NAME --timeout 60s` (also `--for=condition=Available deploy/NAME`,
// `--for=condition=Ready=false`, `--for=delete pod/NAME`, `-l SELECTOR`): blocks on the agent's watch until
// each object satisfies the condition; `job.batch/NAME condition met`, or exit 1 on timeout.
import { Command } from 'commander';
import { KIND_INFO } from '../../../shared/model/kinds.ts';
import { notFound } from '../../api/kubeStatus.ts';
import { connectToAgent } from '../agentConnection.ts';
import { type ApiClient, ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { parseDuration } from '../duration.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { resourceName } from '../output.ts';
import { namespaceFor, parseResourceArgs, type ResourceRef, refsOf } from '../resourceArgs.ts';
import { conditionMet, parseWaitFor, type WaitFor } from '../waitFor.ts';
import { watchUntil } from '../watchUntil.ts';
import { DEFAULT_NAMESPACE, noResourcesMessage } from './get.ts';

interface WaitOptions {
  for?: string;
  timeout: string;
  namespace?: string;
  selector?: string;
  all?: boolean;
}

const DEFAULT_TIMEOUT = '30s';

/** Resolves true when `ref` satisfies `waitFor` (false on timeout); a condition on a missing object is NotFound. */
async function waitForObject(
  client: ApiClient,
  ref: ResourceRef,
  namespace: string | undefined,
  waitFor: WaitFor,
  timeoutMs: number,
): Promise<boolean> {
  let uid: string | undefined;
  let listed = false;
  const outcome = await watchUntil(
    client,
    { kind: ref.kind, namespace, fieldSelector: `metadata.name=${ref.name}` },
    (m) => {
      if (m.type === 'ERROR') return undefined;
      if (m.type === 'BOOKMARK') {
        listed = true;
        if (uid !== undefined) return undefined;
        if (waitFor.type === 'delete') return true; // nothing to wait for: it is gone already
        throw new ApiError(notFound(ref.kind, ref.name));
      }
      if (waitFor.type === 'delete') {
        if (m.type === 'DELETED' && (uid === undefined || m.object.metadata.uid === uid)) return true;
        // Deleted and created again under the same name while we were not looking: the one we meant is gone.
        if (listed && uid !== undefined && m.object.metadata.uid !== uid) return true;
        uid ??= m.object.metadata.uid ?? '';
        return undefined;
      }
      uid = m.object.metadata.uid ?? '';
      if (m.type === 'DELETED') return undefined;
      return conditionMet(m.object, waitFor.condition, waitFor.value) ? true : undefined;
    },
    // kubectl's --timeout=0 checks once; the initial list then settles it.
    Math.max(timeoutMs, 1),
  );
  return outcome.met;
}

export function waitCommand(io: CliIo): Command {
  return new Command('wait')
    .description('Wait until objects meet a condition, or are deleted')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[resources...]', 'KIND/NAME…, KIND NAME…, or KIND with -l or --all')
    .option('--for <condition>', 'condition=NAME[=VALUE] (VALUE defaults to true), or delete')
    .option('--timeout <duration>', 'how long to wait for each object (e.g. 60s, 5m)', DEFAULT_TIMEOUT)
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .option('-l, --selector <selector>', 'wait for every object of KIND matching this label selector')
    .option('--all', 'wait for every object of KIND in the namespace')
    .addHelpText(
      'after',
      `
Examples:
  shoal wait --for=condition=complete job/backup --timeout 60s   until the job has completed
  shoal wait --for=condition=Available deploy/web                until the deployment is available
  shoal wait --for=condition=Ready=false pod/web                 until the pod is not ready
  shoal wait --for=condition=Ready pods -l app=web               every pod labelled app=web
  shoal wait --for=delete pod/web --timeout 2m                   until the pod is gone

Condition names and values are compared case-insensitively, as kubectl does.

Exit status: 0 when every object met the condition, 1 when one timed out or does not exist, 2 on usage
errors.`,
    )
    .action(async (resources: string[], opts: WaitOptions, cmd: Command) => {
      const waitFor = parseWaitFor(opts.for);
      const timeoutMs = parseDuration(opts.timeout);
      const args = parseResourceArgs(resources);
      const selecting = opts.all === true || opts.selector !== undefined;
      if (selecting && (args.type === 'refs' || args.names.length > 0)) {
        throw new CliError('error: names cannot be given together with -l or --all', EXIT.usage);
      }
      if (!selecting && refsOf(args).length === 0) {
        throw new CliError(
          'error: resource(s) were provided, but no name was specified; give names, -l SELECTOR or --all',
          EXIT.usage,
        );
      }
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      let refs = refsOf(args);
      if (selecting && args.type === 'kinds') {
        refs = [];
        for (const kind of args.kinds) {
          const list = await client.list(kind, {
            namespace: namespaceFor(kind, namespace),
            labelSelector: opts.selector,
          });
          refs.push(...list.items.map((o) => ({ kind, name: o.metadata.name })));
        }
        if (refs.length === 0) {
          throw new CliError(
            `error: no matching resources found (${noResourcesMessage(args.kinds, namespace)})`,
          );
        }
      }
      let failed = false;
      for (const ref of refs) {
        try {
          const met = await waitForObject(client, ref, namespaceFor(ref.kind, namespace), waitFor, timeoutMs);
          if (met) io.stdout.write(`${resourceName(ref.kind, ref.name)} condition met\n`);
          else {
            io.stderr.write(
              `error: timed out waiting for the condition on ${KIND_INFO[ref.kind].plural}/${ref.name}\n`,
            );
            failed = true;
          }
        } catch (err) {
          if (!(err instanceof CliError)) throw err;
          io.stderr.write(`${err.message}\n`);
          failed = true;
        }
      }
      if (failed) throw new CliError('', EXIT.failed);
    });
}
