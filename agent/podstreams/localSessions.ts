// Serving a pod stream from this machine's engine: the pod runs here, so logs come from the runtime, exec
// runs through it, and a port-forward dials the pod's sandbox address. Each returns a PodSession.

import type { Pod } from '../../shared/model/types.ts';
import { ConflictError, type ContainerRuntime, NotFoundError } from '../kubelet/runtime/ContainerRuntime.ts';
import { connectHalfOpen } from '../net/connectHalfOpen.ts';
import { PodStreamError, toPodStreamError } from './errors.ts';
import { chooseContainer, findContainerRun, findPodIp } from './podContainers.ts';
import { queueReadables } from './readableEvents.ts';
import type { ExecRequest, LogsRequest, PortForwardRequest } from './requests.ts';
import type { PodSession, SessionEvent } from './session.ts';

const CONNECT_TIMEOUT_MS = 10_000;

export async function localLogs(runtime: ContainerRuntime, pod: Pod, req: LogsRequest): Promise<PodSession> {
  const container = chooseContainer(pod, req.container);
  const run = await findContainerRun(runtime, pod, container, req.previous);
  const abort = new AbortController();
  const chunks = runtime.logs(run.id, {
    follow: req.follow,
    ...(req.tailLines !== undefined ? { tail: req.tailLines } : {}),
    ...(req.sinceSeconds !== undefined ? { since: new Date(Date.now() - req.sinceSeconds * 1000) } : {}),
    timestamps: req.timestamps,
    signal: abort.signal,
  });
  async function* events(): AsyncIterable<SessionEvent> {
    try {
      for await (const chunk of chunks) {
        yield { type: 'data', fd: chunk.stream === 'stdout' ? 1 : 2, data: chunk.data };
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      if (err instanceof NotFoundError)
        throw new PodStreamError(
          'NotFound',
          `container "${container.name}" was removed while reading its logs`,
        );
      throw toPodStreamError(err);
    } finally {
      abort.abort();
    }
  }
  return {
    events,
    write: async () => false,
    endInput: () => {},
    resize: () => {},
    close: () => abort.abort(),
  };
}

export async function localExec(runtime: ContainerRuntime, pod: Pod, req: ExecRequest): Promise<PodSession> {
  const container = chooseContainer(pod, req.container);
  const run = await findContainerRun(runtime, pod, container, false);
  if (run.state !== 'running')
    throw new PodStreamError(
      'BadRequest',
      `cannot exec in container "${container.name}" of pod "${pod.metadata.name}": it is ${run.state}, not running`,
    );
  const abort = new AbortController();
  let session: Awaited<ReturnType<ContainerRuntime['exec']>>;
  try {
    session = await runtime.exec(run.id, {
      command: req.command,
      tty: req.tty,
      stdin: req.stdin,
      ...(req.cols !== undefined && req.rows !== undefined
        ? { size: { cols: req.cols, rows: req.rows } }
        : {}),
      signal: abort.signal,
    });
  } catch (err) {
    if (err instanceof ConflictError || err instanceof NotFoundError)
      throw new PodStreamError('BadRequest', `cannot exec in container "${container.name}": ${err.message}`);
    throw toPodStreamError(err);
  }
  const queue = queueReadables(
    [
      { fd: 1, stream: session.stdout },
      { fd: 2, stream: session.stderr },
    ],
    {
      onAllEnded: (q) => {
        session.exitCode.then(
          (code) => {
            q.push({ type: 'exit', code });
            q.end();
          },
          (err: unknown) => q.fail(toPodStreamError(err)),
        );
      },
      onAbandon: () => abort.abort(),
    },
  );
  const stdin = session.stdin;
  return {
    events: () => queue,
    write: (data) => writeTo(stdin, data),
    endInput: () => stdin?.end(),
    resize: (size) => {
      session.resize(size).catch(() => {});
    },
    close: () => {
      abort.abort();
      session.close();
    },
  };
}

export async function localPortForward(
  runtime: ContainerRuntime,
  pod: Pod,
  req: PortForwardRequest,
): Promise<PodSession> {
  const ip = await findPodIp(runtime, pod);
  const socket = await connectHalfOpen(ip, req.port, CONNECT_TIMEOUT_MS).catch((err: unknown) => {
    throw new PodStreamError(
      'ServiceUnavailable',
      `cannot connect to port ${req.port} of pod ${pod.metadata.name} (${ip}): ${(err as Error).message}`,
    );
  });
  const queue = queueReadables([{ fd: 1, stream: socket }], {
    halfClose: true,
    onAllEnded: () => {},
    onAbandon: () => socket.destroy(),
  });
  // The session is over when the connection is, in both directions.
  socket.on('close', () => queue.end());
  socket.on('error', () => {});
  return {
    events: () => queue,
    write: (data) => writeTo(socket, data),
    endInput: () => {
      if (!socket.destroyed) socket.end();
    },
    resize: () => {},
    close: () => socket.destroy(),
  };
}

/** Writes with back-pressure: resolves when the stream took the bytes (after 'drain' if it was full). */
async function writeTo(stream: NodeJS.WritableStream | undefined, data: Buffer): Promise<boolean> {
  if (!stream) return false;
  const writable = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  if (writable.destroyed || writable.writableEnded) return false;
  if (stream.write(data)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  return !writable.destroyed;
}
