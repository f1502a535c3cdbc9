// Runs a command in a container and collects what it prints, for exec probes (and anything else that
// wants a command's result rather than a live session). Like Kubernetes' exec prober, stdout and stderr
// are read together, in arrival order, and kept only up to a cap: a chatty probe must not grow the
// agent's memory. The rest is still read (and dropped) so that the process is never blocked on a pipe.

import type { ContainerRuntime, EnvVar } from './ContainerRuntime.ts';

export interface ExecCaptureOptions {
  /** Give up after this long: the session is closed and the result is `timedOut`. */
  timeoutMs: number;
  /** Output kept, in bytes (Kubernetes keeps 10 KiB of a probe's output). */
  maxBytes: number;
  env?: EnvVar[];
  /** Aborting closes the session; the call then rejects (unless the process had already ended). */
  signal?: AbortSignal;
}

export interface ExecCaptureResult {
  /** The process's exit code; -1 when it timed out (the code is then not known). */
  exitCode: number;
  /** stdout and stderr as they came, cut at `maxBytes`. */
  output: string;
  timedOut: boolean;
}

/**
 * Errors of the runtime (NotFoundError, ConflictError when the container is not running…) are thrown
 * as they are: they say the command could not be run at all, which the caller reports differently.
 */
export async function execCapture(
  runtime: ContainerRuntime,
  id: string,
  command: string[],
  options: ExecCaptureOptions,
): Promise<ExecCaptureResult> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs);
  const onAbort = () => abort.abort();
  if (options.signal?.aborted) abort.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const session = await runtime.exec(id, {
      command,
      signal: abort.signal,
      ...(options.env ? { env: options.env } : {}),
    });
    const kept: Buffer[] = [];
    let size = 0;
    const keep = async (stream: NodeJS.ReadableStream) => {
      for await (const part of stream) {
        const data = typeof part === 'string' ? Buffer.from(part) : part;
        const room = options.maxBytes - size;
        if (room <= 0) continue;
        const slice = data.length > room ? data.subarray(0, room) : data;
        kept.push(slice);
        size += slice.length;
      }
    };
    await Promise.all([keep(session.stdout), keep(session.stderr)]);
    const output = Buffer.concat(kept).toString('utf8');
    try {
      return { exitCode: await session.exitCode, output, timedOut: false };
    } catch (err) {
      if (timedOut) return { exitCode: -1, output, timedOut: true };
      throw err;
    }
  } catch (err) {
    // A timeout that struck while the session was being set up.
    if (timedOut) return { exitCode: -1, output: '', timedOut: true };
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
