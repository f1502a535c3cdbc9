// Forwards the dashboard's API requests and WebSocket upgrades to an agent's local API, swapping the
// dashboard's token for the agent's. Bodies stream both ways (a followed log or an HTTP watch flows as the
// agent writes it), and a WebSocket is relayed as raw bytes once both handshakes are done, so every frame
// (text, binary exec channels, pings, close codes) passes unchanged and back-pressure is TCP's.
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { BEARER_PROTOCOL_PREFIX, offeredProtocols } from '../api/auth.ts';
import { sendStatus } from '../api/http.ts';
import type { KubeStatus } from '../api/kubeStatus.ts';
import { rejectUpgrade } from '../api/watchTransports.ts';

/** Where to forward: an agent's API (api.json). */
export interface AgentTarget {
  /** `http://127.0.0.1:PORT` */
  url: string;
  token: string;
}

/** Connection-level headers (RFC 9110 §7.6.1) and what only concerns the dashboard hop. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'cookie',
  'origin',
  'referer',
]);

function forwardedHeaders(
  headers: IncomingHttpHeaders,
  keep: readonly string[] = [],
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (HOP_HEADERS.has(name) && !keep.includes(name))) continue;
    out[name] = value;
  }
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding')
      continue;
    out[name] = value;
  }
  return out;
}

function endpoint(target: AgentTarget): { hostname: string; port: number } {
  const url = new URL(target.url);
  return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) };
}

/**
 * Forwards one HTTP request; `unreachable` is the Status answered when the agent does not take the
 * connection. The request's path (with its query) is sent as is.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: AgentTarget,
  pathWithQuery: string,
  unreachable: (cause: string) => KubeStatus,
): void {
  const upstream = httpRequest({
    ...endpoint(target),
    method: req.method,
    path: pathWithQuery,
    headers: { ...forwardedHeaders(req.headers), authorization: `Bearer ${target.token}` },
  });
  let answered = false;
  upstream.on('response', (answer) => {
    answered = true;
    res.writeHead(answer.statusCode ?? 502, responseHeaders(answer.headers));
    res.flushHeaders(); // a streamed answer (logs -f, ?watch=1) must reach the client before its first chunk
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    if (!answered && !res.headersSent) {
      req.resume();
      sendStatus(res, unreachable((err as NodeJS.ErrnoException).code ?? err.message));
    } else res.destroy();
  });
  // The client went away (a closed log viewer, an ended watch): so does the agent's stream.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/**
 * Forwards a WebSocket upgrade. The client's own subprotocols (`v5.channel.k8s.io`) go to the agent; the
 * bearer one that carried the dashboard's token does not. When the agent picks no protocol but the browser
 * offered only its bearer one, that is echoed back, as a browser fails a handshake that echoes none.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: AgentTarget,
  pathWithQuery: string,
  unreachable: (cause: string) => KubeStatus,
): void {
  const offered = offeredProtocols(req);
  const own = offered.filter((p) => !p.startsWith(BEARER_PROTOCOL_PREFIX));
  const bearer = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  const headers = forwardedHeaders(req.headers, ['upgrade']);
  delete headers['sec-websocket-protocol'];
  if (own.length > 0) headers['sec-websocket-protocol'] = own.join(', ');
  const upstream = httpRequest({
    ...endpoint(target),
    method: 'GET',
    path: pathWithQuery,
    headers: {
      ...headers,
      connection: 'Upgrade',
      upgrade: 'websocket',
      authorization: `Bearer ${target.token}`,
    },
  });
  socket.on('error', () => upstream.destroy());

  upstream.on('upgrade', (answer, upSocket: Socket, upHead: Buffer) => {
    const chosen = answer.headers['sec-websocket-protocol'];
    const lines = [`HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}`];
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
    }
    if (chosen === undefined && own.length === 0 && bearer !== undefined) {
      lines.push(`sec-websocket-protocol: ${bearer}`);
    }
    upSocket.setNoDelay(true);
    upSocket.setTimeout(0);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    const closeBoth = () => {
      socket.destroy();
      upSocket.destroy();
    };
    upSocket.on('error', closeBoth);
    socket.on('error', closeBoth);
    upSocket.on('close', closeBoth);
    socket.on('close', closeBoth);
    upSocket.pipe(socket);
    socket.pipe(upSocket);
  });

  // The agent refused the upgrade (401, 404, 400…): its answer goes to the client as it is.
  upstream.on('response', (answer) => {
    const lines = [`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`];
    for (const [name, value] of Object.entries(responseHeaders(answer.headers))) {
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
    }
    lines.push('connection: close');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    answer.pipe(socket);
  });

  upstream.on('error', (err) => {
    if (socket.writable)
      rejectUpgrade(socket, unreachable((err as NodeJS.ErrnoException).code ?? err.message));
    else socket.destroy();
  });
  upstream.end();
}
