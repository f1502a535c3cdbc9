// Every argument that arrives over IPC comes from a renderer, which is treated as untrusted (it renders
// cluster data, and a bug there must not become a way to reach anything else). These schemas are the
// allow-list: which methods, which paths, how big, which ids. Each failure names what is wrong.
import { z } from 'zod';

/** The API prefixes a window may reach; the dashboard prefix is served in-process, the rest by the agent. */
export const API_PREFIXES = ['/api/', '/apis/', '/shoal/v1/'] as const;
export const DASHBOARD_PREFIX = '/shoal/dashboard/v1/';
export const ALLOWED_PREFIXES = [...API_PREFIXES, DASHBOARD_PREFIX] as const;

export const LIMITS = {
  pathChars: 4096,
  /** A request body, as JSON text (a large multi-document apply fits). */
  bodyBytes: 8 * 1024 * 1024,
  /** One message a window sends on a socket (exec stdin, resize). */
  socketMessageBytes: 1024 * 1024,
  protocols: 8,
  protocolChars: 256,
} as const;

const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]+$/;
const TOKEN_CHARS = /^[A-Za-z0-9.!#$%&'*+^_`|~-]+$/;
const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export class IpcValidationError extends Error {
  override readonly name = 'IpcValidationError';
}

/** The path without its query. */
function pathPart(p: string): string {
  const q = p.indexOf('?');
  return q === -1 ? p : p.slice(0, q);
}

const apiPath = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.pathChars, `must be at most ${LIMITS.pathChars} characters`)
  .refine((p) => ALLOWED_PREFIXES.some((prefix) => p.startsWith(prefix)), {
    message: `must start with ${ALLOWED_PREFIXES.join(', ')}`,
  })
  .refine((p) => PATH_CHARS.test(p), { message: 'has characters a URL path may not hold (spaces, #, \\, …)' })
  // Only the path part: a query legitimately holds encoded slashes and dots (exec commands, label keys).
  .refine((p) => !/\.\.|%2e%2e|%2f|%5c/i.test(pathPart(p)), {
    message: 'must not contain ".." or encoded slashes',
  })
  .refine((p) => !pathPart(p).includes('//'), { message: 'must not contain "//"' });

const socketId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "-" or "_"');

const jsonBody = z.unknown().superRefine((body, ctx) => {
  if (body === undefined) return;
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `is not JSON: ${(err as Error).message}` });
    return;
  }
  if (text === undefined) ctx.addIssue({ code: 'custom', message: 'is not JSON' });
  else if (Buffer.byteLength(text) > LIMITS.bodyBytes)
    ctx.addIssue({ code: 'custom', message: `is larger than ${LIMITS.bodyBytes / 1024 / 1024} MiB` });
});

export const requestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], {
    error: 'must be one of GET, POST, PUT, PATCH, DELETE',
  }),
  path: apiPath,
  body: jsonBody.optional(),
});

const protocol = z
  .string()
  .min(1)
  .max(LIMITS.protocolChars, `must be at most ${LIMITS.protocolChars} characters`)
  .regex(TOKEN_CHARS, 'is not a valid WebSocket subprotocol')
  .refine((p) => !p.startsWith(BEARER_PROTOCOL_PREFIX), {
    message: 'must not carry a token: the app adds its own',
  });

const socketPath = apiPath.refine((p) => !p.startsWith(DASHBOARD_PREFIX), {
  message: 'must be an agent API path, not the onboarding API',
});

export const socketOpenSchema = z.strictObject({
  id: socketId,
  path: socketPath,
  protocols: z.array(protocol).max(LIMITS.protocols, `must be at most ${LIMITS.protocols}`),
});

const socketData = z.union(
  [
    z.string().refine((s) => Buffer.byteLength(s) <= LIMITS.socketMessageBytes, {
      message: `must be at most ${LIMITS.socketMessageBytes} bytes`,
    }),
    z.instanceof(Uint8Array).refine((b) => b.byteLength <= LIMITS.socketMessageBytes, {
      message: `must be at most ${LIMITS.socketMessageBytes} bytes`,
    }),
  ],
  { error: 'must be text or bytes' },
);

export const socketSendSchema = z.strictObject({ id: socketId, data: socketData });
export const relayIdSchema = z.strictObject({ id: socketId });
export const streamOpenSchema = z.strictObject({ id: socketId, path: socketPath });
export const ackSchema = z.strictObject({
  id: socketId,
  bytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
});
export const settingsPatchSchema = z.strictObject({ runWorkloads: z.boolean().optional() });

/** Parses `value`, or throws an IpcValidationError like `request.path: must start with /api/, …`. */
export function parseIpcArg<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
    return `${where}: ${issue.message}`;
  });
  throw new IpcValidationError(problems.join('; '));
}
