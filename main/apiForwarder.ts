// Forwards one validated request to the embedded peer's local API, adding the bearer token. Answers are
// passed on as they are (status and JSON body); an agent that does not answer becomes a 503 Kubernetes Status
// whose message tells the user what happened, like every other failure the renderer shows.
import type { TransportRequest, TransportResponse } from './shoalBridge.ts';

/** Where the embedded peer's API listens and the token it requires (from its api.json). */
export interface ApiTarget {
  /** `http://127.0.0.1:PORT` */
  url: string;
  token: string;
}

const REQUEST_TIMEOUT_MS = 60_000;

export function failureStatus(code: number, reason: string, message: string): TransportResponse {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message },
  };
}

/** The agent URL for an API path, checked to stay on the agent's origin whatever the path holds. */
export function agentUrl(target: ApiTarget, path: string, scheme: 'http' | 'ws' = 'http'): URL {
  const base = new URL(target.url);
  const url = new URL(path, base);
  if (url.origin !== base.origin) throw new Error(`${path} does not stay on the agent's address`);
  if (scheme === 'ws') url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export async function forwardRequest(
  target: ApiTarget,
  req: TransportRequest,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<TransportResponse> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${target.token}`,
    Accept: 'application/json',
  };
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(agentUrl(target, req.path), {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return failureStatus(
      503,
      'ServiceUnavailable',
      `the Shoal peer inside the app does not answer (${causeOf(err)}); it may be starting or stopping`,
    );
  }
  const text = await res.text().catch(() => '');
  if (text === '') return { status: res.status, body: undefined };
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    if (res.ok) return { status: res.status, body: text };
    return failureStatus(
      res.status,
      'Unknown',
      `the agent answered HTTP ${res.status}: ${text.slice(0, 300)}`,
    );
  }
}
