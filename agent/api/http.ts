// Request and response helpers: bounded JSON bodies, JSON answers, Status answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, failure, type KubeStatus, StatusError } from './kubeStatus.ts';

/** Bodies above this are refused with 413 (Kubernetes' limit is 3 MiB per object; a List may be larger). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** A client that keeps sending this much past the limit is disconnected rather than drained. */
const MAX_DRAIN_BYTES = 10 * MAX_BODY_BYTES;

export function sendJson(res: ServerResponse, code: number, value: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export function sendStatus(res: ServerResponse, status: KubeStatus): void {
  sendJson(res, status.code, status);
}

/** Reads the whole body (at most `limit` bytes; more is a 413 once the client has finished sending). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        // Drained so the client can read the 413; a client that never stops is cut off.
        if (size > MAX_DRAIN_BYTES) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        reject(
          new StatusError(failure('RequestEntityTooLarge', `the request body is larger than ${limit} bytes`)),
        );
      } else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** The body as JSON; 400 when it is empty or not JSON, 415 when it declares another media type. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const body = await readBody(req, limit);
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && !type?.endsWith('+json')) {
    throw new StatusError(
      failure('UnsupportedMediaType', `the body must be application/json, not "${type}"`),
    );
  }
  if (body.length === 0) throw badRequest('the request body is empty; expected a JSON object');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}
