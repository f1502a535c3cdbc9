// Every hyperswarm connection from its first byte to its close: refuse removed members, run the
// shoal/auth/1 proof exchange (authChannel.ts), and keep at most one authenticated SwarmPeer per remote
// key, telling the owner (SwarmNode) when that peer opens and closes.
//
// If two authenticated connections to one key exist for a moment (both sides dialled at once), the one
// with the smaller Noise handshake hash is the active one; both ends compute the same hash, so both pick
// the same connection, and hyperswarm soon closes the other.
import type { NoiseSecretStream } from 'hyperdht';
import type { Logger } from 'pino';
import Protomux from 'protomux';
import type { AddressBook } from './AddressBook.ts';
import { type AuthSession, startAuth } from './authChannel.ts';
import type { HostPort } from './hostPort.ts';
import { SwarmPeer } from './SwarmPeer.ts';

const CLOSE_GRACE_MS = 1000;

export interface PeerConnectionsOptions {
  swarmKey: Buffer;
  log: Logger;
  authTimeoutMs: number;
  /** Where the addresses peers tell us about themselves go. */
  book: AddressBook;
  /** true for removed members (must not throw). */
  refuses(publicKey: Buffer): boolean;
  ownAddresses(): HostPort[];
  onOpen(peer: SwarmPeer): void;
  onClose(peer: SwarmPeer): void;
  /** A connection to this key authenticated. */
  onAuthenticated(publicKey: Buffer): void;
  /** A connection died before authenticating, through no fault of the peer (a dedup race, half-open). */
  onLostBeforeAuth(publicKey: Buffer): void;
}

/** One live connection and where its authentication stands. */
interface Connection {
  readonly socket: NoiseSecretStream;
  readonly id: string;
  readonly handshakeHash: Buffer;
  auth: AuthSession | null;
  peer: SwarmPeer | null;
  addresses: readonly HostPort[];
}

export class PeerConnections {
  readonly #o: PeerConnectionsOptions;
  readonly #log: Logger;
  /** Authenticated connections by remote key. */
  readonly #authenticated = new Map<string, Set<Connection>>();
  readonly #active = new Map<string, Connection>();
  #closed = false;

  constructor(opts: PeerConnectionsOptions) {
    this.#o = opts;
    this.#log = opts.log;
  }

  /** Authenticated peers, one per remote key. */
  peers(): SwarmPeer[] {
    const out: SwarmPeer[] = [];
    for (const connection of this.#active.values()) if (connection.peer) out.push(connection.peer);
    return out;
  }

  peer(id: string): SwarmPeer | undefined {
    return this.#active.get(id)?.peer ?? undefined;
  }

  /** Closes the connections of members `refuses` now names. */
  dropRemoved(): void {
    for (const connections of this.#authenticated.values()) {
      for (const connection of connections) {
        if (this.#o.refuses(connection.socket.remotePublicKey)) {
          this.#log.info({ remote: connection.id }, 'dropping a removed member');
          connection.socket.destroy(new Error('removed from the cluster'));
        }
      }
    }
  }

  /** No peer opens after this (the swarm is shutting down); closes still get reported. */
  close(): void {
    this.#closed = true;
  }

  /** Takes over a new hyperswarm connection. Never throws. */
  handle(socket: NoiseSecretStream): void {
    try {
      this.#handle(socket);
    } catch (err) {
      // Nothing a peer sends may take the process down; drop the one connection instead.
      this.#log.error({ err, remote: socket.remotePublicKey?.toString('hex') }, 'connection setup failed');
      socket.on('error', () => {});
      socket.destroy();
    }
  }

  #handle(socket: NoiseSecretStream): void {
    const id = socket.remotePublicKey.toString('hex');
    const log = this.#log.child({ remote: id });
    let lastError: Error | null = null;
    // Without a listener, a socket error would be thrown by the EventEmitter and end the process.
    socket.on('error', (err: Error) => {
      lastError = err;
      log.debug({ err }, 'connection error');
    });
    if (this.#closed) {
      socket.destroy();
      return;
    }
    if (this.#o.refuses(socket.remotePublicKey)) {
      log.warn('refusing a removed member');
      socket.destroy(new Error('removed member'));
      return;
    }
    const handshakeHash = socket.handshakeHash;
    if (!handshakeHash) {
      log.warn('connection without a Noise handshake hash; closing');
      socket.destroy();
      return;
    }

    const connection: Connection = { socket, id, handshakeHash, auth: null, peer: null, addresses: [] };
    const mux = Protomux.from(socket);
    let failed = false;
    let rejected = false;
    connection.auth = startAuth({
      swarmKey: this.#o.swarmKey,
      socket,
      mux,
      timeoutMs: this.#o.authTimeoutMs,
      ownAddresses: () => this.#o.ownAddresses(),
      onAuthenticated: () => this.#onAuthenticated(connection, mux, log),
      onFailure: (reason, kind) => {
        failed = true;
        rejected = kind === 'rejected';
        log.warn({ reason, remoteAddress: remoteEndpoint(socket) }, 'peer failed swarm-key authentication');
        closeGracefully(socket, new Error(`authentication failed: ${reason}`));
      },
      onAddresses: (addresses) => {
        connection.addresses = this.#o.book.set(socket.remotePublicKey, addresses);
        connection.peer?.setAddresses(connection.addresses);
      },
    });

    socket.once('close', () => {
      connection.auth?.cancel();
      if (connection.auth?.authenticated) {
        this.#onAuthenticatedClose(connection);
      } else if (!failed && lastError && !isRoutineClose(lastError)) {
        // e.g. garbage that protomux could not parse: the peer never authenticated.
        log.warn({ reason: lastError.message }, 'connection closed before authentication');
      } else if (!rejected) {
        this.#o.onLostBeforeAuth(socket.remotePublicKey);
      }
    });
  }

  #onAuthenticated(connection: Connection, mux: Protomux, log: Logger): void {
    if (this.#closed) return;
    if (this.#o.refuses(connection.socket.remotePublicKey)) {
      log.warn('refusing a removed member');
      connection.socket.destroy(new Error('removed member'));
      return;
    }
    connection.peer = new SwarmPeer(connection.socket, mux, log);
    connection.peer.setAddresses(connection.addresses);
    let set = this.#authenticated.get(connection.id);
    if (!set) {
      set = new Set();
      this.#authenticated.set(connection.id, set);
    }
    set.add(connection);
    log.debug(
      { initiator: connection.socket.isInitiator, remoteAddress: remoteEndpoint(connection.socket) },
      'peer authenticated',
    );
    this.#o.onAuthenticated(connection.socket.remotePublicKey);
    this.#elect(connection.id);
  }

  #onAuthenticatedClose(connection: Connection): void {
    const set = this.#authenticated.get(connection.id);
    set?.delete(connection);
    if (set && set.size === 0) this.#authenticated.delete(connection.id);
    this.#elect(connection.id);
  }

  /** Makes the smallest-handshake-hash live connection the active one, emitting the change. */
  #elect(id: string): void {
    let best: Connection | null = null;
    for (const c of this.#authenticated.get(id) ?? []) {
      if (!best || Buffer.compare(c.handshakeHash, best.handshakeHash) < 0) best = c;
    }
    const current = this.#active.get(id) ?? null;
    if (current === best) return;
    if (current?.peer) {
      this.#active.delete(id);
      this.#log.info({ remote: id }, 'peer disconnected');
      this.#o.onClose(current.peer);
    }
    if (best?.peer && !this.#closed) {
      this.#active.set(id, best);
      this.#log.info({ remote: id, remoteAddress: best.peer.remoteAddress }, 'peer connected');
      this.#o.onOpen(best.peer);
    }
  }
}

/**
 * Ends our side first, so the peer still reads what we sent (our proof) and can log its own verdict; a
 * reset would discard its unread input. Destroys anyway after a grace period.
 */
function closeGracefully(socket: NoiseSecretStream, err: Error): void {
  socket.end();
  const timer = setTimeout(() => socket.destroy(err), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function remoteEndpoint(socket: NoiseSecretStream): string | undefined {
  const raw = socket.rawStream;
  return raw ? `${raw.remoteHost}:${raw.remotePort}` : undefined;
}

/** Closes that are part of normal operation, not a peer misbehaving. */
function isRoutineClose(err: Error): boolean {
  return /duplicate connection|swarm has been destroyed|connection reset|timed out|destroyed/i.test(
    err.message,
  );
}
