// The client side of a Docker exec: turns the hijacked connection of `exec.start` into an ExecSession.
// DockerRuntime makes the engine calls (and maps their errors); this file only moves bytes.
//
// Without a terminal the engine multiplexes stdout and stderr on the connection (demuxFrames splits
// them); with one it sends the terminal's raw output. The process's exit code is only known to the
// engine, so it is asked (`inspectExit`) once the connection has ended, that is once the output has
// been copied to the session's streams.

import { type Duplex, PassThrough, Writable } from 'node:stream';
import { type ExecSession, RuntimeError, type TerminalSize } from './ContainerRuntime.ts';
import { demuxFrames } from './demuxFrames.ts';

export interface DockerExecConnection {
  /** The hijacked connection returned by `exec.start({ hijack: true })`. */
  socket: Duplex;
  tty: boolean;
  stdin: boolean;
  signal?: AbortSignal;
  /** The engine's resize call, errors already mapped. */
  resize(size: TerminalSize): Promise<void>;
  /** The engine's exit code of the exec'd process, once it has ended. */
  inspectExit(): Promise<number>;
}

export function dockerExecSession(conn: DockerExecConnection): ExecSession {
  const { socket, tty } = conn;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let closed = false;
  let outputEnded = false;
  let wakeOnClose: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => {
    wakeOnClose = resolve;
  });
  // Errors of the connection surface through the pump's iteration; this only keeps a late one (after
  // the pump has finished) from becoming an uncaught 'error' event.
  socket.on('error', () => {});

  async function deliver(target: PassThrough, data: Buffer): Promise<void> {
    if (closed || target.writableEnded) return;
    if (target.write(data)) return;
    // Back-pressure: a consumer that does not read slows the process down, as a pipe would.
    let onDrain: () => void = () => {};
    const drained = new Promise<void>((resolve) => {
      onDrain = resolve;
      target.once('drain', onDrain);
    });
    await Promise.race([drained, whenClosed]);
    target.off('drain', onDrain);
  }

  async function pump(): Promise<void> {
    if (tty) {
      for await (const piece of socket as AsyncIterable<Buffer | string>) {
        await deliver(stdout, typeof piece === 'string' ? Buffer.from(piece, 'binary') : piece);
      }
    } else {
      for await (const chunk of demuxFrames(socket as AsyncIterable<Buffer>)) {
        await deliver(chunk.stream === 'stdout' ? stdout : stderr, chunk.data);
      }
    }
  }

  function endOutput(): void {
    if (outputEnded) return;
    outputEnded = true;
    stdout.end();
    stderr.end();
  }

  function close(): void {
    if (closed) return;
    closed = true;
    wakeOnClose();
    socket.destroy();
    endOutput();
  }

  if (tty) stderr.end();
  const onAbort = () => close();
  if (conn.signal?.aborted) close();
  else conn.signal?.addEventListener('abort', onAbort, { once: true });

  const exitCode = pump().then(
    async () => {
      endOutput();
      conn.signal?.removeEventListener('abort', onAbort);
      // Ended from this side while the process was still writing: its exit code is not known yet.
      if (closed) throw new RuntimeError('exec session closed before the process ended');
      return conn.inspectExit();
    },
    (err: unknown) => {
      endOutput();
      conn.signal?.removeEventListener('abort', onAbort);
      if (closed) throw new RuntimeError('exec session closed before the process ended');
      throw err instanceof Error ? err : new RuntimeError(String(err));
    },
  );
  // Callers that only read the output must not crash the process with an unhandled rejection.
  exitCode.catch(() => {});

  const session: ExecSession = {
    stdout,
    stderr,
    exitCode,
    close,
    resize: async (size) => {
      if (!tty || closed || outputEnded) return;
      try {
        await conn.resize(size);
      } catch (err) {
        // The process ended while the resize was on its way: nothing left to resize.
        if (closed || outputEnded) return;
        throw err;
      }
    },
  };
  if (conn.stdin) session.stdin = stdinWriter(socket);
  return session;
}

/**
 * The process's stdin: writes go to the connection, and ending it half-closes the connection, which the
 * engine turns into end-of-file for the process. Writes after the process ended are dropped (as with a
 * pipe whose reader is gone) rather than raised as errors nobody listens to.
 */
function stdinWriter(socket: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (socket.writableEnded || socket.destroyed) return callback();
      socket.write(chunk, () => callback());
    },
    final(callback) {
      if (!socket.writableEnded && !socket.destroyed) socket.end();
      callback();
    },
  });
}
