// Node readable streams (an exec's stdout and stderr, a TCP connection to a pod) into one pull-based queue
// of session events: a stream is paused while the queue holds more than HIGH_WATER bytes the consumer has
// not taken, so a chatty process waits in its pipe rather than in this agent's memory.
import { EventQueue } from './EventQueue.ts';
import type { OutputFd, SessionEvent } from './session.ts';

const HIGH_WATER = 256 * 1024;

export interface ReadableSource {
  fd: OutputFd;
  stream: NodeJS.ReadableStream;
}

/**
 * Feeds `sources` into a queue. `onAllEnded` runs once every source has ended (push the exit code, end the
 * queue); an error on a source fails the queue. `onAbandon`: the consumer stopped reading.
 */
export function queueReadables(
  sources: readonly ReadableSource[],
  opts: { onAllEnded(queue: EventQueue<SessionEvent>): void; onAbandon(): void; halfClose?: boolean },
): EventQueue<SessionEvent> {
  let buffered = 0;
  const queue: EventQueue<SessionEvent> = new EventQueue<SessionEvent>({
    onTaken: (event) => {
      if (event.type !== 'data') return;
      buffered -= event.data.length;
      if (buffered <= HIGH_WATER / 2) for (const s of sources) s.stream.resume();
    },
    onAbandon: opts.onAbandon,
  });
  let open = sources.length;
  const ended = () => {
    open--;
    if (open === 0) opts.onAllEnded(queue);
  };
  for (const { fd, stream } of sources) {
    let done = false;
    stream.on('data', (chunk: Buffer | string) => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (data.length === 0) return;
      buffered += data.length;
      queue.push({ type: 'data', fd, data });
      if (buffered > HIGH_WATER) stream.pause();
    });
    stream.on('end', () => {
      if (done) return;
      done = true;
      if (opts.halfClose) queue.push({ type: 'end', fd });
      ended();
    });
    stream.on('error', (err: Error) => queue.fail(err));
  }
  if (sources.length === 0) opts.onAllEnded(queue);
  return queue;
}
