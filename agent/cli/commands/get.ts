// `shoal get KIND [NAME…]`: objects from the agent as kubectl prints them: tables per kind (wide, with
// NAMESPACE for -A, LABELS for --show-labels), a `List` in JSON or YAML, or `kind/name` lines; `--watch`
// keeps printing rows as objects change.
import { Command } from 'commander';
import { KIND_INFO, type Kind } from '../../../shared/model/kinds.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import { connectToAgent } from '../agentConnection.ts';
import { type ApiClient, ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { formatList, formatValue, type OutputFormat, parseOutputFormat, resourceName } from '../output.ts';
import { namespaceFor, parseResourceArgs, type ResourceArgs, refsOf } from '../resourceArgs.ts';
import { sortEventsByLastSeen } from '../tables/events.ts';
import { buildTable, renderTable, tableHeaders, tableRow, WatchTablePrinter } from '../tables/index.ts';

interface GetOptions {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  output?: string;
  watch?: boolean;
  showLabels?: boolean;
  headers: boolean;
}

export const DEFAULT_NAMESPACE = 'default';

/** kubectl's message for an empty result. */
export function noResourcesMessage(kinds: readonly Kind[], namespace: string | undefined): string {
  const namespaced = kinds.some((k) => KIND_INFO[k].namespaced);
  return namespaced && namespace !== undefined
    ? `No resources found in ${namespace} namespace.`
    : 'No resources found';
}

interface Fetched {
  kind: Kind;
  objects: KubeObject[];
}

async function fetchObjects(
  client: ApiClient,
  args: ResourceArgs,
  namespace: string | undefined,
  opts: GetOptions,
  io: CliIo,
): Promise<{ fetched: Fetched[]; failed: boolean }> {
  const fetched: Fetched[] = [];
  let failed = false;
  const bucket = (kind: Kind) => {
    let b = fetched.find((f) => f.kind === kind);
    if (!b) {
      b = { kind, objects: [] };
      fetched.push(b);
    }
    return b;
  };
  if (args.type === 'kinds' && args.names.length === 0) {
    for (const kind of args.kinds) {
      const list = await client.list(kind, {
        namespace: namespaceFor(kind, namespace),
        labelSelector: opts.selector,
        fieldSelector: opts.fieldSelector,
      });
      bucket(kind).objects.push(...list.items);
    }
    return { fetched, failed };
  }
  for (const ref of refsOf(args)) {
    try {
      const obj = await client.get(ref.kind, namespaceFor(ref.kind, namespace), ref.name);
      bucket(ref.kind).objects.push(obj);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      io.stderr.write(`${err.message}\n`);
      failed = true;
    }
  }
  return { fetched, failed };
}

/** Where the answering agent serves Services; undefined when it does not say (an older agent, an error). */
async function serviceAddressOf(client: ApiClient): Promise<string | undefined> {
  try {
    return (await client.proxyStatus()).serviceAddress;
  } catch {
    return undefined;
  }
}

function printObjects(
  io: CliIo,
  fetched: Fetched[],
  format: OutputFormat | undefined,
  opts: GetOptions,
  single: boolean,
  serviceAddress: string | undefined,
): void {
  const all = fetched.flatMap((f) => f.objects);
  if (format === 'json' || format === 'yaml') {
    const [only] = all;
    io.stdout.write(single && only ? formatValue(only, format) : formatList(all, format));
    return;
  }
  if (format === 'name') {
    for (const f of fetched)
      for (const o of f.objects) io.stdout.write(`${resourceName(f.kind, o.metadata.name)}\n`);
    return;
  }
  const now = new Date();
  const withKind = fetched.length > 1;
  const tables = fetched
    .filter((f) => f.objects.length > 0)
    .map((f) =>
      renderTable(
        buildTable(f.kind, f.objects, {
          wide: format === 'wide',
          withNamespace: opts.allNamespaces && KIND_INFO[f.kind].namespaced,
          withKind,
          showLabels: opts.showLabels,
          serviceAddress,
          now,
        }),
        { noHeaders: !opts.headers },
      ),
    );
  io.stdout.write(tables.join('\n'));
}

async function watchObjects(
  client: ApiClient,
  io: CliIo,
  args: ResourceArgs,
  namespace: string | undefined,
  format: OutputFormat | undefined,
  opts: GetOptions,
): Promise<void> {
  const refs = args.type === 'refs' ? args.refs : [];
  const kinds = args.type === 'kinds' ? args.kinds : [...new Set(refs.map((r) => r.kind))];
  const names = args.type === 'kinds' ? args.names : refs.map((r) => r.name);
  const kind = kinds[0];
  if (kind === undefined || kinds.length > 1 || names.length > 1) {
    throw new CliError(
      'error: you may only specify a single resource type (and at most one name) with --watch',
      EXIT.usage,
    );
  }
  const fieldSelectors = [opts.fieldSelector, names[0] ? `metadata.name=${names[0]}` : undefined].filter(
    (s) => s,
  );
  const tableOpts = {
    wide: format === 'wide',
    withNamespace: opts.allNamespaces && KIND_INFO[kind].namespaced,
    showLabels: opts.showLabels,
    serviceAddress: kind === 'Service' ? await serviceAddressOf(client) : undefined,
  };
  const printer = new WatchTablePrinter();
  let headerPrinted = false;
  const initial: KubeObject[] = [];
  let listed = false;
  const print = (obj: KubeObject) => {
    if (format === 'json' || format === 'yaml')
      io.stdout.write(format === 'yaml' ? `---\n${formatValue(obj, format)}` : formatValue(obj, format));
    else if (format === 'name') io.stdout.write(`${resourceName(kind, obj.metadata.name)}\n`);
    else {
      const row = tableRow(kind, obj, { ...tableOpts, now: new Date() });
      // The header comes with the first row, also when the watch started with nothing to list.
      io.stdout.write(
        headerPrinted
          ? printer.row(row)
          : printer.start({ headers: tableHeaders(kind, tableOpts), rows: [row] }, !opts.headers),
      );
      headerPrinted = true;
    }
  };
  const handle = client.watch(
    {
      kind,
      namespace: namespaceFor(kind, namespace),
      labelSelector: opts.selector,
      fieldSelector: fieldSelectors.join(',') || undefined,
      bookmarks: true,
    },
    (message) => {
      if (message.type === 'BOOKMARK') {
        if (listed) return;
        listed = true;
        if (initial.length === 0) io.stderr.write(`${noResourcesMessage([kind], namespace)}\n`);
        else if (format === undefined || format === 'wide') {
          const rows = kind === 'Event' ? sortEventsByLastSeen(initial) : initial;
          const table = buildTable(kind, rows, { ...tableOpts, now: new Date() });
          io.stdout.write(printer.start(table, !opts.headers));
          headerPrinted = true;
        } else for (const obj of initial) print(obj);
        return;
      }
      if (message.type === 'ERROR') return;
      // An event that expired (or was dropped to keep the log bounded) did not happen again: no row.
      if (kind === 'Event' && message.type === 'DELETED') return;
      if (!listed) initial.push(message.object);
      else print(message.object);
    },
  );
  const stop = () => handle.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await handle.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function getCommand(io: CliIo): Command {
  return new Command('get')
    .description('Display one or many resources')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[resources...]', 'KIND [NAME…], KIND,KIND…, or KIND/NAME…')
    .option('-n, --namespace <ns>', 'the namespace to read (default: "default")')
    .option('-A, --all-namespaces', 'list the requested objects across all namespaces')
    .option('-l, --selector <selector>', "label selector, e.g. 'app=web,tier!=db' or 'env in (prod,qa)'")
    .option('--field-selector <selector>', "field selector, e.g. 'status.phase=Running,spec.nodeName=n1'")
    .option('-o, --output <format>', 'output format: wide, json, yaml or name')
    .option('-w, --watch', 'after listing, keep watching for changes')
    .option('--show-labels', 'add a LABELS column')
    .option('--no-headers', 'print tables without their header line')
    .addHelpText(
      'after',
      `
Kinds accept kubectl's plural, singular and short names: pods/pod/po, deployments/deploy, replicasets/rs,
daemonsets/ds, jobs, services/svc, endpoints/ep, configmaps/cm, secrets, namespaces/ns, nodes/no, events/ev.

Examples:
  shoal get nodes                       the machines of the cluster
  shoal get pods -A -o wide             every pod, with its IP and node
  shoal get deploy,svc -l app=web       deployments and services labelled app=web
  shoal get pod web -o yaml             one pod as YAML
  shoal get pods -w                     list pods, then print each change
  shoal get events -A --watch           what happens on every node, as it happens

Exit status: 0 on success (also when nothing is found), 1 when a named object does not exist or the agent
cannot be reached, 2 on usage errors.`,
    )
    .action(async (resources: string[], opts: GetOptions, cmd: Command) => {
      const format = parseOutputFormat(opts.output, ['wide', 'json', 'yaml', 'name']);
      const args = parseResourceArgs(resources);
      const named = args.type === 'refs' || args.names.length > 0;
      if (opts.allNamespaces && named) {
        throw new CliError('error: a resource cannot be retrieved by name across all namespaces', EXIT.usage);
      }
      const namespace = opts.allNamespaces ? undefined : (opts.namespace ?? DEFAULT_NAMESPACE);
      const client = await connectToAgent(dataDirOption(cmd));
      if (opts.watch) return watchObjects(client, io, args, namespace, format, opts);
      const { fetched, failed } = await fetchObjects(client, args, namespace, opts, io);
      // kubectl users read events as a log: oldest first, the latest at the bottom.
      for (const f of fetched) if (f.kind === 'Event') f.objects = sortEventsByLastSeen(f.objects);
      const single =
        args.type === 'refs' ? args.refs.length === 1 : args.kinds.length === 1 && args.names.length === 1;
      const total = fetched.reduce((n, f) => n + f.objects.length, 0);
      if (total === 0 && !failed && format !== 'json' && format !== 'yaml') {
        const kinds = args.type === 'kinds' ? args.kinds : args.refs.map((r) => r.kind);
        io.stderr.write(`${noResourcesMessage(kinds, namespace)}\n`);
        return;
      }
      if (total > 0 || ((format === 'json' || format === 'yaml') && !failed)) {
        const tables = format === undefined || format === 'wide';
        const hasServices = fetched.some((f) => f.kind === 'Service' && f.objects.length > 0);
        printObjects(
          io,
          fetched,
          format,
          opts,
          single,
          tables && hasServices ? await serviceAddressOf(client) : undefined,
        );
      }
      if (failed) throw new CliError('', EXIT.failed); // the errors are printed already
    });
}
