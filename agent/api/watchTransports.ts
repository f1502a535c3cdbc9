// Watches on the wire: WebSocket (`/shoal/v1/watch`, one JSON text message per event) and Kubernetes'
// HTTP streaming (`?watch=1` on a list path, one JSON object per line). A client too slow to keep up is
// disconnected rather than buffered without bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { BEARER_PROTOCOL_PREFIX } from './auth.ts';
import { type KubeStatus, statusFromError } from './kubeStatus.ts';
import { startWatch, type WatchMessage, type WatchSpec } from './watch.ts';

/** Unsent data allowed per watch before the client is dropped. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

/** Answers a WebSocket upgrade with an HTTP error and closes the connection. */
export function rejectUpgrade(socket: Duplex, status: KubeStatus): void {
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Picks the subprotocol to echo: a client's own protocol name rather than the one carrying its token. */
function chooseProtocol(protocols: Set<string>): string | false {
  for (const p of protocols) if (!p.startsWith(BEARER_PROTOCOL_PREFIX)) return p;
  for (const p of protocols) return p;
  return false;
}

export class WatchSockets {
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: chooseProtocol,
  });
  readonly #alive = new WeakSet<WebSocket>();
  readonly #pinger: NodeJS.Timeout;

  constructor(
    private readonly store: ClusterStore,
    private readonly logger: Logger,
  ) {
    this.#pinger = setInterval(() => this.#ping(), PING_INTERVAL_MS);
    this.#pinger.unref();
  }

  /** Completes an upgrade already authorized and parsed into `spec`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, spec: WatchSpec): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws, spec));
  }

  #serve(ws: WebSocket, spec: WatchSpec): void {
    this.#alive.add(ws);
    ws.on('pong', () => this.#alive.add(ws));
    ws.on('error', (err) => this.logger.debug({ err }, 'watch socket error'));
    let stop: (() => void) | undefined;
    let closed = false;
    const finish = () => {
      closed = true;
      stop?.();
      stop = undefined;
    };
    const send = (message: WatchMessage) => {
      if (closed || ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.logger.warn('closing a watch whose client does not keep up');
        ws.close(1013, 'client too slow: watch again');
        finish();
        return;
      }
      ws.send(JSON.stringify(message));
    };
    ws.on('close', finish);
    try {
      stop = startWatch(this.store, spec, send);
      if (closed) finish();
    } catch (err) {
      send({ type: 'ERROR', object: statusFromError(err) });
      ws.close(1011, 'watch failed');
    }
  }

  #ping(): void {
    for (const ws of this.#wss.clients) {
      if (!this.#alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  }

  get clientCount(): number {
    return this.#wss.clients.size;
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

/** Serves `?watch=1` on a list path as newline-delimited JSON, until the client leaves or `timeoutSeconds`. */
export function serveHttpWatch(
  store: ClusterStore,
  spec: WatchSpec,
  res: ServerResponse,
  timeoutSeconds: number | undefined,
): () => void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders(); // a client waits for the headers before it reads events: send them now
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe?.();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  unsubscribe = startWatch(store, spec, (message) => {
    if (stopped) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      stop();
      return;
    }
    res.write(`${JSON.stringify(message)}\n`);
  });
  if (stopped) unsubscribe();
  res.on('close', stop);
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) timer = setTimeout(stop, timeoutSeconds * 1000);
  return stop;
}
