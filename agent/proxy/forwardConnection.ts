// One client connection through the proxy: dial the balancer's candidates in turn until one answers, then
// relay both ways with half-close. No endpoint answering closes the client at once with a reset, as the
// REJECT rule of kube-proxy does, so the client fails fast instead of waiting on an empty connection.
//
// The relay is the proxy's whole cost per byte, so it skips Node's stream machinery where it can: a TCP
// socket (the client, and a local pod's connection) is read with `onread` into a buffer of the relay's
// own, reused from read to read, and each read is written straight to the other side. That spares the
// allocation and the Readable bookkeeping of every chunk, and a full buffer grows (to 1 MiB), so a bulk
// transfer takes few, large reads. Other streams (a remote pod's, over the swarm) are read as streams.
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { EndpointBalancer } from './EndpointBalancer.ts';
import type { ProxyTarget, ServiceDialer } from './types.ts';

export interface ForwardContext {
  balancer: EndpointBalancer;
  dialer: ServiceDialer;
  dialTimeoutMs: number;
  logger: Logger;
  service: string;
  portName: string;
  /** Registers the connection while it is open, so close() can end it; returns the unregistration. */
  track: (destroy: () => void) => () => void;
}

export async function forwardConnection(client: Socket, ctx: ForwardContext): Promise<void> {
  client.setNoDelay(true);
  // Errors before the pipe exists (a reset while dialling) must not become unhandled 'error' events.
  client.on('error', () => {});
  let upstream: Duplex | undefined;
  // Adopted sockets replace the originals in the relay: teardown must reach whichever are live.
  let relayed: readonly Duplex[] = [];
  const untrack = ctx.track(() => {
    client.destroy();
    upstream?.destroy();
    for (const stream of relayed) stream.destroy();
  });
  try {
    const clientIp = client.remoteAddress;
    for (const target of ctx.balancer.candidates(clientIp)) {
      if (client.destroyed) return;
      upstream = await dialWithTimeout(ctx, target, client);
      if (!upstream) continue;
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      ctx.balancer.opened(target, clientIp);
      await relayBoth(client, upstream, (streams) => {
        relayed = streams;
      });
      ctx.balancer.closed(target);
      return;
    }
    ctx.logger.debug({ service: ctx.service, port: ctx.portName }, 'no endpoint answered; client rejected');
    if (!client.destroyed) client.resetAndDestroy();
  } finally {
    untrack();
  }
}

/** The dialled stream, or undefined when the dial failed, timed out, or the client left meanwhile. */
async function dialWithTimeout(
  ctx: ForwardContext,
  target: ProxyTarget,
  client: Socket,
): Promise<Duplex | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onClientClose: (() => void) | undefined;
  const dialing = Promise.resolve().then(() => ctx.dialer.dial(target));
  const giveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      ctx.logger.debug(
        { service: ctx.service, endpoint: target },
        'endpoint dial timed out; trying the next',
      );
      resolve(undefined);
    }, ctx.dialTimeoutMs);
    onClientClose = () => resolve(undefined);
    client.once('close', onClientClose);
  });
  try {
    const stream = await Promise.race([dialing, giveUp]);
    if (!stream) {
      // A dial that answers after its deadline is not used: nobody is waiting for it any more.
      dialing.then((late) => late.destroy()).catch(() => {});
      return undefined;
    }
    if (stream.destroyed) return undefined;
    return stream;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.logger.debug(
      { service: ctx.service, endpoint: target, err: message },
      'endpoint dial failed; trying the next',
    );
    return undefined;
  } finally {
    clearTimeout(timer);
    if (onClientClose) client.off('close', onClientClose);
  }
}

/** The smallest and largest read buffer of one direction: idle connections hold little, bulk ones read big. */
const MIN_READ_BUFFER = 16 * 1024;
const MAX_READ_BUFFER = 1024 * 1024;

/**
 * Relays both ways until both streams have closed. Each side's end is passed on as the other's end (a
 * half-close); a stream that closes before it has sent its end, or that errors, tears the other down.
 * `onStreams` hears the streams actually relayed (sockets adopted for `onread` replace the originals).
 */
function relayBoth(
  client: Socket,
  upstream: Duplex,
  onStreams: (streams: readonly Duplex[]) => void,
): Promise<void> {
  if (upstream instanceof Socket) upstream.setNoDelay(true);
  // Both sides are settled before either is read: the onread callbacks need both.
  let a: Duplex = client;
  let b: Duplex = upstream;
  const fromClient = new ReadBuffer();
  const fromUpstream = new ReadBuffer();
  const adoptedClient = adopt(client, fromClient);
  if (adoptedClient) a = adoptedClient;
  const adoptedUpstream = adopt(upstream, fromUpstream);
  if (adoptedUpstream) b = adoptedUpstream;
  fromClient.connect(a, b);
  fromUpstream.connect(b, a);
  onStreams([a, b]);
  return new Promise((resolve) => {
    let closed = 0;
    const destroyBoth = () => {
      a.destroy();
      b.destroy();
    };
    const onClose = (other: Duplex) => () => {
      // `writableEnded` on the other side means this side's end was passed along: a clean close.
      if (!other.writableEnded) other.destroy();
      closed += 1;
      if (closed < 2) return;
      // The originals whose handles were adopted are empty shells: closing them settles the server's
      // connection count and tells whoever listens on them (the dialer) that the connection is over.
      if (adoptedClient) client.destroy();
      if (adoptedUpstream) upstream.destroy();
      resolve();
    };
    a.on('error', destroyBoth);
    b.on('error', destroyBoth);
    a.once('close', onClose(b));
    b.once('close', onClose(a));
    if (!adoptedClient) streamInto(a, b);
    if (!adoptedUpstream) streamInto(b, a);
    // A stream left as it was may have ended already (a pod that said its piece and closed).
    for (const [source, sink] of [
      [a, b],
      [b, a],
    ] as const) {
      if (source.readableEnded) sink.end();
      else source.once('end', () => sink.end());
    }
    // The client was accepted paused (its bytes wait in the kernel until an endpoint answered).
    a.resume();
    b.resume();
  });
}

/**
 * One direction's reusable read buffer. A read is written to the sink at once. A socket sink holds the
 * bytes until the kernel took them, so while its write is pending reading stops (the next read would
 * overwrite them) and restarts when that write completes; that is also the back-pressure, and nothing is
 * buffered here. Any other sink (a swarm stream) may keep a chunk after its write callback, so it gets a
 * copy, with the usual back-pressure.
 */
class ReadBuffer {
  buffer = Buffer.allocUnsafeSlow(MIN_READ_BUFFER);
  #source: Duplex | undefined;
  #sink: Duplex | undefined;
  /** The write the source waits for, by number: earlier writes' callbacks must not resume it. */
  #awaited = 0;
  #written = 0;

  connect(source: Duplex, sink: Duplex): void {
    this.#source = source;
    this.#sink = sink;
  }

  /** The onread callback: false pauses the source. */
  onRead(bytes: number): boolean {
    const sink = this.#sink;
    if (!sink || sink.destroyed) return false;
    const chunk = this.buffer.subarray(0, bytes);
    const replaced = this.#resize(bytes);
    if (!(sink instanceof Socket)) {
      if (sink.write(Buffer.from(chunk))) return true;
      sink.once('drain', () => this.#source?.resume());
      return false;
    }
    const id = ++this.#written;
    sink.write(chunk, (err) => {
      if (err || id !== this.#awaited) return;
      this.#awaited = 0;
      this.#source?.resume();
    });
    // A replaced buffer is free to read into while the old one is written (a bounded number of times:
    // growth stops at the maximum, and a shrunk buffer is replaced again only when it fills).
    if (replaced || sink.writableLength === 0) return true;
    this.#awaited = id;
    return false;
  }

  /**
   * The next read goes into a new buffer when this one came back full (bulk: read bigger) or nearly
   * empty (the transfer is over: an idle connection should hold little). True when replaced.
   */
  #resize(bytes: number): boolean {
    const size = this.buffer.length;
    if (bytes === size && size < MAX_READ_BUFFER) {
      this.buffer = Buffer.allocUnsafeSlow(Math.min(size * 4, MAX_READ_BUFFER));
      return true;
    }
    if (bytes <= size / 16 && size > MIN_READ_BUFFER) {
      this.buffer = Buffer.allocUnsafeSlow(MIN_READ_BUFFER);
      return true;
    }
    return false;
  }
}

/**
 * The same connection as a new Socket reading with `onread`, or undefined when `stream` is not a plain TCP
 * socket that can be taken over: a swarm stream; a socket still connecting, closed or ended; or one that
 * already read something (its buffered bytes, and perhaps its end, are in the original: it stays a
 * stream). Node offers `onread` only to sockets it creates, so the handle moves to a new Socket; `_handle`
 * is Node's own field, checked before use, and anything unexpected keeps the original.
 */
function adopt(stream: Duplex, reads: ReadBuffer): Socket | undefined {
  if (!(stream instanceof Socket)) return undefined;
  const original = stream as Socket & { _handle?: object | null };
  const handle = original._handle;
  if (
    !handle ||
    original.destroyed ||
    original.connecting ||
    original.readableEnded ||
    original.readableLength > 0 ||
    original.writableEnded ||
    original.writableLength > 0
  )
    return undefined;
  original._handle = null;
  try {
    const adopted = new Socket({
      handle,
      allowHalfOpen: true,
      onread: { buffer: () => reads.buffer, callback: (bytes: number) => reads.onRead(bytes) },
    } as ConstructorParameters<typeof Socket>[0]);
    adopted.on('error', () => {});
    return adopted;
  } catch {
    original._handle = handle;
    return undefined;
  }
}

/** A stream that cannot be adopted is read the usual way, pausing while the sink is over its high-water mark. */
function streamInto(source: Duplex, sink: Duplex): void {
  source.on('data', (chunk: Buffer) => {
    if (sink.write(chunk)) return;
    source.pause();
    sink.once('drain', () => source.resume());
  });
}
