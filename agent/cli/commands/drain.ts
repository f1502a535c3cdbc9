// `shoal drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--grace-period N] [--timeout D]`:
// cordons the node, then evicts its pods gracefully (their controllers recreate them elsewhere) and waits
// until they are gone, printing each as kubectl does. The choice of pods is ../drain/drainFilters.ts.
import { Command } from 'commander';
import type { Pod } from '../../../shared/model/types.ts';
import { connectToAgent } from '../agentConnection.ts';
import { type ApiClient, ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { type DrainFlags, planDrain } from '../drain/drainFilters.ts';
import { parseDuration } from '../duration.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import { formatGoDuration } from '../formatDuration.ts';
import type { CliIo } from '../io.ts';
import { resourceName } from '../output.ts';
import { watchUntil } from '../watchUntil.ts';
import { checkNodeArgs, cordonLine, nodeNames, setUnschedulable } from './cordon.ts';

interface DrainOptions {
  selector?: string;
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  force?: boolean;
  gracePeriod: string;
  timeout?: string;
}

/** kubectl's utilerrors aggregate: one message as it is, several in brackets. */
function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? (messages[0] as string) : `[${messages.join(', ')}]`;
}

function parseGracePeriod(text: string): number | undefined {
  if (text === '-1') return undefined;
  if (!/^[0-9]{1,9}$/.test(text)) {
    throw new CliError(
      `error: invalid argument "${text}" for "--grace-period": whole seconds, or -1 for each pod's own`,
      EXIT.usage,
    );
  }
  return Number(text);
}

const podKey = (pod: Pod) => `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;

/**
 * Deletes the pods (gracefully unless a grace period says otherwise) and waits until each is gone, printing
 * `pod/x evicted` as it goes; returns the messages for the pods still there at the deadline.
 */
async function evictAndWait(
  io: CliIo,
  client: ApiClient,
  node: string,
  pods: readonly Pod[],
  gracePeriodSeconds: number | undefined,
  timeoutMs: number | undefined,
): Promise<string[]> {
  const pending = new Map<string, Pod>(pods.map((p) => [p.metadata.uid ?? podKey(p), p]));
  const gone = (uid: string) => {
    const pod = pending.get(uid);
    if (!pod) return;
    pending.delete(uid);
    io.stdout.write(`${resourceName('Pod', pod.metadata.name)} evicted\n`);
  };
  const started = Date.now();
  for (const pod of pods) {
    io.stderr.write(`evicting pod ${podKey(pod)}\n`);
    try {
      await client.delete('Pod', pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds });
    } catch (err) {
      // Gone already: that is what we wanted. The watch reports it.
      if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
    }
  }
  // The watch lists the node's pods first: a pending pod missing from that list is gone already.
  const present = new Set<string>();
  let listed = false;
  const remaining = timeoutMs === undefined ? undefined : Math.max(1, timeoutMs - (Date.now() - started));
  const outcome = await watchUntil(
    client,
    { kind: 'Pod', fieldSelector: `spec.nodeName=${node}` },
    (m) => {
      if (m.type === 'ERROR') return undefined;
      if (m.type === 'BOOKMARK') {
        listed = true;
        for (const uid of [...pending.keys()]) if (!present.has(uid)) gone(uid);
      } else if (m.type === 'DELETED') gone(m.object.metadata.uid ?? podKey(m.object as Pod));
      else if (!listed) present.add(m.object.metadata.uid ?? podKey(m.object as Pod));
      return listed && pending.size === 0 ? true : undefined;
    },
    remaining,
  );
  if (outcome.met) return [];
  return [...pending.values()].map(
    (p) =>
      `error when waiting for pod "${p.metadata.name}" in namespace "${p.metadata.namespace ?? 'default'}" ` +
      `to terminate: global timeout reached: ${formatGoDuration(timeoutMs ?? 0)}`,
  );
}

async function drainNode(io: CliIo, client: ApiClient, node: string, opts: DrainOptions): Promise<string[]> {
  const changed = await setUnschedulable(client, node, true);
  io.stdout.write(cordonLine(node, true, changed));
  const flags: DrainFlags = {
    ignoreDaemonSets: opts.ignoreDaemonsets === true,
    deleteEmptyDirData: opts.deleteEmptydirData === true,
    force: opts.force === true,
  };
  const list = await client.list('Pod', { fieldSelector: `spec.nodeName=${node}` });
  const plan = planDrain(list.items as Pod[], flags);
  if (plan.errors.length > 0) return plan.errors;
  for (const warning of plan.warnings) io.stderr.write(`Warning: ${warning}\n`);
  const timeoutMs = opts.timeout === undefined ? 0 : parseDuration(opts.timeout);
  if (plan.evict.length > 0) {
    const errors = await evictAndWait(
      io,
      client,
      node,
      plan.evict,
      parseGracePeriod(opts.gracePeriod),
      timeoutMs > 0 ? timeoutMs : undefined,
    );
    if (errors.length > 0) return errors;
  }
  io.stdout.write(`${resourceName('Node', node)} drained\n`);
  return [];
}

export function drainCommand(io: CliIo): Command {
  return new Command('drain')
    .description('Cordon a node and evict its pods, so that their controllers run them elsewhere')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[nodes...]', 'node names')
    .option('-l, --selector <selector>', 'drain every node matching this label selector')
    .option('--ignore-daemonsets', 'leave DaemonSet-managed pods where they are (else they stop the drain)')
    .option('--delete-emptydir-data', 'evict pods with emptyDir volumes too (their data is lost)')
    .option('--force', 'evict pods no controller manages too (they are not recreated)')
    .option(
      '--grace-period <seconds>',
      "seconds each pod gets to stop; -1 (default): the pod's own terminationGracePeriodSeconds",
      '-1',
    )
    .option('--timeout <duration>', 'give up waiting after this long (e.g. 2m); default: as long as it takes')
    .addHelpText(
      'after',
      `
Examples:
  shoal drain node-a --ignore-daemonsets              evict every pod but the daemon sets' ones
  shoal drain node-a --ignore-daemonsets --timeout 2m
  shoal drain node-a --force --delete-emptydir-data   evict bare pods and pods with emptyDir volumes too
  shoal uncordon node-a                               let pods be scheduled on it again afterwards

Exit status: 0 when the node was drained, 1 when a pod may not be evicted without a flag, a pod was still
there at --timeout or the node does not exist, 2 on usage errors.`,
    )
    .action(async (names: string[], opts: DrainOptions, cmd: Command) => {
      checkNodeArgs(names, opts.selector);
      parseGracePeriod(opts.gracePeriod);
      if (opts.timeout !== undefined) parseDuration(opts.timeout);
      const client = await connectToAgent(dataDirOption(cmd));
      const failed: { node: string; errors: string[] }[] = [];
      for (const node of await nodeNames(client, names, opts.selector)) {
        const errors = await drainNode(io, client, node, opts);
        if (errors.length === 0) continue;
        io.stderr.write(
          `error: unable to drain node "${node}" due to error: ${aggregate(errors)}, continuing command...\n`,
        );
        failed.push({ node, errors });
      }
      if (failed.length === 0) return;
      io.stderr.write(
        `There are pending nodes to be drained:\n${failed.map((f) => ` ${f.node}\n`).join('')}`,
      );
      throw new CliError(`error: ${aggregate(failed.flatMap((f) => f.errors))}`);
    });
}
