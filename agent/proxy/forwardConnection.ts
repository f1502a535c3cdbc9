// One client connection through the proxy: dial the balancer's candidates in turn until one answers, then
// pipe both ways with half-close. No endpoint answering closes the client at once with a reset, as the
// REJECT rule of kube-proxy does, so the client fails fast instead of waiting on an empty connection.
import type { Socket } from 'node:net';
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
  const untrack = ctx.track(() => {
    client.destroy();
    upstream?.destroy();
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
      await pipeBoth(client, upstream);
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

/**
 * Pipes both ways until both streams have closed. `pipe` keeps backpressure and, by ending the destination
 * when its source ends, carries a half-close across. A stream that closes before it has sent its end, or that
 * errors, tears the other down.
 */
function pipeBoth(client: Socket, upstream: Duplex): Promise<void> {
  const maybeSocket = upstream as Partial<Socket>;
  if (typeof maybeSocket.setNoDelay === 'function') maybeSocket.setNoDelay(true);
  return new Promise((resolve) => {
    let closed = 0;
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    const onClose = (other: Duplex) => () => {
      // `writableEnded` on the other side means the pipe has passed this side's end along: a clean close.
      if (!other.writableEnded) other.destroy();
      closed += 1;
      if (closed === 2) resolve();
    };
    client.on('error', destroyBoth);
    upstream.on('error', destroyBoth);
    client.once('close', onClose(upstream));
    upstream.once('close', onClose(client));
    client.pipe(upstream);
    upstream.pipe(client);
  });
}
