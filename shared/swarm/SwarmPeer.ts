// One authenticated connection to another member, as SwarmNode hands it out in `peer-open`. Other
// layers (document sync, election, heartbeats, RPC, service tunnels) open their own protomux channels
// on it with `peer.channel(...)`; see SwarmNode.ts for the contract.
import type { Encoder } from 'compact-encoding';
import type { NoiseSecretStream } from 'hyperdht';
import type { Logger } from 'pino';
import type Protomux from 'protomux';
import type { ProtomuxChannel } from 'protomux';
import type { HostPort } from './hostPort.ts';

export interface ChannelOptions {
  /** e.g. `shoal/sync/1`. Both ends must use the same protocol (and id). */
  protocol: string;
  /** Optional binary id, to run several channels of one protocol on a connection. */
  id?: Uint8Array;
  /** The remote opened its side too: messages now flow both ways. */
  onopen?(): void;
  /** Either side closed the channel, the remote rejected it, or the connection ended. */
  onclose?(): void;
}

export interface ChannelMessage<T> {
  /** false when the channel is closed or the stream is congested (the message is still queued then). */
  send(message: T): boolean;
}

export interface PeerChannel {
  readonly protocol: string;
  readonly opened: boolean;
  readonly closed: boolean;
  /**
   * Registers the next message type. Both ends must register the same encodings in the same order,
   * before `open()`. `onmessage` receives untrusted input: a throw or rejection is logged, never fatal.
   */
  message<T>(encoding: Encoder<T>, onmessage?: (message: T) => void | Promise<void>): ChannelMessage<T>;
  /** Opens our side; the remote's side pairs with it when it opens the same protocol and id. */
  open(): void;
  /** Resolves true once both sides opened, false if it closed first. */
  fullyOpened(): Promise<boolean>;
  close(): void;
}

export class SwarmPeer {
  /** The remote's Noise public key: its identity. */
  readonly publicKey: Buffer;
  /** publicKey in hex, for maps and logs. */
  readonly id: string;
  /** The connection's protomux, for callers that need raw protomux. Prefer `channel()`. */
  readonly mux: Protomux;
  /** true when we dialled this connection. */
  readonly isInitiator: boolean;
  readonly openedAt: number;
  readonly #socket: NoiseSecretStream;
  readonly #log: Logger;
  #addresses: readonly HostPort[] = [];

  constructor(socket: NoiseSecretStream, mux: Protomux, log: Logger) {
    this.#socket = socket;
    this.publicKey = socket.remotePublicKey;
    this.id = socket.remotePublicKey.toString('hex');
    this.mux = mux;
    this.isInitiator = socket.isInitiator;
    this.openedAt = Date.now();
    this.#log = log;
  }

  /** The direct DHT addresses the peer reported for itself (may be empty). */
  get addresses(): readonly HostPort[] {
    return this.#addresses;
  }

  /** @internal set by SwarmNode when the auth channel delivers them. */
  setAddresses(addresses: readonly HostPort[]): void {
    this.#addresses = addresses;
  }

  /** The UDP endpoint this connection runs over, for logs. */
  get remoteAddress(): HostPort | null {
    const raw = this.#socket.rawStream;
    return raw ? { host: raw.remoteHost, port: raw.remotePort } : null;
  }

  get closed(): boolean {
    return this.#socket.destroying || this.#socket.destroyed;
  }

  /** Drops this connection (hyperswarm may reconnect later; a removed member is refused then). */
  close(reason = 'closed locally'): void {
    this.#socket.destroy(new Error(reason));
  }

  /**
   * Creates a channel for `protocol` (+ `id`) on this connection, or returns null when one is already
   * open here or the connection is gone. Register messages, then `open()`.
   */
  channel(opts: ChannelOptions): PeerChannel | null {
    const log = this.#log.child({ protocol: opts.protocol });
    const raw = this.mux.createChannel({
      protocol: opts.protocol,
      id: opts.id ?? null,
      onopen: () => guard(log, 'onopen', () => opts.onopen?.()),
      onclose: () => guard(log, 'onclose', () => opts.onclose?.()),
    });
    if (!raw) return null;
    return wrapChannel(raw, log);
  }
}

/** Runs a callback that must not take the connection down with it (protomux destroys on throw). */
function guard(log: Logger, what: string, fn: () => void | Promise<void>): void {
  try {
    const result = fn();
    if (result instanceof Promise)
      result.catch((err: unknown) => log.warn({ err }, `${what} handler failed`));
  } catch (err) {
    log.warn({ err }, `${what} handler failed`);
  }
}

function wrapChannel(raw: ProtomuxChannel, log: Logger): PeerChannel {
  return {
    protocol: raw.protocol,
    get opened() {
      return raw.opened;
    },
    get closed() {
      return raw.closed;
    },
    message<T>(encoding: Encoder<T>, onmessage?: (message: T) => void | Promise<void>): ChannelMessage<T> {
      const m = raw.addMessage<T>({
        encoding,
        onmessage: onmessage ? (message) => guard(log, 'onmessage', () => onmessage(message)) : undefined,
      });
      return { send: (message) => m.send(message) };
    },
    open: () => raw.open(),
    fullyOpened: () => raw.fullyOpened(),
    close: () => raw.close(),
  };
}
