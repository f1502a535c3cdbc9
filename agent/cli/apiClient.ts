// A small typed client of the agent's local API: bearer token, Kubernetes paths, and errors turned into the
// words kubectl uses (`Error from server (NotFound): pods "x" not found`).
import WebSocket from 'ws';
import { APPLY_PATH, resourcePath, STATUS_PATH, WATCH_PATH } from '../../shared/api/paths.ts';
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { ApplyResponse } from '../api/apply.ts';
import type { ClusterStatus } from '../api/clusterStatus.ts';
import type { PropagationPolicy } from '../api/deletionPolicy.ts';
import type { KubeStatus } from '../api/kubeStatus.ts';
import { PROXY_PATH, type ProxyStatus } from '../api/proxyApi.ts';
import type { KubeList } from '../api/resources.ts';
import type { WatchMessage } from '../api/watch.ts';
import { CliError, EXIT } from './exitCodes.ts';

export type { KubeList, KubeStatus, WatchMessage };

/** An error the agent answered with a Kubernetes Status. */
export class ApiError extends CliError {
  constructor(readonly status: KubeStatus) {
    super(
      `Error from server (${status.reason ?? 'Unknown'}): ${status.message ?? `HTTP ${status.code}`}`,
      EXIT.failed,
    );
    this.name = 'ApiError';
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

export interface ApiClientOptions {
  url: string;
  token: string;
  /** Where url and token came from (the api.json path), for messages. */
  origin: string;
  /** The message for an agent that cannot be reached, given the connection error. */
  unreachable?: (cause: string) => string;
  /** Per request, in milliseconds (default 60 s). */
  timeoutMs?: number;
}

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchQuery extends ListQuery {
  kind: Kind;
  /** Ask for a BOOKMARK once the existing objects have been sent. */
  bookmarks?: boolean;
}

export interface WatchHandle {
  /** Resolves when the watch ends (the agent closed it, or close() was called); rejects on failure. */
  readonly done: Promise<void>;
  close(): void;
}

function isStatus(value: unknown): value is KubeStatus {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export class ApiClient {
  constructor(readonly options: ApiClientOptions) {}

  get url(): string {
    return this.options.url;
  }

  #unreachable(err: unknown): CliError {
    const cause = causeText(err);
    const message =
      this.options.unreachable?.(cause) ??
      `error: the Shoal agent at ${this.options.url} (from ${this.options.origin}) does not answer: ${cause}`;
    return new CliError(message, EXIT.failed);
  }

  #unauthorized(): CliError {
    return new CliError(
      `error: You must be logged in to the server (Unauthorized): the agent at ${this.options.url} refused ` +
        `the token in ${this.options.origin}`,
      EXIT.failed,
    );
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | undefined>,
  ): Promise<T> {
    const url = new URL(path, this.options.url);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (err) {
      throw this.#unreachable(err);
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (res.status === 401) throw this.#unauthorized();
    if (!res.ok) {
      if (isStatus(parsed)) throw new ApiError(parsed);
      throw new CliError(`error: the agent answered ${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
    }
    if (parsed === undefined) throw new CliError(`error: the agent answered ${method} ${path} with no JSON`);
    return parsed as T;
  }

  list(kind: Kind, q: ListQuery = {}): Promise<KubeList> {
    return this.request('GET', resourcePath(kind, q.namespace), undefined, {
      labelSelector: q.labelSelector,
      fieldSelector: q.fieldSelector,
    });
  }

  get(kind: Kind, namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.request('GET', resourcePath(kind, namespace, name));
  }

  create(obj: KubeObject): Promise<KubeObject> {
    return this.request('POST', resourcePath(obj.kind, obj.metadata.namespace), obj);
  }

  replace(obj: KubeObject): Promise<KubeObject> {
    return this.request('PUT', resourcePath(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
  }

  /**
   * A Status, or the object as it now is when its deletion is not finished (a pod deleted gracefully, an
   * owner deleted in the foreground or orphaning its dependents, a Namespace terminating).
   */
  delete(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    opts: { gracePeriodSeconds?: number; propagationPolicy?: PropagationPolicy } = {},
  ): Promise<KubeStatus | KubeObject> {
    return this.request('DELETE', resourcePath(kind, namespace, name), undefined, {
      gracePeriodSeconds: opts.gracePeriodSeconds?.toString(),
      propagationPolicy: opts.propagationPolicy,
    });
  }

  apply(objects: readonly KubeObject[], dryRun = false): Promise<ApplyResponse> {
    return this.request('POST', APPLY_PATH, { objects, dryRun });
  }

  status(): Promise<ClusterStatus> {
    return this.request('GET', STATUS_PATH);
  }

  /** This agent's service proxy: its addresses and listeners. */
  proxyStatus(): Promise<ProxyStatus> {
    return this.request('GET', PROXY_PATH);
  }

  /** Watches over WebSocket; `onMessage` gets every event in order. */
  watch(q: WatchQuery, onMessage: (m: WatchMessage) => void): WatchHandle {
    const url = new URL(WATCH_PATH, this.options.url.replace(/^http/, 'ws'));
    url.searchParams.set('kind', q.kind);
    if (q.namespace) url.searchParams.set('namespace', q.namespace);
    if (q.labelSelector) url.searchParams.set('labelSelector', q.labelSelector);
    if (q.fieldSelector) url.searchParams.set('fieldSelector', q.fieldSelector);
    if (q.bookmarks) url.searchParams.set('allowWatchBookmarks', 'true');
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.options.token}` } });
    const done = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        let message: WatchMessage;
        try {
          message = JSON.parse(String(data)) as WatchMessage;
        } catch {
          return;
        }
        if (message.type === 'ERROR') {
          reject(new ApiError(message.object));
          ws.close();
          return;
        }
        try {
          onMessage(message);
        } catch (err) {
          reject(err);
          ws.close();
        }
      });
      ws.on('unexpected-response', (_req, res) => {
        // Read the agent's Status first; the first settlement of the promise wins over the error that
        // terminating the socket causes.
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => {
          if (res.statusCode === 401) reject(this.#unauthorized());
          else {
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {}
            reject(
              isStatus(parsed)
                ? new ApiError(parsed)
                : new CliError(`error: watch refused: HTTP ${res.statusCode}`),
            );
          }
          ws.terminate();
        });
      });
      ws.on('error', (err) => reject(this.#unreachable(err)));
      ws.on('close', () => resolve());
    });
    return { done, close: () => ws.close() };
  }
}
