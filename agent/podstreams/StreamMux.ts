// Many pod streams over one peer connection (`shoal/pod-streams/1`): the opener sends OPEN with its
// request, the other side answers READY (then data) or ERROR; either side ends a stream with CLOSE (done,
// or "stop") or ERROR (failed, or reset after a bad frame). Both sides of every stream may send data.
//
// Flow control is credit-based, per stream and direction: a sender may have at most WINDOW bytes that the
// receiver's consumer has not taken; the receiver grants them back (CREDIT) as its consumer pulls. A
// `logs -f` faster than the client therefore waits in the container's log, not in this agent's memory.
//
// Everything received is untrusted. A frame that cannot be read at all closes the channel (there is no way
// to know what else was lost); a bad frame about one stream (over its window, oversized, an OPEN with an
// invalid request...) resets that stream only. Nothing a peer sends throws out of `receive`.
import type { Logger } from 'pino';
import { EventQueue } from './EventQueue.ts';
import { isPodStreamReason, PodStreamError, type PodStreamReason } from './errors.ts';
import { decodeFrame, encodeFrame, type Fd, type Frame, type FrameBody, MAX_DATA_BYTES } from './frames.ts';

export const PROTOCOL = 'shoal/pod-streams/1';
/** Bytes a sender may have in flight per stream and direction. */
export const WINDOW = 256 * 1024;
/** Streams a peer may have open on this agent at once. */
export const MAX_INCOMING_STREAMS = 64;
/** How long the opener waits for READY or ERROR (the serving agent asks its engine first). */
export const OPEN_TIMEOUT_MS = 30_000;

/** The connection under the mux: a protomux channel in the agent, two in-memory ends in tests. */
export interface FrameLink {
  send(frame: Uint8Array): void;
  /** Ends the connection (a peer that sent garbage). */
  close(): void;
}

export type MuxEvent =
  | { type: 'data'; fd: Fd; data: Buffer }
  | { type: 'end'; fd: Fd }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'exit'; code: number };

/** Serves a stream a peer opened: validate `request`, call `ready()` or `fail()`, then exchange data. */
export type IncomingStreamHandler = (request: string, stream: MuxStream) => void | Promise<void>;

export interface StreamMuxOptions {
  link: FrameLink;
  /** Who is on the other end, for messages: `node "b" (peer 1a2b3c…)`; asked when needed, as it may change. */
  peerLabel: string | (() => string);
  onIncoming: IncomingStreamHandler;
  logger: Logger;
  /** Default WINDOW; smaller in tests. */
  window?: number;
  maxIncomingStreams?: number;
}

type StreamState = 'opening' | 'open' | 'done';

export class MuxStream {
  readonly id: number;
  /** true when this side opened the stream. */
  readonly mine: boolean;
  readonly #mux: StreamMux;
  readonly #events: EventQueue<MuxEvent>;
  #state: StreamState;
  #sendCredit: number;
  /** Bytes received and not yet granted back. */
  #unacked = 0;
  /** Bytes the consumer took and not yet granted back. */
  #taken = 0;
  #creditWaiters: (() => void)[] = [];
  #ready?: { resolve: () => void; reject: (err: PodStreamError) => void };
  #sending: Promise<unknown> = Promise.resolve();

  /** @internal created by StreamMux */
  constructor(mux: StreamMux, id: number, mine: boolean, window: number) {
    this.#mux = mux;
    this.id = id;
    this.mine = mine;
    this.#state = mine ? 'opening' : 'open';
    this.#sendCredit = window;
    this.#events = new EventQueue<MuxEvent>({
      onTaken: (event) => {
        if (event.type !== 'data') return;
        this.#taken += event.data.length;
        // Grant back in halves of the window, or at once when the consumer has caught up.
        if (this.#taken >= window / 2 || this.#events.length === 0) this.#grant();
      },
      onAbandon: () => this.close(),
    });
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  /** What the other side sends, in order; ends on its CLOSE, throws a PodStreamError on failure. */
  events(): AsyncIterable<MuxEvent> {
    return this.#events;
  }

  /** @internal resolves once the server answered READY. */
  whenReady(): Promise<void> {
    if (this.#state !== 'opening') return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
  }

  /** The serving side accepts the stream. */
  ready(): void {
    if (this.#state !== 'open' || this.mine) return;
    this.#frame({ type: 'ready' });
  }

  /** Sends data, split into frames and waiting for credit; false once the stream is over. */
  send(fd: Fd, data: Buffer): Promise<boolean> {
    const result = this.#sending.then(async () => {
      let offset = 0;
      while (offset < data.length) {
        if (this.done) return false;
        if (this.#sendCredit <= 0) {
          await new Promise<void>((resolve) => this.#creditWaiters.push(resolve));
          continue;
        }
        const size = Math.min(data.length - offset, this.#sendCredit, MAX_DATA_BYTES);
        this.#sendCredit -= size;
        this.#frame({ type: 'data', fd, data: data.subarray(offset, offset + size) });
        offset += size;
      }
      return !this.done;
    });
    this.#sending = result.catch(() => {});
    return result;
  }

  /** Sent after the data queued before it. */
  sendEnd(fd: Fd): void {
    this.#after(() => this.#frame({ type: 'end', fd }));
  }

  sendResize(cols: number, rows: number): void {
    this.#after(() => this.#frame({ type: 'resize', cols, rows }));
  }

  sendExit(code: number): void {
    this.#after(() => this.#frame({ type: 'exit', code }));
  }

  /** Ends the stream from this side once the data queued so far is sent (or at once: see `close`). */
  finish(): Promise<void> {
    return this.#after(() => this.close());
  }

  /** Fails the stream once the data queued so far is sent. */
  finishWithError(reason: PodStreamReason, message: string): Promise<void> {
    return this.#after(() => this.fail(reason, message));
  }

  /** Ends the stream now: the other side's events end, and its sends return false. */
  close(): void {
    if (this.done) return;
    this.#frame({ type: 'close' });
    this.#terminate();
    this.#events.end();
  }

  /** Fails the stream: the other side sees this error. */
  fail(reason: PodStreamReason, message: string): void {
    if (this.done) return;
    this.#frame({ type: 'error', reason, message });
    this.#terminate();
    this.#events.fail(new PodStreamError(reason, message));
    this.#ready?.reject(new PodStreamError(reason, message));
  }

  #after(fn: () => void): Promise<void> {
    const next = this.#sending.then(() => {
      if (!this.done) fn();
    });
    this.#sending = next.catch(() => {});
    return next;
  }

  #frame(body: FrameBody): void {
    this.#mux.sendFrame({ ...body, senderOwns: this.mine, id: this.id } as Frame);
  }

  #grant(): void {
    if (this.#taken === 0 || this.done) return;
    const bytes = this.#taken;
    this.#taken = 0;
    this.#unacked -= bytes;
    this.#frame({ type: 'credit', bytes });
  }

  #terminate(): void {
    this.#state = 'done';
    this.#mux.forget(this);
    for (const wake of this.#creditWaiters.splice(0)) wake();
  }

  /** @internal a frame for this stream arrived. */
  receive(frame: Frame, window: number): void {
    if (this.done) return;
    switch (frame.type) {
      case 'ready':
        if (this.#state !== 'opening') {
          this.#violation('READY on a stream already open');
          return;
        }
        this.#state = 'open';
        this.#ready?.resolve();
        return;
      case 'error': {
        const reason = isPodStreamReason(frame.reason) ? frame.reason : 'InternalError';
        const err = new PodStreamError(reason, frame.message);
        this.#terminate();
        this.#ready?.reject(err);
        this.#events.fail(err);
        return;
      }
      case 'close':
        this.#terminate();
        this.#ready?.reject(
          new PodStreamError('InternalError', 'the peer closed the stream before it opened'),
        );
        this.#events.end();
        return;
      case 'credit':
        if (this.#sendCredit + frame.bytes > window) {
          this.#violation('credit beyond the flow-control window');
          return;
        }
        this.#sendCredit += frame.bytes;
        for (const wake of this.#creditWaiters.splice(0)) wake();
        return;
      case 'open':
        this.#violation('OPEN for a stream id already in use');
        return;
    }
    if (this.#state === 'opening') {
      this.#violation(`${frame.type.toUpperCase()} before READY`);
      return;
    }
    switch (frame.type) {
      case 'data':
        this.#unacked += frame.data.length;
        if (this.#unacked > window) {
          this.#violation('data beyond the flow-control window');
          return;
        }
        this.#events.push({ type: 'data', fd: frame.fd, data: frame.data });
        return;
      case 'end':
        this.#events.push({ type: 'end', fd: frame.fd });
        return;
      case 'resize':
        this.#events.push({ type: 'resize', cols: frame.cols, rows: frame.rows });
        return;
      case 'exit':
        this.#events.push({ type: 'exit', code: frame.code });
        return;
    }
  }

  /** @internal the connection is gone. */
  lost(message: string): void {
    if (this.done) return;
    const err = new PodStreamError('ServiceUnavailable', message);
    this.#terminate();
    this.#ready?.reject(err);
    this.#events.fail(err);
  }

  #violation(what: string): void {
    this.#mux.logViolation(this.id, what);
    this.fail('BadRequest', `pod stream reset: the peer broke the protocol (${what})`);
  }
}

export class StreamMux {
  readonly #o: StreamMuxOptions;
  readonly #window: number;
  readonly #mine = new Map<number, MuxStream>();
  readonly #theirs = new Map<number, MuxStream>();
  #nextId = 1;
  #lost: string | undefined;

  constructor(opts: StreamMuxOptions) {
    this.#o = opts;
    this.#window = opts.window ?? WINDOW;
  }

  get peerLabel(): string {
    const label = this.#o.peerLabel;
    return typeof label === 'string' ? label : label();
  }

  get streamCount(): number {
    return this.#mine.size + this.#theirs.size;
  }

  /** Opens a stream with `request` (JSON); resolves once the peer accepted it, rejects with its error. */
  async open(request: string, timeoutMs = OPEN_TIMEOUT_MS): Promise<MuxStream> {
    if (this.#lost !== undefined) throw new PodStreamError('ServiceUnavailable', this.#lost);
    const id = this.#nextId++;
    const stream = new MuxStream(this, id, true, this.#window);
    this.#mine.set(id, stream);
    const ready = stream.whenReady();
    this.sendFrame({ type: 'open', senderOwns: true, id, request });
    const timer = setTimeout(
      () => stream.fail('ServiceUnavailable', `${this.peerLabel} did not answer within ${timeoutMs} ms`),
      timeoutMs,
    );
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
    return stream;
  }

  /** A frame from the peer; never throws. */
  receive(bytes: Uint8Array): void {
    if (this.#lost !== undefined) return;
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) {
      this.#o.logger.warn({ peer: this.peerLabel, error: decoded.error }, 'bad pod-stream frame');
      // Without its stream id, a frame's loss cannot be confined: drop the whole channel.
      if (decoded.id === undefined) {
        this.destroy(`${this.peerLabel} sent an unreadable pod-stream frame`);
        this.#o.link.close();
        return;
      }
      const message = `pod stream reset: ${decoded.error}`;
      const streams = decoded.senderOwns ? this.#theirs : this.#mine;
      const stream = streams.get(decoded.id);
      if (stream) stream.fail('BadRequest', message);
      else if (decoded.senderOwns) {
        // An OPEN we could not read: tell the opener, which is waiting for an answer.
        this.sendFrame({ type: 'error', senderOwns: false, id: decoded.id, reason: 'BadRequest', message });
      }
      return;
    }
    const { frame } = decoded;
    // The sender's streams are our "theirs"; frames about streams we opened have senderOwns false.
    const streams = frame.senderOwns ? this.#theirs : this.#mine;
    const stream = streams.get(frame.id);
    if (stream) {
      stream.receive(frame, this.#window);
      return;
    }
    if (frame.type === 'open' && frame.senderOwns) {
      this.#accept(frame.id, frame.request);
      return;
    }
    // A frame for a stream that just ended here (it crossed our CLOSE): nothing to do.
  }

  #accept(id: number, request: string): void {
    const stream = new MuxStream(this, id, false, this.#window);
    const limit = this.#o.maxIncomingStreams ?? MAX_INCOMING_STREAMS;
    this.#theirs.set(id, stream);
    if (this.#theirs.size > limit) {
      stream.fail('ServiceUnavailable', `too many pod streams from ${this.peerLabel} (limit ${limit})`);
      return;
    }
    try {
      const result = this.#o.onIncoming(request, stream);
      if (result instanceof Promise) result.catch((err: unknown) => this.#handlerFailed(stream, err));
    } catch (err) {
      this.#handlerFailed(stream, err);
    }
  }

  #handlerFailed(stream: MuxStream, err: unknown): void {
    this.#o.logger.warn({ err, peer: this.peerLabel }, 'serving a pod stream failed');
    stream.fail('InternalError', err instanceof Error ? err.message : String(err));
  }

  /** The connection ended: every stream fails with a message naming the peer. */
  destroy(reason = 'the connection closed'): void {
    if (this.#lost !== undefined) return;
    this.#lost = `lost the connection to ${this.peerLabel}: ${reason}`;
    for (const stream of [...this.#mine.values(), ...this.#theirs.values()]) stream.lost(this.#lost);
  }

  /** @internal */
  sendFrame(frame: Frame): void {
    if (this.#lost !== undefined) return;
    try {
      this.#o.link.send(encodeFrame(frame));
    } catch (err) {
      this.#o.logger.warn({ err, peer: this.peerLabel }, 'sending a pod-stream frame failed');
    }
  }

  /** @internal */
  forget(stream: MuxStream): void {
    const map = stream.mine ? this.#mine : this.#theirs;
    if (map.get(stream.id) === stream) map.delete(stream.id);
  }

  /** @internal */
  logViolation(id: number, what: string): void {
    this.#o.logger.warn({ peer: this.peerLabel, stream: id, what }, 'pod-stream protocol violation');
  }
}
