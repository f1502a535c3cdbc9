// `shoal dashboard`'s HTTP server on 127.0.0.1: the built renderer as static files, the agent API forwarded
// (`/api/…`, `/apis/…`, `/shoal/v1/…`, WebSockets included) and the dashboard's own onboarding routes
// (`/shoal/dashboard/v1/…`).
//
// Security: every API request and upgrade needs the dashboard's own token (generated per start and given to
// the browser in the URL's fragment, which is never sent to a server), as `Authorization: Bearer` or, for
// WebSockets, the bearer subprotocol; the agent's token never reaches the browser. The Host header must
// name this server (a DNS-rebinding page cannot use the browser as a proxy), a cross-origin Origin is
// refused, and every answer carries a strict Content-Security-Policy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { generateApiToken } from '../api/apiInfo.ts';
import { bearerFromHeader, bearerFromProtocols, offeredProtocols, tokenMatches } from '../api/auth.ts';
import { readJson, sendJson, sendStatus } from '../api/http.ts';
import { badRequest, failure, type KubeStatus, statusFromError } from '../api/kubeStatus.ts';
import { rejectUpgrade } from '../api/watchTransports.ts';
import { type AgentTarget, forwardRequest, forwardUpgrade } from './apiForwarder.ts';
import type { ClusterActions } from './clusterHost.ts';
import { createDashboardApi, DASHBOARD_API_PREFIX, type DashboardApiHandler } from './dashboardApi.ts';
import { serveStatic } from './staticFiles.ts';

export const DEFAULT_DASHBOARD_PORT = 7979;
const LISTEN_HOST = '127.0.0.1';
const MAX_ACTION_BODY_BYTES = 64 * 1024;

/** What the server needs from whatever hosts the cluster (ClusterHost). */
export interface DashboardHost extends ClusterActions {
  target(): Promise<AgentTarget | undefined>;
  unreachable(cause?: string): KubeStatus;
}

export interface DashboardServerOptions {
  host: DashboardHost;
  /** The built renderer (renderer/dist). */
  distDir: string;
  logger: Logger;
  /** Default 7979; 0 picks a free port. */
  port?: number;
  /** Default: 32 random bytes, base64url, new on every start. */
  token?: string;
}

export interface DashboardServer {
  readonly port: number;
  /** `http://127.0.0.1:P` */
  readonly url: string;
  readonly token: string;
  /** What to open: `http://127.0.0.1:P/#token=TOKEN` (the renderer reads the token from the fragment). */
  readonly dashboardUrl: string;
  close(): Promise<void>;
}

/** Paths forwarded to the agent. */
export function isAgentApiPath(pathname: string): boolean {
  return (
    pathname === '/api' ||
    pathname.startsWith('/api/') ||
    pathname === '/apis' ||
    pathname.startsWith('/apis/') ||
    pathname.startsWith('/shoal/v1/')
  );
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const UNAUTHORIZED = failure(
  'Unauthorized',
  'Unauthorized: open the dashboard with the URL `shoal dashboard` or `shoal up` printed (it carries the token)',
);

export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const { host, logger } = opts;
  const token = opts.token ?? generateApiToken();
  if (token.length < 16) throw new Error('the dashboard token must be at least 16 characters');
  const api: DashboardApiHandler = createDashboardApi(host);
  const upgraded = new Set<Duplex>();
  let port = 0; // known once listening; no request arrives before
  let csp = '';

  function securityHeaders(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  }

  /** Why the request's Host or Origin is refused, or undefined when it names this server. */
  function originProblem(req: IncomingMessage): string | undefined {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    const hostHeader = req.headers.host?.toLowerCase();
    if (!hostHeader || !allowedHosts.includes(hostHeader)) {
      return `the Host header must be ${allowedHosts.join(' or ')}, not "${hostHeader ?? ''}"`;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
      return `requests from ${origin} are not allowed`;
    }
    return undefined;
  }

  function authorized(req: IncomingMessage, allowProtocol: boolean): boolean {
    const fromHeader = bearerFromHeader(req);
    if (fromHeader !== undefined) return tokenMatches(fromHeader, token);
    if (!allowProtocol) return false;
    return tokenMatches(bearerFromProtocols(offeredProtocols(req)), token);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      req.resume();
      return sendStatus(res, failure('BadRequest', 'the request URL is malformed'));
    }
    const problem = originProblem(req);
    if (problem) {
      req.resume();
      return sendStatus(res, failure('Forbidden', problem));
    }
    const { pathname } = url;
    const isDashboardApi = pathname.startsWith(`${DASHBOARD_API_PREFIX}/`);
    if (!isDashboardApi && !isAgentApiPath(pathname)) return serveStatic(req, res, opts.distDir, pathname);
    if (!authorized(req, false)) {
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer realm="shoal-dashboard"');
      return sendStatus(res, UNAUTHORIZED);
    }
    if (isDashboardApi) {
      const method = req.method ?? 'GET';
      let body: unknown;
      if (method === 'POST' || method === 'PUT' || method === 'PATCH')
        body = await readJson(req, MAX_ACTION_BODY_BYTES);
      else req.resume();
      const answer = await api(method, pathname, body);
      return sendJson(res, answer.status, answer.body);
    }
    const target = await host.target();
    if (!target) {
      req.resume();
      return sendStatus(res, host.unreachable());
    }
    forwardRequest(req, res, target, `${pathname}${url.search}`, (cause) => host.unreachable(cause));
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (err) => logger.debug({ err }, 'dashboard upgrade socket error'));
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return rejectUpgrade(socket, failure('BadRequest', 'the request URL is malformed'));
    }
    const problem = originProblem(req);
    if (problem) return rejectUpgrade(socket, failure('Forbidden', problem));
    if (!authorized(req, true)) return rejectUpgrade(socket, UNAUTHORIZED);
    if (!isAgentApiPath(url.pathname)) {
      return rejectUpgrade(socket, failure('NotFound', `${url.pathname} is not a WebSocket endpoint`));
    }
    const target = await host.target();
    if (!target) return rejectUpgrade(socket, host.unreachable());
    forwardUpgrade(req, socket, head, target, `${url.pathname}${url.search}`, (cause) =>
      host.unreachable(cause),
    );
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      const status = statusFromError(err);
      if (status.code >= 500) logger.error({ err, url: req.url }, 'dashboard request failed');
      req.resume();
      if (res.headersSent) res.destroy();
      else sendStatus(res, status);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((err: unknown) => rejectUpgrade(socket, statusFromError(err)));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) rejectUpgrade(socket, badRequest('malformed HTTP request').status);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `port ${opts.port ?? DEFAULT_DASHBOARD_PORT} on ${LISTEN_HOST} is in use: choose another (0 picks a free one)`,
            )
          : err,
      );
    });
    server.listen(opts.port ?? DEFAULT_DASHBOARD_PORT, LISTEN_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  csp = contentSecurityPolicy(port);
  const url = `http://${LISTEN_HOST}:${port}`;
  logger.info({ port }, 'dashboard listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    token,
    dashboardUrl: `${url}/#token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      });
      return closing;
    },
  };
}
