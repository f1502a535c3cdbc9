// A pod-streams port-forward session as a Node Duplex, so the proxy pipes a remote endpoint exactly as it
// pipes a local socket. Reading pulls the session's events (its back-pressure); writing waits for the
// session to accept the bytes; ending the writable side half-closes the connection to the pod.
import { Duplex } from 'node:stream';
import type { PodSession } from '../podstreams/session.ts';

export function sessionStream(session: PodSession): Duplex {
  const events = session.events()[Symbol.asyncIterator]();
  let pumping = false;
  let ended = false;

  const stream = new Duplex({
    allowHalfOpen: true,
    read() {
      if (!pumping) void pump();
    },
    write(chunk: Buffer, _encoding, callback) {
      session.write(chunk).then(
        (accepted) => callback(accepted ? null : new Error('the connection to the pod is closed')),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
    final(callback) {
      session.endInput();
      callback();
    },
    destroy(err, callback) {
      session.close();
      callback(err);
    },
  });

  function end(): void {
    if (ended) return;
    ended = true;
    stream.push(null);
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      for (;;) {
        const next = await events.next();
        if (next.done) {
          end();
          return;
        }
        const event = next.value;
        if (event.type === 'end') end();
        else if (event.type === 'data' && !ended && !stream.push(event.data)) return; // read() resumes
      }
    } catch (err) {
      stream.destroy(err instanceof Error ? err : new Error(String(err)));
    } finally {
      pumping = false;
    }
  }

  return stream;
}
