// `shoal describe KIND NAME`: one object in kubectl's describe layout, with what kubectl shows alongside it
// (events about it, a Service's endpoints, a Deployment's replica sets, the pods on a Node).
import { Command } from 'commander';
import { KIND_INFO } from '../../../shared/model/kinds.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import { connectToAgent } from '../agentConnection.ts';
import { type ApiClient, ApiError } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { type DescribeContext, describeObject } from '../describe/index.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { namespaceFor, parseResourceArgs, refsOf } from '../resourceArgs.ts';
import { DEFAULT_NAMESPACE, noResourcesMessage } from './get.ts';

interface DescribeOptions {
  namespace?: string;
  selector?: string;
}

/** Related objects are a bonus: a failure to fetch them leaves their section out rather than failing. */
async function optional<T>(fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}

export async function describeContext(client: ApiClient, obj: KubeObject): Promise<DescribeContext> {
  const { name, namespace } = obj.metadata;
  const ns = KIND_INFO[obj.kind].namespaced ? namespace : undefined;
  const ctx: DescribeContext = { now: new Date() };
  if (obj.kind !== 'Event') {
    const events = await optional(() =>
      client.list('Event', {
        namespace: ns,
        fieldSelector: `involvedObject.kind=${obj.kind},involvedObject.name=${name}`,
      }),
    );
    ctx.events = events?.items ?? [];
  }
  if (obj.kind === 'Service') {
    ctx.endpoints = await optional(() => client.get('Endpoints', namespace, name));
    ctx.proxy = await optional(() => client.proxyStatus());
  }
  if (obj.kind === 'Deployment')
    ctx.replicaSets = (await optional(() => client.list('ReplicaSet', { namespace })))?.items;
  if (obj.kind === 'Node') {
    ctx.pods = (await optional(() => client.list('Pod', { fieldSelector: `spec.nodeName=${name}` })))?.items;
  }
  ctx.now = new Date();
  return ctx;
}

export function describeCommand(io: CliIo): Command {
  return new Command('describe')
    .description('Show details of objects, with related events, in kubectl describe layout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[resources...]', 'KIND [NAME…] or KIND/NAME…')
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .option('-l, --selector <selector>', 'describe the objects of KIND matching this label selector')
    .addHelpText(
      'after',
      `
Examples:
  shoal describe pod web               a pod: node, IP, containers and their states, conditions, events
  shoal describe deploy/web            a deployment: replicas, strategy, pod template, replica sets
  shoal describe nodes                 every node: conditions, addresses, capacity, pods

Exit status: 0 on success, 1 when an object does not exist or the agent cannot be reached, 2 on usage errors.`,
    )
    .action(async (resources: string[], opts: DescribeOptions, cmd: Command) => {
      const args = parseResourceArgs(resources);
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      const objects: KubeObject[] = [];
      let failed = false;
      if (args.type === 'kinds' && args.names.length === 0) {
        for (const kind of args.kinds) {
          const list = await client.list(kind, {
            namespace: namespaceFor(kind, namespace),
            labelSelector: opts.selector,
          });
          objects.push(...list.items);
        }
        if (objects.length === 0) {
          io.stderr.write(`${noResourcesMessage(args.kinds, namespace)}\n`);
          return;
        }
      } else {
        if (opts.selector !== undefined)
          throw new CliError('error: names cannot be given together with -l', EXIT.usage);
        for (const ref of refsOf(args)) {
          try {
            objects.push(await client.get(ref.kind, namespaceFor(ref.kind, namespace), ref.name));
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            io.stderr.write(`${err.message}\n`);
            failed = true;
          }
        }
      }
      const texts: string[] = [];
      for (const obj of objects) texts.push(describeObject(obj, await describeContext(client, obj)));
      if (texts.length > 0) io.stdout.write(texts.join('\n\n'));
      if (failed) throw new CliError('', EXIT.failed);
    });
}
