// A Transport for Node tests of the renderer's connection against a real agent API: global fetch for
// requests and streams, the `ws` package for sockets. Like a browser, it sends the token on sockets in the
// bearer subprotocol, not a header.
import WebSocket from 'ws';
import type {
  Transport,
  TransportRequest,
  TransportResponse,
  TransportSocket,
} from '../../renderer/src/connection/ClusterConnection.ts';
import { bearerProtocol } from '../../renderer/src/connection/webTransport.ts';

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function nodeTransport(opts: { baseUrl: string; token: string }): Transport {
  const headers = { Authorization: `Bearer ${opts.token}`, Accept: 'application/json' };
  return {
    kind: 'web',

    async request(req: TransportRequest): Promise<TransportResponse> {
      const res = await fetch(new URL(req.path, opts.baseUrl), {
        method: req.method,
        headers: req.body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
      return { status: res.status, body: parse(await res.text()) };
    },

    openSocket(path: string, protocols: readonly string[] = []): TransportSocket {
      const url = new URL(path, opts.baseUrl.replace(/^http/, 'ws'));
      const ws = new WebSocket(url, [...protocols, bearerProtocol(opts.token)]);
      let refused: string | undefined;
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => {
          const body = parse(text) as { message?: string } | undefined;
          refused = `HTTP ${res.statusCode}: ${body?.message ?? text}`;
          ws.terminate();
        });
      });
      ws.on('error', () => {}); // reported by 'close'
      return {
        send: (data) => ws.send(data),
        close: () => ws.close(),
        onOpen: (cb) => ws.on('open', cb),
        onMessage: (cb) =>
          ws.on('message', (data: Buffer, isBinary: boolean) =>
            cb(isBinary ? new Uint8Array(data) : data.toString('utf8')),
          ),
        onClose: (cb) =>
          ws.on('close', (code: number, reason: Buffer) => {
            const error =
              refused ?? (code === 1000 || code === 1005 ? undefined : reason.toString() || undefined);
            cb({ code, reason: reason.toString(), ...(error !== undefined ? { error } : {}) });
          }),
      };
    },

    stream(path, onChunk, onEnd): () => void {
      const abort = new AbortController();
      void (async () => {
        try {
          const res = await fetch(new URL(path, opts.baseUrl), { headers, signal: abort.signal });
          if (!res.ok || res.body === null) {
            const body = parse(await res.text()) as { message?: string } | undefined;
            onEnd(body?.message ?? `HTTP ${res.status}`);
            return;
          }
          const decoder = new TextDecoder();
          const reader = res.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            onChunk(decoder.decode(value, { stream: true }));
          }
          onEnd();
        } catch (err) {
          onEnd(abort.signal.aborted ? undefined : String(err));
        }
      })();
      return () => abort.abort();
    },
  };
}
