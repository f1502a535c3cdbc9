// The streaming side of the agent's API for `logs`, `exec` and `port-forward`: a chunked log body read
// with node:http (fetch hides the trailer that reports a failure after the first byte) and WebSockets,
// with the same error words as ApiClient.
import http from 'node:http';
import WebSocket from 'ws';
import { STREAM_ERROR_TRAILER } from '../api/podStreamsApi.ts';
import { type ApiClient, ApiError, type KubeStatus } from './apiClient.ts';
import { CliError, EXIT } from './exitCodes.ts';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** `/api/v1/namespaces/NS/pods/NAME/VERB?…` */
export function podStreamUrl(
  base: string,
  namespace: string,
  pod: string,
  verb: 'log' | 'exec' | 'portforward',
  query: Record<string, QueryValue>,
): URL {
  const url = new URL(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${verb}`,
    base,
  );
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === false) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  return url;
}

function isStatus(value: unknown): value is KubeStatus {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

function causeText(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

/** The CliError for a connection that failed or a non-2xx answer (`body` is what the agent sent). */
function errorFor(client: ApiClient, statusCode: number, body: string): CliError {
  if (statusCode === 401) {
    return new CliError(
      `error: You must be logged in to the server (Unauthorized): the agent at ${client.url} refused the ` +
        `token in ${client.options.origin}`,
      EXIT.failed,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {}
  if (isStatus(parsed)) return new ApiError(parsed);
  return new CliError(`error: the agent answered ${statusCode}: ${body.slice(0, 200)}`, EXIT.failed);
}

function unreachable(client: ApiClient, err: unknown): CliError {
  const cause = causeText(err);
  return new CliError(
    client.options.unreachable?.(cause) ??
      `error: the Shoal agent at ${client.url} (from ${client.options.origin}) does not answer: ${cause}`,
    EXIT.failed,
  );
}

/**
 * GETs a log and writes it to `out` as it arrives (with back-pressure). Resolves at the end of the log;
 * rejects with the agent's error, including one reported in the trailer after the log had started.
 */
export function streamLog(
  client: ApiClient,
  url: URL,
  out: NodeJS.WritableStream,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Authorization: `Bearer ${client.options.token}` }, signal });
    req.on('error', (err) => {
      if (signal?.aborted) resolve();
      else reject(unreachable(client, err));
    });
    req.on('response', (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => reject(errorFor(client, res.statusCode ?? 0, body)));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (!out.write(chunk)) {
          res.pause();
          out.once('drain', () => res.resume());
        }
      });
      res.on('end', () => {
        const trailer = res.trailers[STREAM_ERROR_TRAILER.toLowerCase()];
        if (trailer) reject(new CliError(`error: ${decodeURIComponent(trailer)}`, EXIT.failed));
        else resolve();
      });
      res.on('aborted', () =>
        reject(new CliError('error: the agent ended the log stream abruptly', EXIT.failed)),
      );
      res.on('error', (err) => {
        if (signal?.aborted) resolve();
        else reject(new CliError(`error: the log stream broke off: ${err.message}`, EXIT.failed));
      });
    });
  });
}

/** Opens a WebSocket to the API; resolves once it is open, rejects with the agent's Status otherwise. */
export function openPodSocket(client: ApiClient, url: URL, protocols: string[] = []): Promise<WebSocket> {
  const wsUrl = new URL(url);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, protocols, {
      headers: { Authorization: `Bearer ${client.options.token}` },
      maxPayload: 16 * 1024 * 1024,
    });
    let settled = false;
    ws.on('open', () => {
      settled = true;
      resolve(ws);
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        settled = true;
        reject(errorFor(client, res.statusCode ?? 0, body));
        ws.terminate();
      });
    });
    ws.on('error', (err) => {
      if (!settled) {
        settled = true;
        reject(unreachable(client, err));
      }
    });
  });
}
