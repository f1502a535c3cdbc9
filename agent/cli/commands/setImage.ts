// `shoal set image deploy/NAME CONTAINER=IMAGE…` (also rs, ds, job, pod; `*=IMAGE` for every container):
// changes the images of a pod template, which for a deployment starts a rollout.
import { Command } from 'commander';
import type { Kind } from '../../../shared/model/kinds.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Container, PodSpec } from '../../../shared/model/types.ts';
import { connectToAgent } from '../agentConnection.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { subcommand } from '../nestedCommand.ts';
import { resourceName } from '../output.ts';
import { namespaceFor } from '../resourceArgs.ts';
import { groupKind, parseTargets } from '../targets.ts';
import { updateObject } from '../updateObject.ts';
import { DEFAULT_NAMESPACE } from './get.ts';

const WITH_IMAGES: readonly Kind[] = ['Deployment', 'ReplicaSet', 'DaemonSet', 'Job', 'Pod'];

export interface ImageUpdate {
  /** A container name, or `*` for every container. */
  container: string;
  image: string;
}

/** Splits `shoal set image` arguments into the resources and the CONTAINER=IMAGE pairs after them. */
export function splitImageArgs(args: readonly string[]): { resources: string[]; updates: ImageUpdate[] } {
  const first = args.findIndex((a) => a.includes('='));
  const resources = first === -1 ? [...args] : args.slice(0, first);
  const pairs = first === -1 ? [] : args.slice(first);
  const updates = pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const container = pair.slice(0, eq);
    const image = pair.slice(eq + 1);
    if (eq <= 0 || image === '' || /\s/.test(image)) {
      throw new CliError(
        `error: invalid image update "${pair}": give it as CONTAINER=IMAGE, e.g. web=nginx:1.27`,
        EXIT.usage,
      );
    }
    return { container, image };
  });
  if (updates.length === 0) throw new CliError('error: at least one image update is required', EXIT.usage);
  return { resources, updates };
}

/** Applies the updates to a pod spec; returns whether an image changed. Names a container that is not there. */
export function setImages(spec: PodSpec, updates: readonly ImageUpdate[]): boolean {
  const containers: Container[] = [...(spec.initContainers ?? []), ...spec.containers];
  let changed = false;
  for (const u of updates) {
    const matching = u.container === '*' ? containers : containers.filter((c) => c.name === u.container);
    if (matching.length === 0) throw new CliError(`error: unable to find container named "${u.container}"`);
    for (const c of matching) {
      if (c.image !== u.image) changed = true;
      c.image = u.image;
    }
  }
  return changed;
}

function podSpecOf(obj: KubeObject): PodSpec {
  const spec = obj.spec as { template?: { spec: PodSpec } } & PodSpec;
  return obj.kind === 'Pod' ? spec : (spec.template as { spec: PodSpec }).spec;
}

export function setCommand(io: CliIo): Command {
  const image = new Command('image')
    .description('Update the image of containers of a pod template (or pod)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('<args...>', 'KIND/NAME… (or KIND NAME…) then CONTAINER=IMAGE…')
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .addHelpText(
      'after',
      `
Examples:
  shoal set image deploy/web web=nginx:1.27            a new image for container "web": starts a rollout
  shoal set image deploy/web web=nginx:1.27 log=busybox:1.36
  shoal set image ds/agent '*=agent:2'                 every container of the daemon set's pods

Kinds: deployments, replicasets, daemonsets, jobs, pods.

Exit status: 0 on success, 1 when an object or a container was not found, 2 on usage errors.`,
    )
    .action(async (args: string[], opts: { namespace?: string }, cmd: Command) => {
      const { resources, updates } = splitImageArgs(args);
      const targets = parseTargets(
        resources,
        WITH_IMAGES,
        (kind) => `error: ${groupKind(kind)} has no pod template: set image takes ${WITH_IMAGES.join(', ')}`,
      );
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      for (const t of targets) {
        const { changed } = await updateObject(
          client,
          t.kind,
          namespaceFor(t.kind, namespace),
          t.name,
          (obj) => setImages(podSpecOf(obj), updates),
        );
        // kubectl prints nothing for an object whose images were already these.
        if (changed) io.stdout.write(`${resourceName(t.kind, t.name)} image updated\n`);
      }
    });
  return new Command('set')
    .description('Set specific features on objects (image)')
    .addCommand(subcommand(image, io));
}
