// `shoal exec POD [-c C] [-i] [-t] -- CMD ARGS…`: runs a command in a pod's container, wherever the pod
// runs, over Kubernetes' exec WebSocket (channel framing). The remote exit code is this command's.
import { Command } from 'commander';
import type WebSocket from 'ws';
import { CHANNEL, EXEC_PROTOCOLS } from '../../api/podStreamsApi.ts';
import { connectToAgent } from '../agentConnection.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { chooseContainer } from '../podContainer.ts';
import { openPodSocket, podStreamUrl } from '../podStreamClient.ts';
import { type RawTerminal, rawTerminal } from '../terminal.ts';
import { DEFAULT_NAMESPACE } from './get.ts';

interface ExecOptions {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  namespace?: string;
}

/** What channel 3 said: the exit code, or the error to print. */
export function parseExitStatus(text: string): { code: number; message?: string } {
  let status: { status?: unknown; reason?: unknown; message?: unknown; details?: { causes?: unknown } };
  try {
    status = JSON.parse(text);
  } catch {
    return { code: EXIT.failed, message: 'error: the agent sent a malformed exit status' };
  }
  if (status.status === 'Success') return { code: 0 };
  if (status.reason === 'NonZeroExitCode' && Array.isArray(status.details?.causes)) {
    for (const cause of status.details.causes as { reason?: unknown; message?: unknown }[]) {
      const code = Number(cause.message);
      if (cause.reason === 'ExitCode' && Number.isInteger(code) && code >= 0 && code <= 255) return { code };
    }
  }
  return {
    code: EXIT.failed,
    message: `error: ${typeof status.message === 'string' ? status.message : 'exec failed'}`,
  };
}

function frame(channel: number, data: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}

/** Runs the session to its end; resolves with the exit code. */
function runSession(
  ws: WebSocket,
  io: CliIo,
  opts: { stdin: boolean; terminal?: RawTerminal },
): Promise<number> {
  return new Promise((resolve, reject) => {
    let result: { code: number; message?: string } | undefined;
    const write = (out: NodeJS.WritableStream, data: Buffer) => {
      if (!out.write(data)) {
        ws.pause();
        out.once('drain', () => ws.resume());
      }
    };
    ws.on('message', (raw: Buffer) => {
      const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
      const channel = data[0];
      const payload = data.subarray(1);
      if (channel === CHANNEL.stdout) write(io.stdout, payload);
      else if (channel === CHANNEL.stderr) write(io.stderr, payload);
      else if (channel === CHANNEL.error) result = parseExitStatus(payload.toString('utf8'));
    });
    ws.on('close', (code, reason) => {
      if (result) {
        if (result.message) io.stderr.write(`${result.message}\n`);
        resolve(result.code);
      } else
        reject(
          new CliError(
            `error: the exec session ended without an exit status (${code}${reason.length ? `: ${reason}` : ''})`,
            EXIT.failed,
          ),
        );
    });
    ws.on('error', (err) =>
      reject(new CliError(`error: the exec session failed: ${err.message}`, EXIT.failed)),
    );

    if (opts.terminal) {
      const send = (size: { cols: number; rows: number }) =>
        ws.send(frame(CHANNEL.resize, JSON.stringify({ Width: size.cols, Height: size.rows })));
      const size = opts.terminal.size();
      if (size) send(size);
      opts.terminal.onResize(send);
    }
    if (opts.stdin) {
      io.stdin.on('data', (chunk: Buffer | string) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(frame(CHANNEL.stdin, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
        if (ws.bufferedAmount > 1024 * 1024) {
          io.stdin.pause();
          const wait = setInterval(() => {
            if (ws.bufferedAmount < 256 * 1024 || ws.readyState !== ws.OPEN) {
              clearInterval(wait);
              io.stdin.resume();
            }
          }, 10);
        }
      });
      io.stdin.on('end', () => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.from([CHANNEL.close, CHANNEL.stdin]));
      });
      io.stdin.resume();
    }
  });
}

export function execCommand(io: CliIo): Command {
  return new Command('exec')
    .description("Run a command in a pod's container, wherever the pod runs")
    .argument('<pod>', 'the pod (POD or pod/POD)')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('-c, --container <name>', 'the container (default: the only one, else the first)')
    .option('-i, --stdin', "pass this command's standard input to the container")
    .option('-t, --tty', 'allocate a terminal (raw mode when standard input is one)')
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .addHelpText(
      'after',
      `
Examples:
  shoal exec web -- ls /                  run a command, print its output
  shoal exec -it web -- sh                an interactive shell
  echo hi | shoal exec -i web -- cat      feed standard input
  shoal exec web -c sidecar -- env        a container of a multi-container pod

Exit status: the command's own exit code; 1 when the pod, the container or its machine cannot be reached,
2 on usage errors.`,
    )
    .action(async (podArg: string, command: string[], opts: ExecOptions, cmd: Command) => {
      const pod = podArg.replace(/^(pods?|po)\//, '');
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      const container = await chooseContainer(client, namespace, pod, opts.container, io);
      const url = podStreamUrl(client.url, namespace, pod, 'exec', {
        container,
        command,
        stdin: opts.stdin === true,
        stdout: true,
        stderr: opts.tty !== true,
        tty: opts.tty === true,
      });
      const ws = await openPodSocket(client, url, [...EXEC_PROTOCOLS]);
      // Raw mode only for an interactive terminal on both ends, and always restored.
      const terminal = opts.tty ? rawTerminal(io, opts.stdin === true) : undefined;
      let code: number;
      try {
        code = await runSession(ws, io, { stdin: opts.stdin === true, terminal });
      } finally {
        terminal?.restore();
        if (opts.stdin) io.stdin.pause();
      }
      if (code !== 0) throw new CliError('', code);
    });
}
