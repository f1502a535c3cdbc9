// `shoal scale deploy/NAME --replicas N` (also replica sets, and `KIND NAME…`): sets spec.replicas, with
// kubectl's optional `--current-replicas` precondition; prints `deployment.apps/web scaled`.
import { Command } from 'commander';
import type { Kind } from '../../../shared/model/kinds.ts';
import type { Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import { connectToAgent } from '../agentConnection.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { resourceName } from '../output.ts';
import { namespaceFor } from '../resourceArgs.ts';
import { groupKind, parseTargets } from '../targets.ts';
import { updateObject } from '../updateObject.ts';
import { DEFAULT_NAMESPACE } from './get.ts';

interface ScaleOptions {
  replicas?: string;
  currentReplicas?: string;
  namespace?: string;
}

const SCALABLE: readonly Kind[] = ['Deployment', 'ReplicaSet'];

/** A whole number ≥ 0 (≥ -1 where -1 means "not given", as kubectl's --current-replicas). */
function parseCount(text: string | undefined, flag: string, message: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,8}|-1)$/.test(text)) throw new CliError(message, EXIT.usage);
  const n = Number(text);
  if (n < 0 && flag === '--replicas') throw new CliError(message, EXIT.usage);
  return n < 0 ? undefined : n;
}

export function scaleCommand(io: CliIo): Command {
  return new Command('scale')
    .description('Set a new size for a deployment or replica set')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .argument('[resources...]', 'KIND/NAME… or KIND NAME…')
    .option('--replicas <count>', 'the new number of replicas (required)')
    .option(
      '--current-replicas <count>',
      'precondition: scale only if the current size is this (default -1: no precondition)',
    )
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .addHelpText(
      'after',
      `
Examples:
  shoal scale deploy/web --replicas 3                        three replicas of the deployment "web"
  shoal scale --current-replicas 2 --replicas 3 deploy/web   only if it has two now
  shoal scale rs web-5d4f8 --replicas 0                      a replica set (its deployment may undo this)

Exit status: 0 when every object was scaled, 1 when one was not found or its size differs from
--current-replicas, 2 on usage errors.`,
    )
    .action(async (resources: string[], opts: ScaleOptions, cmd: Command) => {
      const replicas = parseCount(
        opts.replicas,
        '--replicas',
        'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0',
      );
      if (replicas === undefined) {
        throw new CliError(
          'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0',
          EXIT.usage,
        );
      }
      const current = parseCount(
        opts.currentReplicas,
        '--current-replicas',
        `error: invalid argument "${opts.currentReplicas}" for "--current-replicas": a whole number, or -1`,
      );
      const targets = parseTargets(
        resources,
        SCALABLE,
        (kind) =>
          `error: no scaler has been implemented for ${groupKind(kind)}: scale deployments or replicasets`,
      );
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      for (const t of targets) {
        await updateObject<Deployment | ReplicaSet>(
          client,
          t.kind,
          namespaceFor(t.kind, namespace),
          t.name,
          (obj) => {
            // Defaults made spec.replicas explicit on admission; 1 is Kubernetes' default all the same.
            const now = obj.spec.replicas ?? 1;
            if (current !== undefined && current !== now) {
              throw new CliError(`error: Expected replicas to be ${current}, was ${now}`);
            }
            obj.spec.replicas = replicas;
            return now !== replicas;
          },
        );
        io.stdout.write(`${resourceName(t.kind, t.name)} scaled\n`);
      }
    });
}
