// The agent's local API: Kubernetes REST paths over the ClusterStore, Shoal's own endpoints (apply, status,
// WebSocket watch), on loopback only, every request authenticated by the bearer token from api.json.
//
// Flow of a request: authenticate (401) → route by path → read and admit the body (400/413/415/422) →
// store call → answer with the object, a List, or a Kubernetes Status. Nothing a client sends can throw
// out of a handler: any error becomes a Status, and unexpected ones a 500 that is logged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { APPLY_PATH, parseResourcePath, STATUS_PATH, WATCH_PATH } from '../../shared/api/paths.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { applyObjects, parseApplyRequest } from './apply.ts';
import { isAuthorized } from './auth.ts';
import type { ClusterStatus } from './clusterStatus.ts';
import { discoveryDocument } from './discovery.ts';
import type { ApiExtension } from './extensions.ts';
import { readJson, sendJson, sendStatus } from './http.ts';
import { badRequest, failure, type KubeStatus, statusFromError } from './kubeStatus.ts';
import { handleResource } from './resources.ts';
import { watchSpecFromQuery } from './watch.ts';
import { rejectUpgrade, serveHttpWatch, WatchSockets } from './watchTransports.ts';

export interface ApiServerOptions {
  store: ClusterStore;
  /** The cluster as this agent sees it, for `GET /shoal/v1/status`. */
  status: () => ClusterStatus | Promise<ClusterStatus>;
  logger: Logger;
  /** A loopback address; anything else is refused. Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The bearer token every request must present (see generateApiToken). */
  token: string;
  /** Routes added by other parts of the agent, tried in order before the built-in resource paths. */
  extensions?: readonly ApiExtension[];
}

export interface ApiServer {
  /** `http://127.0.0.1:PORT`: what api.json records. */
  readonly url: string;
  readonly port: number;
  /** Stops listening, ends every watch and open connection. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

const UNAUTHORIZED: KubeStatus = failure('Unauthorized', 'Unauthorized');
const NOT_FOUND: KubeStatus = failure('NotFound', 'the server could not find the requested resource');

function unauthorized(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="shoal"');
  sendStatus(res, UNAUTHORIZED);
}

function parseUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { store, logger, token } = opts;
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`the local API listens on loopback only (127.0.0.1 or ::1), not "${host}"`);
  }
  if (token.length < 16) throw new Error('the API token must be at least 16 characters');
  const sockets = new WatchSockets(store, logger);
  const extensions = opts.extensions ?? [];
  const httpWatches = new Set<() => void>();
  let address = host; // host:port once listening, for discovery

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const { pathname, searchParams: query } = url;
    for (const extension of extensions) {
      if (await extension.handle?.(req, res, url)) return;
    }
    if (pathname === STATUS_PATH) {
      if (method !== 'GET')
        return sendStatus(res, failure('MethodNotAllowed', `${method} is not allowed here`));
      return sendJson(res, 200, await opts.status());
    }
    if (pathname === APPLY_PATH) {
      if (method !== 'POST')
        return sendStatus(res, failure('MethodNotAllowed', `${method} is not allowed here`));
      return sendJson(res, 200, await applyObjects(store, parseApplyRequest(await readJson(req))));
    }
    if (pathname === WATCH_PATH) {
      throw badRequest(`${WATCH_PATH} is a WebSocket endpoint: connect with a WebSocket client`);
    }
    const resource = parseResourcePath(pathname);
    if (resource) {
      const watch = query.get('watch');
      if (
        method === 'GET' &&
        resource.name === undefined &&
        watch !== null &&
        watch !== '0' &&
        watch !== 'false'
      ) {
        const spec = watchSpecFromQuery(query, resource);
        const timeout = Number(query.get('timeoutSeconds') ?? '');
        const stop = serveHttpWatch(store, spec, res, Number.isFinite(timeout) ? timeout : undefined);
        httpWatches.add(stop);
        res.on('close', () => httpWatches.delete(stop));
        return;
      }
      return handleResource(store, resource, req, res, query);
    }
    if (method === 'GET') {
      const doc = discoveryDocument(pathname, address);
      if (doc !== undefined) return sendJson(res, 200, doc);
    }
    sendStatus(res, NOT_FOUND);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = parseUrl(req);
    try {
      if (!url) throw badRequest('the request URL is malformed');
      if (!isAuthorized(req, url, token)) {
        // The body is drained, not read: a refused client learns nothing but 401.
        req.resume();
        return unauthorized(res);
      }
      await route(req, res, url);
    } catch (err) {
      const status = statusFromError(err);
      if (status.code >= 500) logger.error({ err, method: req.method, url: req.url }, 'API request failed');
      req.resume();
      if (res.headersSent) res.destroy();
      else sendStatus(res, status);
    } finally {
      logger.debug(
        { method: req.method, path: url?.pathname, code: res.statusCode, ms: Date.now() - started },
        'API request',
      );
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => logger.debug({ err }, 'API upgrade socket error'));
    try {
      const url = parseUrl(req);
      if (!url) rejectUpgrade(socket, failure('BadRequest', 'the request URL is malformed'));
      else if (!isAuthorized(req, url, token, true)) rejectUpgrade(socket, UNAUTHORIZED);
      else if (extensions.some((e) => e.upgrade?.(req, socket, head, url) === true)) return;
      else if (url.pathname !== WATCH_PATH) rejectUpgrade(socket, NOT_FOUND);
      else sockets.upgrade(req, socket, head, watchSpecFromQuery(url.searchParams));
    } catch (err) {
      rejectUpgrade(socket, statusFromError(err));
    }
  }

  const server = createServer({ requestTimeout: 60_000 }, (req, res) => {
    void onRequest(req, res);
  });
  server.on('upgrade', onUpgrade);
  server.on('clientError', (err, socket) => {
    logger.debug({ err }, 'API client error');
    if (socket.writable) rejectUpgrade(socket, failure('BadRequest', 'malformed HTTP request'));
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  address = `${urlHost}:${port}`;
  logger.info({ host, port }, 'local API listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sockets.close();
        for (const stop of httpWatches) stop();
        for (const extension of extensions) extension.close?.();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
