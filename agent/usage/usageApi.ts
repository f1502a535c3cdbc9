// Usage on the local API: `GET /shoal/v1/usage` answers `{ samples }` (every node, the last 10 minutes), and
// a WebSocket on the same path sends `{ samples: [...history] }` first, then `{ samples: [new] }` for each
// sample as it arrives. The server has authenticated every request and upgrade before they reach here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { BEARER_PROTOCOL_PREFIX } from '../api/auth.ts';
import type { ApiExtension } from '../api/extensions.ts';
import { sendJson, sendStatus } from '../api/http.ts';
import { failure } from '../api/kubeStatus.ts';
import type { UsageSource } from './UsageMonitor.ts';
import type { UsageSample } from './usageSample.ts';

export const USAGE_PATH = '/shoal/v1/usage';

/** Unsent data allowed per socket before a client that does not read is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export interface UsageResponse {
  samples: UsageSample[];
}

/** A client's own protocol name rather than the one carrying its token (browsers need one echoed). */
function chooseProtocol(protocols: Set<string>): string | false {
  for (const p of protocols) if (!p.startsWith(BEARER_PROTOCOL_PREFIX)) return p;
  for (const p of protocols) return p;
  return false;
}

/** The API extension the agent passes to startApiServer (`extensions: [usageApi({ usage, logger })]`). */
export function usageApi(opts: { usage: UsageSource; logger: Logger }): ApiExtension {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, handleProtocols: chooseProtocol });
  const alive = new WeakSet<WebSocket>();
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  function serve(ws: WebSocket): void {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', (err) => opts.logger.debug({ err }, 'usage socket error'));
    const send = (samples: UsageSample[]) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'client too slow: connect again');
        return;
      }
      ws.send(JSON.stringify({ samples } satisfies UsageResponse));
    };
    const unsubscribe = opts.usage.subscribe((sample) => send([sample]));
    ws.on('close', unsubscribe);
    send(opts.usage.samples());
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      if (url.pathname !== USAGE_PATH) return false;
      if (req.method !== 'GET') {
        req.resume();
        res.setHeader('Allow', 'GET');
        sendStatus(
          res,
          failure('MethodNotAllowed', `${req.method} is not allowed on ${USAGE_PATH}: use GET`),
        );
        return true;
      }
      sendJson(res, 200, { samples: opts.usage.samples() } satisfies UsageResponse);
      return true;
    },

    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
      if (url.pathname !== USAGE_PATH) return false;
      wss.handleUpgrade(req, socket, head, serve);
      return true;
    },

    close(): void {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
