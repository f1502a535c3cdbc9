// The browser's way to the agent API, through `shoal dashboard`: fetch with `Authorization: Bearer`, and
// WebSockets carrying the token in Kubernetes' bearer subprotocol (a browser cannot set headers on them).
import type { Transport, TransportRequest, TransportResponse, TransportSocket } from './ClusterConnection.ts';

export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export interface WebTransportOptions {
  /** `http://127.0.0.1:8001`, or '' for the page's own origin. */
  baseUrl: string;
  token: string;
}

/** The subprotocol that carries the token: its UTF-8 bytes in base64url without padding. */
export function bearerProtocol(token: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(token)) binary += String.fromCharCode(byte);
  return BEARER_PROTOCOL_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON (a proxy's error page): kept as text for the error message
  }
}

/** A Kubernetes Status's message in a failed stream's body, or the HTTP code. */
function streamError(status: number, text: string): string {
  const body = parseBody(text);
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return `HTTP ${status}${text !== '' ? `: ${text.slice(0, 200)}` : ''}`;
}

export function webTransport(opts: WebTransportOptions): Transport {
  const base = () => opts.baseUrl || globalThis.location.origin;
  const url = (path: string) => new URL(path, base()).toString();
  const headers = (body: 'json' | 'none' | 'text'): Record<string, string> => ({
    Authorization: `Bearer ${opts.token}`,
    Accept: body === 'text' ? 'text/plain, application/json' : 'application/json',
    ...(body === 'json' ? { 'Content-Type': 'application/json' } : {}),
  });

  return {
    kind: 'web',

    async request(req: TransportRequest): Promise<TransportResponse> {
      const res = await fetch(url(req.path), {
        method: req.method,
        headers: headers(req.body !== undefined ? 'json' : 'none'),
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
      return { status: res.status, body: parseBody(await res.text()) };
    },

    openSocket(path: string, protocols: readonly string[] = []): TransportSocket {
      const wsUrl = new URL(path, base());
      wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(wsUrl, [...protocols, bearerProtocol(opts.token)]);
      ws.binaryType = 'arraybuffer';
      let failed: string | undefined;
      ws.addEventListener('error', () => {
        // Browsers say nothing more about a failed WebSocket; the close event that follows reports it.
        failed = `the connection to ${wsUrl.pathname} failed`;
      });
      return {
        send: (data) => ws.send(data),
        close: () => ws.close(),
        onOpen: (cb) => ws.addEventListener('open', () => cb()),
        onMessage: (cb) =>
          ws.addEventListener('message', (e: MessageEvent) => {
            cb(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer));
          }),
        onClose: (cb) =>
          ws.addEventListener('close', (e: CloseEvent) => {
            const error = failed ?? (e.code === 1000 || e.code === 1005 ? undefined : e.reason || undefined);
            cb({ code: e.code, reason: e.reason, ...(error !== undefined ? { error } : {}) });
          }),
      };
    },

    stream(path, onChunk, onEnd): () => void {
      const abort = new AbortController();
      let ended = false;
      const end = (error?: string) => {
        if (ended) return;
        ended = true;
        onEnd(error);
      };
      void (async () => {
        try {
          const res = await fetch(url(path), { headers: headers('text'), signal: abort.signal });
          if (!res.ok || res.body === null) {
            end(streamError(res.status, await res.text().catch(() => '')));
            return;
          }
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            const text = decoder.decode(value, { stream: true });
            if (text !== '' && !ended) onChunk(text);
          }
          const rest = decoder.decode();
          if (rest !== '' && !ended) onChunk(rest);
          end();
        } catch (err) {
          if (abort.signal.aborted) end();
          else end(err instanceof Error ? err.message : String(err));
        }
      })();
      return () => {
        ended = true; // the caller stopped it: no onEnd
        abort.abort();
      };
    },
  };
}
