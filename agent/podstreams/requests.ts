// What a pod stream asks for. The same objects travel from the API to the local runtime and, as JSON in an
// OPEN frame, to the agent hosting the pod, which parses them again: a peer's request is untrusted input.
import { z } from 'zod';
import { PodStreamError } from './errors.ts';

const name = z.string().min(1).max(253);
const size = z.number().int().min(1).max(65535);

export const logsRequestSchema = z.strictObject({
  kind: z.literal('logs'),
  namespace: name,
  pod: name,
  /** Optional when the pod has one container. */
  container: name.optional(),
  follow: z.boolean().default(false),
  tailLines: z.number().int().min(0).max(1_000_000_000).optional(),
  sinceSeconds: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 86_400)
    .optional(),
  /** The run before the current one (after a restart). */
  previous: z.boolean().default(false),
  timestamps: z.boolean().default(false),
});

export const execRequestSchema = z.strictObject({
  kind: z.literal('exec'),
  namespace: name,
  pod: name,
  container: name.optional(),
  command: z
    .array(z.string().max(64 * 1024))
    .min(1)
    .max(1024),
  stdin: z.boolean().default(false),
  tty: z.boolean().default(false),
  cols: size.optional(),
  rows: size.optional(),
});

export const portForwardRequestSchema = z.strictObject({
  kind: z.literal('portForward'),
  namespace: name,
  pod: name,
  port: z.number().int().min(1).max(65535),
});

export const podStreamRequestSchema = z.discriminatedUnion('kind', [
  logsRequestSchema,
  execRequestSchema,
  portForwardRequestSchema,
]);

export type LogsRequest = z.infer<typeof logsRequestSchema>;
export type ExecRequest = z.infer<typeof execRequestSchema>;
export type PortForwardRequest = z.infer<typeof portForwardRequestSchema>;
export type PodStreamRequest = z.infer<typeof podStreamRequestSchema>;
/** What callers write: defaults may be left out. */
export type PodStreamRequestInput = z.input<typeof podStreamRequestSchema>;

/** Parses a request (from the API or a peer); a BadRequest naming the first wrong field otherwise. */
export function parsePodStreamRequest(value: unknown): PodStreamRequest {
  const parsed = podStreamRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  throw new PodStreamError(
    'BadRequest',
    `invalid pod stream request: ${path ? `${path}: ` : ''}${issue?.message ?? 'malformed'}`,
  );
}

/** Parses the JSON of an OPEN frame. */
export function parsePodStreamRequestJson(text: string): PodStreamRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PodStreamError('BadRequest', 'invalid pod stream request: not JSON');
  }
  return parsePodStreamRequest(value);
}
