// `shoal port-forward POD [LOCAL:]REMOTE… [--address A]`: listens on this machine and carries every
// connection to the pod's port, wherever the pod runs (one WebSocket per connection to the local agent,
// which dials the pod, or asks the pod's agent to). Runs until Ctrl-C.
import net from 'node:net';
import { Command } from 'commander';
import type WebSocket from 'ws';
import { connectToAgent } from '../agentConnection.ts';
import type { ApiClient } from '../apiClient.ts';
import { DATA_DIR_HELP, dataDirOption } from '../dataDir.ts';
import { CliError, EXIT } from '../exitCodes.ts';
import type { CliIo } from '../io.ts';
import { openPodSocket, podStreamUrl } from '../podStreamClient.ts';
import { DEFAULT_NAMESPACE } from './get.ts';

interface PortForwardOptions {
  namespace?: string;
  address?: string;
}

export interface PortPair {
  /** 0: any free port. */
  local: number;
  remote: number;
}

function port(text: string, what: string, allowZero: boolean): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= (allowZero ? 0 : 1) && n <= 65535))
    throw new CliError(
      `error: invalid ${what} port "${text}": a number from ${allowZero ? 0 : 1} to 65535`,
      EXIT.usage,
    );
  return n;
}

/** `8080` (same port both sides), `8080:80`, `:80` or `0:80` (a free local port). */
export function parsePortPair(text: string): PortPair {
  const parts = text.split(':');
  if (parts.length === 1) {
    const p = port(parts[0] as string, 'port', false);
    return { local: p, remote: p };
  }
  if (parts.length !== 2)
    throw new CliError(`error: invalid port "${text}": expected [LOCAL:]REMOTE`, EXIT.usage);
  const [local, remote] = parts as [string, string];
  return { local: local === '' ? 0 : port(local, 'local', true), remote: port(remote, 'remote', false) };
}

/** Carries one local connection through a WebSocket to the pod's port. */
function pipe(socket: net.Socket, ws: WebSocket, io: CliIo): void {
  socket.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk);
    if (ws.bufferedAmount > 1024 * 1024) {
      socket.pause();
      const wait = setInterval(() => {
        if (ws.bufferedAmount < 256 * 1024 || ws.readyState !== ws.OPEN) {
          clearInterval(wait);
          socket.resume();
        }
      }, 10);
    }
  });
  // An empty message is the end of that direction (TCP half-close), both ways.
  socket.on('end', () => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.alloc(0));
  });
  socket.on('close', () => ws.close());
  socket.on('error', () => ws.close());
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) {
      socket.end();
      return;
    }
    if (!socket.write(data)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  ws.on('close', (code, reason) => {
    if (code === 1011) io.stderr.write(`error: ${reason.toString() || 'the connection to the pod failed'}\n`);
    if (code === 1000) socket.end();
    else socket.destroy();
  });
  ws.on('error', () => socket.destroy());
}

async function listen(
  host: string,
  localPort: number,
  onConnection: (s: net.Socket) => void,
): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(localPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export interface PortForwardRun {
  client: ApiClient;
  namespace: string;
  pod: string;
  pairs: PortPair[];
  addresses: string[];
  io: CliIo;
  /** Ends the forwarding (Ctrl-C in the command). */
  signal: AbortSignal;
}

/** Listens and forwards until `signal` aborts; prints one "Forwarding from" line per listener. */
export async function runPortForward(run: PortForwardRun): Promise<void> {
  const servers: net.Server[] = [];
  const open = new Set<net.Socket>();
  try {
    for (const pair of run.pairs) {
      let chosen = pair.local;
      for (const address of run.addresses) {
        const server = await listen(address, chosen, (socket) => {
          socket.on('error', () => {});
          open.add(socket);
          socket.on('close', () => open.delete(socket));
          run.io.stdout.write(`Handling connection for ${chosen}\n`);
          const url = podStreamUrl(run.client.url, run.namespace, run.pod, 'portforward', {
            port: pair.remote,
          });
          openPodSocket(run.client, url).then(
            (ws) => pipe(socket, ws, run.io),
            (err: unknown) => {
              run.io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
              socket.destroy();
            },
          );
        }).catch((err: NodeJS.ErrnoException) => {
          throw new CliError(
            `error: unable to listen on ${address}:${chosen}: ${err.code ?? err.message}`,
            EXIT.failed,
          );
        });
        servers.push(server);
        // A free port picked for the first address is used for the others too, as kubectl does.
        chosen = (server.address() as net.AddressInfo).port;
        const shown = address.includes(':') ? `[${address}]` : address;
        run.io.stdout.write(`Forwarding from ${shown}:${chosen} -> ${pair.remote}\n`);
      }
    }
    await new Promise<void>((resolve) => {
      if (run.signal.aborted) resolve();
      run.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    for (const server of servers) server.close();
    for (const socket of open) socket.destroy();
  }
}

export function portForwardCommand(io: CliIo): Command {
  return new Command('port-forward')
    .description("Forward local ports to a pod's ports, wherever the pod runs")
    .argument('<pod>', 'the pod (POD or pod/POD)')
    .argument('<ports...>', '[LOCAL:]REMOTE: 8080, 8080:80, or :80 for a free local port')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--address <addresses>', 'local addresses to listen on, comma-separated', '127.0.0.1')
    .option('-n, --namespace <ns>', 'the namespace (default: "default")')
    .addHelpText(
      'after',
      `
Examples:
  shoal port-forward web 8080           localhost:8080 to port 8080 of the pod
  shoal port-forward web 9000:80        localhost:9000 to port 80
  shoal port-forward pod/web :80        a free local port (printed) to port 80

Runs until interrupted (Ctrl-C). Exit status: 0 when interrupted, 1 when the pod cannot be found or a port
cannot be listened on, 2 on usage errors.`,
    )
    .action(async (podArg: string, ports: string[], opts: PortForwardOptions, cmd: Command) => {
      const pod = podArg.replace(/^(pods?|po)\//, '');
      const pairs = ports.map(parsePortPair);
      const addresses = (opts.address ?? '127.0.0.1')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      for (const a of addresses) {
        if (a !== 'localhost' && net.isIP(a) === 0)
          throw new CliError(`error: invalid address "${a}": an IP address or localhost`, EXIT.usage);
      }
      const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectToAgent(dataDirOption(cmd));
      await client.get('Pod', namespace, pod); // a missing pod fails now, not at the first connection
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runPortForward({ client, namespace, pod, pairs, addresses, io, signal: abort.signal });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
