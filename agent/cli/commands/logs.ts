// `shoal logs POD [-c C] [-f] [--tail N] [--since D] [--previous] [--timestamps]`: a container's log,
// from whichever machine runs the pod (the local agent forwards over the swarm when it is not here).
import { Command } from 'commander';
import { connectToAgent } from '../agentConnection.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { parseDurationSeconds } from '../duration.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { chooseContainer } from '../podContainer.ts';
import { podStreamUrl, streamLog } from '../podStreamClient.ts';
import { DEFAULT_NAMESPACE } from './get.ts';

interface LogsOptions {
  container?: string;
  follow?: boolean;
  tail?: string;
  since?: string;
  previous?: boolean;
  timestamps?: boolean;
  namespace?: string;
}

function parseTail(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < -1)
    throw new CliError(
      `error: invalid argument "${text}" for "--tail": a number of lines, or -1 for all`,
      EXIT.usage,
    );
  const n = Number(text);
  return n === -1 ? undefined : n;
}

export function logsCommand(io: CliIo): Command {
  return new Command('logs')
    .description("Print the logs of a pod's container, wherever the pod runs")
    .argument('<pod>', 'the pod (POD or pod/POD)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('-c, --container <name>', 'the container (default: the only one, else the first)')
    .option('-f, --follow', 'keep streaming new lines until the container stops (Ctrl-C to leave)')
    .option('--tail <lines>', 'only the last N lines (-1: all)')
    .option('--since <duration>', 'only lines newer than this, e.g. 10s, 5m, 1h')
    .option('-p, --previous', "the previous run's log, after the container restarted")
    .option('--timestamps', 'prefix each line with its RFC 3339 timestamp')
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .addHelpText(
      'after',
      `
Examples:
  shoal logs web                        the log of the pod's only container
  shoal logs web -c sidecar -f          follow one container of a multi-container pod
  shoal logs web --tail 20 --since 5m   the last 20 lines of the past five minutes
  shoal logs web --previous             the run before the last restart

Exit status: 0 at the end of the log, 1 when the pod, the container or its machine cannot be reached,
2 on usage errors.`,
    )
    .action(async (podArg: string, opts: LogsOptions, cmd: Command) => {
      const pod = podArg.replace(/^(pods?|po)\//, '');
      const tailLines = parseTail(opts.tail);
      const sinceSeconds = opts.since === undefined ? undefined : parseDurationSeconds(opts.since, '--since');
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      const container = await chooseContainer(client, namespace, pod, opts.container, io);
      const url = podStreamUrl(client.url, namespace, pod, 'log', {
        container,
        follow: opts.follow === true,
        tailLines,
        sinceSeconds,
        previous: opts.previous === true,
        timestamps: opts.timestamps === true,
      });
      await streamLog(client, url, io.stdout);
    });
}
