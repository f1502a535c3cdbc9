// Bearer-token checks for every request and WebSocket upgrade. The token travels in the `Authorization`
// header; browsers, which cannot set headers on a WebSocket, may use a `Sec-WebSocket-Protocol` entry (as
// Kubernetes does: `base64url.bearer.authorization.k8s.io.<token in base64url>`) or `?token=`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison (hashing first makes the lengths equal, so length is not leaked either). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export function bearerFromHeader(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The offered WebSocket subprotocols, trimmed. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function bearerFromProtocols(protocols: readonly string[]): string | undefined {
  for (const p of protocols) {
    if (p.startsWith(BEARER_PROTOCOL_PREFIX)) {
      return Buffer.from(p.slice(BEARER_PROTOCOL_PREFIX.length), 'base64url').toString('utf8');
    }
  }
  return undefined;
}

/** The subprotocol that carries `token`, for browser clients. */
export function bearerProtocol(token: string): string {
  return BEARER_PROTOCOL_PREFIX + Buffer.from(token, 'utf8').toString('base64url');
}

/** Whether the request proves the token. `allowQueryToken` only for WebSocket upgrades. */
export function isAuthorized(
  req: IncomingMessage,
  url: URL,
  token: string,
  allowQueryToken = false,
): boolean {
  const fromHeader = bearerFromHeader(req);
  if (fromHeader !== undefined) return tokenMatches(fromHeader, token);
  if (!allowQueryToken) return false;
  const fromProtocol = bearerFromProtocols(offeredProtocols(req));
  if (fromProtocol !== undefined) return tokenMatches(fromProtocol, token);
  const fromQuery = url.searchParams.get('token');
  return fromQuery !== null && tokenMatches(fromQuery, token);
}
