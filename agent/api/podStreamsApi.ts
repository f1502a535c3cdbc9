// The pod subresources that stream, at Kubernetes' paths, served wherever the pod runs (PodStreams):
//   GET  /api/v1/namespaces/NS/pods/NAME/log?container=&follow=&tailLines=&sinceSeconds=&previous=&timestamps=
//        chunked text/plain; a failure after the first byte ends the body with an `X-Shoal-Error` trailer
//   WS   /api/v1/namespaces/NS/pods/NAME/exec?container=&command=…&command=…&stdin=&tty=
//        Kubernetes' channel framing (v5/v4.channel.k8s.io): first byte of a binary message 0 stdin,
//        1 stdout, 2 stderr, 3 the final Status (exit code in NonZeroExitCode's causes), 4 resize JSON
//        {"Width","Height"}; v5's [255, 0] closes stdin
//   WS   /api/v1/namespaces/NS/pods/NAME/portforward?port=P
//        one TCP connection per WebSocket, raw bytes both ways; an empty binary message is that
//        direction's end (TCP half-close); close code 1011 with the reason when it fails
// Errors before the stream starts are a Kubernetes Status with the HTTP code (the upgrade is refused).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { PodStreamError, toPodStreamError } from '../podstreams/errors.ts';
import type { PodStreamRequestInput } from '../podstreams/requests.ts';
import type { PodSession } from '../podstreams/session.ts';
import { BEARER_PROTOCOL_PREFIX } from './auth.ts';
import type { ApiExtension } from './extensions.ts';
import { badRequest, failure, type KubeStatus, StatusError } from './kubeStatus.ts';
import { rejectUpgrade } from './watchTransports.ts';

export const STREAM_ERROR_TRAILER = 'X-Shoal-Error';
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Unsent WebSocket bytes before the output waits for the client. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** What the API needs of PodStreams. */
export interface PodStreamOpener {
  open(request: PodStreamRequestInput): Promise<PodSession>;
}

export interface PodStreamsApiOptions {
  podStreams: PodStreamOpener;
  logger: Logger;
}

const PATH_RE = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(log|exec|portforward)$/;

interface PodRoute {
  namespace: string;
  pod: string;
  verb: 'log' | 'exec' | 'portforward';
}

function parsePath(pathname: string): PodRoute | undefined {
  const m = PATH_RE.exec(pathname);
  if (!m) return undefined;
  try {
    return {
      namespace: decodeURIComponent(m[1] as string),
      pod: decodeURIComponent(m[2] as string),
      verb: m[3] as PodRoute['verb'],
    };
  } catch {
    return undefined;
  }
}

function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`${name}: expected true or false, not "${v}"`);
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!/^-?\d{1,10}$/.test(v)) throw badRequest(`${name}: expected an integer, not "${v}"`);
  return Number(v);
}

function stringParam(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  return v === null || v === '' ? undefined : v;
}

export function requestFromQuery(route: PodRoute, query: URLSearchParams): PodStreamRequestInput {
  const base = { namespace: route.namespace, pod: route.pod };
  const container = stringParam(query, 'container');
  switch (route.verb) {
    case 'log':
      return {
        ...base,
        kind: 'logs',
        ...(container !== undefined ? { container } : {}),
        follow: boolParam(query, 'follow') ?? false,
        previous: boolParam(query, 'previous') ?? false,
        timestamps: boolParam(query, 'timestamps') ?? false,
        ...optional('tailLines', intParam(query, 'tailLines')),
        ...optional('sinceSeconds', intParam(query, 'sinceSeconds')),
      };
    case 'exec': {
      const command = query.getAll('command');
      if (command.length === 0) throw badRequest('you must specify at least one command for the container');
      return {
        ...base,
        kind: 'exec',
        ...(container !== undefined ? { container } : {}),
        command,
        stdin: boolParam(query, 'stdin') ?? false,
        tty: boolParam(query, 'tty') ?? false,
      };
    }
    case 'portforward': {
      const ports = query.getAll('port');
      if (ports.length !== 1)
        throw badRequest('give exactly one port: one WebSocket carries one connection to one port');
      return { ...base, kind: 'portForward', port: intParam(query, 'port') ?? 0 };
    }
  }
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function statusOf(err: unknown): KubeStatus {
  if (err instanceof StatusError) return err.status;
  const e = toPodStreamError(err);
  return failure(e.reason, e.message);
}

async function open(opts: PodStreamsApiOptions, request: PodStreamRequestInput): Promise<PodSession> {
  try {
    return await opts.podStreams.open(request);
  } catch (err) {
    if (err instanceof PodStreamError) throw new StatusError(failure(err.reason, err.message));
    throw err;
  }
}

/** exec's final message on channel 3, as the kubelet words it. */
export function exitStatus(code: number, command: readonly string[]): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function sendAndWait(ws: WebSocket, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    ws.send(data, { binary: true }, () => resolve());
    // Only wait for the write when the client falls behind; otherwise keep reading the container.
    if (ws.bufferedAmount <= MAX_BUFFERED_BYTES) resolve();
  });
}

/** Calls `handle` for every message in order, pausing the socket while one is being handled. */
function onMessagesInOrder(ws: WebSocket, handle: (data: Buffer) => Promise<void> | void): void {
  let chain = Promise.resolve();
  let pending = 0;
  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
    const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as Buffer);
    pending++;
    if (pending === 1) ws.pause();
    chain = chain
      .then(() => handle(data))
      .catch(() => {})
      .finally(() => {
        pending--;
        if (pending === 0 && ws.readyState === ws.OPEN) ws.resume();
      });
  });
}

function serveExec(ws: WebSocket, session: PodSession, command: readonly string[], log: Logger): void {
  ws.on('close', () => session.close());
  ws.on('error', (err) => log.debug({ err }, 'exec socket error'));
  onMessagesInOrder(ws, async (data) => {
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === CHANNEL.stdin) await session.write(Buffer.from(payload));
    else if (channel === CHANNEL.close && payload[0] === CHANNEL.stdin) session.endInput();
    else if (channel === CHANNEL.resize) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: unknown; Height?: unknown };
        const cols = size.Width;
        const rows = size.Height;
        if (Number.isInteger(cols) && Number.isInteger(rows) && (cols as number) > 0 && (rows as number) > 0)
          session.resize({ cols: Math.min(cols as number, 65535), rows: Math.min(rows as number, 65535) });
      } catch {
        // A malformed resize is ignored, as the kubelet does.
      }
    }
  });
  void (async () => {
    let final: object;
    try {
      let code = 0;
      for await (const event of session.events()) {
        if (ws.readyState !== ws.OPEN) return;
        if (event.type === 'data')
          await sendAndWait(ws, Buffer.concat([Buffer.from([event.fd]), event.data]));
        else if (event.type === 'exit') code = event.code;
      }
      final = exitStatus(code, command);
    } catch (err) {
      const e = toPodStreamError(err);
      final = { metadata: {}, status: 'Failure', message: e.message, reason: e.reason };
    }
    if (ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([CHANNEL.error]), Buffer.from(JSON.stringify(final))]));
    ws.close(1000);
  })();
}

function servePortForward(ws: WebSocket, session: PodSession, log: Logger): void {
  ws.on('close', () => session.close());
  ws.on('error', (err) => log.debug({ err }, 'port-forward socket error'));
  onMessagesInOrder(ws, async (data) => {
    if (data.length === 0) session.endInput();
    else await session.write(data);
  });
  void (async () => {
    try {
      for await (const event of session.events()) {
        if (ws.readyState !== ws.OPEN) return;
        if (event.type === 'data') await sendAndWait(ws, event.data);
        else if (event.type === 'end') ws.send(Buffer.alloc(0));
      }
      if (ws.readyState === ws.OPEN) ws.close(1000);
    } catch (err) {
      // A close reason has at most 123 bytes.
      const reason = Buffer.from(toPodStreamError(err).message).subarray(0, 120).toString('utf8');
      if (ws.readyState === ws.OPEN) ws.close(1011, reason.replace(/\uFFFD+$/, ''));
    }
  })();
}

async function serveLogs(res: ServerResponse, session: PodSession, log: Logger): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Transfer-Encoding': 'chunked',
    Trailer: STREAM_ERROR_TRAILER,
  });
  res.flushHeaders(); // `logs -f` of a quiet container: the client learns at once that it worked
  res.on('close', () => session.close());
  try {
    for await (const event of session.events()) {
      if (res.destroyed) return;
      if (event.type !== 'data') continue;
      if (!res.write(event.data)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
  } catch (err) {
    const message = toPodStreamError(err).message;
    log.debug({ err }, 'log stream failed');
    // Header values are one line of Latin-1.
    res.addTrailers({ [STREAM_ERROR_TRAILER]: encodeURIComponent(message) });
  } finally {
    session.close();
  }
  if (!res.destroyed) res.end();
}

function chooseProtocol(offered: Set<string>, verb: PodRoute['verb']): string | false {
  if (verb === 'exec') {
    for (const p of EXEC_PROTOCOLS) if (offered.has(p)) return p;
    return false;
  }
  for (const p of offered) if (!p.startsWith(BEARER_PROTOCOL_PREFIX)) return p;
  return false;
}

export function podStreamsApi(opts: PodStreamsApiOptions): ApiExtension {
  const log = opts.logger;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    handleProtocols: (offered, request) =>
      chooseProtocol(
        offered,
        parsePath(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)?.verb ?? 'exec',
      ),
  });
  const sessions = new Set<PodSession>();
  const track = (session: PodSession): PodSession => {
    sessions.add(session);
    const close = session.close.bind(session);
    session.close = () => {
      sessions.delete(session);
      close();
    };
    return session;
  };

  return {
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      const route = parsePath(url.pathname);
      if (!route) return false;
      if (route.verb !== 'log')
        throw badRequest(`${route.verb} is a WebSocket endpoint: upgrade the connection`);
      if (req.method !== 'GET')
        throw new StatusError(failure('MethodNotAllowed', `${req.method} is not allowed here`));
      const session = track(await open(opts, requestFromQuery(route, url.searchParams)));
      await serveLogs(res, session, log);
      return true;
    },

    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
      const route = parsePath(url.pathname);
      if (!route || route.verb === 'log') return false;
      const offered = new Set(
        (req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      );
      void (async () => {
        let session: PodSession;
        let command: string[] = [];
        try {
          const request = requestFromQuery(route, url.searchParams);
          if (request.kind === 'exec') {
            command = request.command;
            if (chooseProtocol(offered, 'exec') === false)
              throw badRequest(`exec needs one of the WebSocket subprotocols ${EXEC_PROTOCOLS.join(', ')}`);
          }
          session = track(await open(opts, request));
        } catch (err) {
          if (!socket.destroyed) rejectUpgrade(socket, statusOf(err));
          return;
        }
        if (socket.destroyed) {
          session.close(); // the client left while the pod's agent was answering
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (route.verb === 'exec') serveExec(ws, session, command, log);
          else servePortForward(ws, session, log);
        });
      })();
      return true;
    },

    close(): void {
      for (const session of [...sessions]) session.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
