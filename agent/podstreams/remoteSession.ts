// The two halves of a pod stream that crosses the swarm: `remoteSession` is the requesting agent's
// PodSession over a mux stream; `serveSession` pumps a local PodSession into a stream a peer opened.

import { toPodStreamError } from './errors.ts';
import type { Fd } from './frames.ts';
import type { MuxStream } from './StreamMux.ts';
import type { PodSession, SessionEvent } from './session.ts';

export function remoteSession(stream: MuxStream): PodSession {
  async function* events(): AsyncIterable<SessionEvent> {
    for await (const event of stream.events()) {
      if (event.type === 'exit') yield event;
      else if ((event.type === 'data' || event.type === 'end') && event.fd !== 0)
        yield event.type === 'data'
          ? { type: 'data', fd: event.fd, data: event.data }
          : { type: 'end', fd: event.fd };
      // stdin frames and resizes from the serving side make no sense: ignored.
    }
  }
  return {
    events,
    write: (data) => stream.send(0, data),
    endInput: () => stream.sendEnd(0),
    resize: (size) => stream.sendResize(size.cols, size.rows),
    close: () => stream.close(),
  };
}

/** Serves `session` on `stream` until either side ends; never throws. */
export function serveSession(stream: MuxStream, session: PodSession): void {
  const output = async () => {
    try {
      for await (const event of session.events()) {
        if (event.type === 'data') {
          if (!(await stream.send(event.fd as Fd, event.data))) break;
        } else if (event.type === 'end') stream.sendEnd(event.fd);
        else stream.sendExit(event.code);
      }
      await stream.finish();
    } catch (err) {
      const e = toPodStreamError(err);
      await stream.finishWithError(e.reason, e.message).catch(() => {});
    } finally {
      session.close();
    }
  };
  const input = async () => {
    try {
      for await (const event of stream.events()) {
        if (event.type === 'data' && event.fd === 0) {
          // Input the session cannot take (no stdin was asked for) is dropped.
          await session.write(event.data);
        } else if (event.type === 'end' && event.fd === 0) session.endInput();
        else if (event.type === 'resize') session.resize({ cols: event.cols, rows: event.rows });
      }
    } catch {
      // The requester is gone (its connection, or a reset): stop the work on this side.
    }
    if (stream.done) session.close();
  };
  void output();
  void input();
}
