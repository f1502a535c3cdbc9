// Why a pod stream could not be served, with a reason that maps onto a Kubernetes Status. Crosses the swarm
// in ERROR frames, so the CLI on one machine sees the same words the hosting agent chose.

export const POD_STREAM_REASONS = [
  'NotFound',
  'BadRequest',
  'Conflict',
  'ServiceUnavailable',
  'InternalError',
] as const;
export type PodStreamReason = (typeof POD_STREAM_REASONS)[number];

export class PodStreamError extends Error {
  override name = 'PodStreamError';
  constructor(
    readonly reason: PodStreamReason,
    message: string,
  ) {
    super(message);
  }
}

export function isPodStreamReason(value: string): value is PodStreamReason {
  return (POD_STREAM_REASONS as readonly string[]).includes(value);
}

/** Any error as a PodStreamError; unexpected ones become InternalError with their message. */
export function toPodStreamError(err: unknown): PodStreamError {
  if (err instanceof PodStreamError) return err;
  return new PodStreamError('InternalError', err instanceof Error ? err.message : String(err));
}
