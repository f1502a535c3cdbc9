// `shoal cordon NODE…` / `shoal uncordon NODE…` (or `-l SELECTOR`): spec.unschedulable, which keeps the
// scheduler from placing new pods on the node; pods already there keep running (see `shoal drain`).
import { Command } from 'commander';
import type { Node } from '../../../shared/model/types.ts';
import { connectToAgent } from '../agentConnection.ts';
import type { ApiClient } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { resourceName } from '../output.ts';
import { updateObject } from '../updateObject.ts';

/** Sets the node's spec.unschedulable; false when it was so already. */
export async function setUnschedulable(
  client: ApiClient,
  name: string,
  unschedulable: boolean,
): Promise<boolean> {
  const { changed } = await updateObject<Node>(client, 'Node', undefined, name, (node) => {
    if ((node.spec?.unschedulable ?? false) === unschedulable) return false;
    const spec = { ...node.spec };
    if (unschedulable) spec.unschedulable = true;
    else delete spec.unschedulable;
    node.spec = spec;
    return true;
  });
  return changed;
}

/** `node/a cordoned`, `node/a already cordoned`, `node/a uncordoned`… */
export function cordonLine(name: string, unschedulable: boolean, changed: boolean): string {
  return `${resourceName('Node', name)} ${changed ? '' : 'already '}${unschedulable ? 'cordoned' : 'uncordoned'}\n`;
}

/** The node names of the arguments, or of the nodes matching -l. */
export async function nodeNames(client: ApiClient, names: readonly string[], selector: string | undefined) {
  if (selector === undefined) return names.map((n) => n.replace(/^(nodes?|no)\//, ''));
  const list = await client.list('Node', { labelSelector: selector });
  return list.items.map((n) => n.metadata.name);
}

export function checkNodeArgs(names: readonly string[], selector: string | undefined): void {
  if (names.length === 0 && selector === undefined) {
    throw new CliError('error: give the name of a node (or -l SELECTOR)', EXIT.usage);
  }
  if (names.length > 0 && selector !== undefined) {
    throw new CliError('error: give either node names or -l, not both', EXIT.usage);
  }
}

function cordonVerb(io: CliIo, unschedulable: boolean): Command {
  const verb = unschedulable ? 'cordon' : 'uncordon';
  return new Command(verb)
    .description(
      unschedulable
        ? 'Mark a node unschedulable: no new pods are placed on it'
        : 'Mark a node schedulable again',
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[nodes...]', 'node names')
    .option('-l, --selector <selector>', `${verb} every node matching this label selector`)
    .addHelpText(
      'after',
      `
Examples:
  shoal ${verb} node-a
  shoal ${verb} -l zone=east

Exit status: 0 on success, 1 when a node does not exist, 2 on usage errors.`,
    )
    .action(async (names: string[], opts: { selector?: string }, cmd: Command) => {
      checkNodeArgs(names, opts.selector);
      const client = await connectToAgent(dataDirOption(cmd));
      for (const name of await nodeNames(client, names, opts.selector)) {
        const changed = await setUnschedulable(client, name, unschedulable);
        io.stdout.write(cordonLine(name, unschedulable, changed));
      }
    });
}

export function cordonCommand(io: CliIo): Command {
  return cordonVerb(io, true);
}

export function uncordonCommand(io: CliIo): Command {
  return cordonVerb(io, false);
}
