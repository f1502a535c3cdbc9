// The swarm transport: one Hyperswarm, joined to the cluster's discovery topic as server and client,
// handing out only peers that proved they hold the swarm key (DESIGN.md, Security / Swarm transport).
//
// Flow of a connection (PeerConnections.ts does the part after the handshake):
//   hyperswarm firewall ── isRemoved(publicKey)? refuse before any handshake
//   Noise handshake (hyperdht) ── one connection per peer pair (hyperswarm dedups)
//   shoal/auth/1 channel ── both send proof(key, handshakeHash, own publicKey); wrong / malformed /
//                           missing within authTimeoutMs → warning with the remote key, connection closed
//   'peer-open'(peer) ── application channels may be opened now, and only now
//   connection ends ── 'peer-close'(peer); a reconnect yields a fresh 'peer-open' with a new SwarmPeer
//
// How other layers use it:
//
//   node.on('peer-open', (peer) => {
//     const ch = peer.channel({ protocol: 'shoal/sync/1', onclose: () => …detach });
//     if (!ch) return;                                   // already open on this connection
//     const data = ch.message(c.raw, (bytes) => …receive(bytes));
//     ch.open();                                         // the remote does the same in its peer-open
//     data.send(bytes);                                  // queued until the remote's side opens
//   });
//   node.on('peer-close', (peer) => …forget(peer.id));
//
//   - Create channels synchronously inside the 'peer-open' listener: the remote may open its side in
//     the same instant, and protomux rejects a channel the other end has not created (yet).
//   - Both ends register the same message encodings in the same order. A message that fails to decode
//     closes the connection (protomux's rule); a throwing `onmessage` is only logged. For lenient
//     parsing, use `c.raw` and decode yourself.
//   - A channel can close while its peer stays open (the remote closed or rejected it).
//   - At most one SwarmPeer per remote key at a time. If two authenticated connections to one key exist
//     for a moment (both sides dialled at once), the one with the smaller handshake hash is used on both
//     ends, so both pick the same; a switch shows as peer-close then peer-open.
//
// LAN connection set-up (issue 3 target: ≤ 1 s). hyperdht 6.34 leaves LAN connections half-open when
// both ends look firewalled to it (a private DHT, or hosts behind one NAT), for ~13 s per attempt. Three
// fixes, each enough on its own where it applies (figures in bench/connect.ts):
//   - directDial.ts: the handshake goes straight to a member's known LAN address. Addresses come from
//     the auth channel (each side tells the other its own), from LAN beacons, and from `dialAddresses`,
//     which the document layer feeds with the addresses Nodes publish (publish `ownAddresses()`).
//   - LanBeacon.ts: on start, members on the same subnet answer a keyed broadcast, so even the very
//     first connection is dialled directly; start() waits `lanDiscoveryWaitMs` for the answers.
//   - reachability.ts: a node nobody filters (a LAN with a private bootstrap) says so to the DHT, so
//     peers connect to it directly even without knowing its address.
// A connection that dies before authenticating for no fault of the peer is re-dialled within ~0.5 s.
import { EventEmitter } from 'node:events';
import type HyperDHT from 'hyperdht';
import type { HyperDHTOptions, KeyPair } from 'hyperdht';
import Hyperswarm from 'hyperswarm';
import type { Logger } from 'pino';
import { AddressBook } from './AddressBook.ts';
import { DirectDialDht, localInterfaces } from './directDial.ts';
import { type HostPort, isHostPort } from './hostPort.ts';
import { LanBeacon } from './LanBeacon.ts';
import { ownDhtAddresses } from './ownAddresses.ts';
import { PeerConnections } from './PeerConnections.ts';
import { detectReachability } from './reachability.ts';
import type { SwarmPeer } from './SwarmPeer.ts';
import { discoveryTopic, SWARM_KEY_BYTES } from './swarmKey.ts';

export type { KeyPair } from 'hyperdht';
export type { HostPort } from './hostPort.ts';

export interface SwarmTimings {
  /** A new connection must prove the key within this time (default 5000 ms). */
  authTimeoutMs: number;
  /**
   * Longest wait for the reachability check before announcing when no NAT is in the way (default 1000 ms;
   * it goes on after). On a LAN it takes milliseconds.
   */
  reachabilityWaitMs: number;
  /** How long to collect LAN beacon replies before announcing (default 100 ms). */
  lanDiscoveryWaitMs: number;
  /** hyperswarm's reconnect back-off steps in ms (default hyperswarm's own). */
  backoffs?: [number, number, number, number];
  /** hyperswarm's back-off jitter in ms. */
  jitter?: number;
}

export interface SwarmNodeOptions {
  swarmKey: Uint8Array;
  /** This node's identity (persist it: peers and the document know nodes by it). Random if omitted. */
  keyPair?: KeyPair;
  /**
   * DHT bootstrap nodes. Required, so nothing dials the internet by accident: pass 'public' to use
   * HyperDHT's public bootstrap nodes.
   */
  bootstrap: readonly HostPort[] | 'public';
  /** Address the DHT's UDP sockets bind to (default all interfaces). Use 127.0.0.1 for same-machine tests. */
  host?: string;
  /** Preferred UDP port of the DHT server socket (hyperdht default 49737, any free port as fallback). */
  port?: number;
  /** Force hyperdht's firewalled flag; by default it is detected (reachability.ts). */
  firewalled?: boolean;
  logger: Logger;
  /**
   * LAN discovery beacons (LanBeacon.ts), on by default except when the node or its whole DHT is on
   * loopback (one machine: nothing to discover, and tests must not broadcast on the host's network).
   */
  lanDiscovery?: false | { port?: number; intervalMs?: number };
  /** Most connections to keep (hyperswarm's maxPeers; its default of 64 is below Shoal's ~200 machines). */
  maxPeers?: number;
  /** Removed members, refused before any handshake and dropped by `dropRemoved()`. */
  isRemoved?: (publicKey: Buffer) => boolean;
  timings?: Partial<SwarmTimings>;
}

export interface SwarmNodeEvents {
  'peer-open': [peer: SwarmPeer];
  'peer-close': [peer: SwarmPeer];
}

const DEFAULT_MAX_PEERS = 256;
const REDIAL_MIN_MS = 100;
const REDIAL_JITTER_MS = 400;
const DEFAULT_TIMINGS: SwarmTimings = {
  authTimeoutMs: 5000,
  reachabilityWaitMs: 1000,
  lanDiscoveryWaitMs: 100,
};

export class SwarmNode extends EventEmitter<SwarmNodeEvents> {
  readonly topic: Buffer;
  readonly #swarmKey: Buffer;
  readonly #swarm: Hyperswarm;
  readonly #dht: HyperDHT;
  readonly #log: Logger;
  readonly #isRemoved: (publicKey: Buffer) => boolean;
  readonly #timings: SwarmTimings;
  readonly #host: string | undefined;
  readonly #forcedFirewall: boolean;
  readonly #book = new AddressBook();
  readonly #connections: PeerConnections;
  readonly #dialling = new Set<string>();
  readonly #redials = new Set<NodeJS.Timeout>();
  readonly #beacon: LanBeacon | null;
  #started: Promise<void> | null = null;
  #destroying: Promise<void> | null = null;

  constructor(opts: SwarmNodeOptions) {
    super();
    if (!(opts.swarmKey instanceof Uint8Array) || opts.swarmKey.byteLength !== SWARM_KEY_BYTES) {
      throw new Error(`swarmKey must be ${SWARM_KEY_BYTES} bytes`);
    }
    if (opts.bootstrap !== 'public' && opts.bootstrap.length === 0) {
      throw new Error(
        "bootstrap is empty: give this cluster's bootstrap nodes, or 'public' for the public HyperDHT",
      );
    }
    this.#swarmKey = Buffer.from(opts.swarmKey);
    this.topic = discoveryTopic(this.#swarmKey);
    this.#log = opts.logger.child({ component: 'swarm' });
    this.#isRemoved = opts.isRemoved ?? (() => false);
    this.#timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.#host = opts.host;
    this.#forcedFirewall = opts.firewalled !== undefined;

    const dhtOptions: HyperDHTOptions = {};
    if (opts.bootstrap !== 'public')
      dhtOptions.bootstrap = opts.bootstrap.map(({ host, port }) => ({ host, port }));
    if (opts.keyPair) dhtOptions.keyPair = opts.keyPair;
    if (opts.host !== undefined) dhtOptions.host = opts.host;
    if (opts.port !== undefined) dhtOptions.port = opts.port;
    if (opts.firewalled !== undefined) dhtOptions.firewalled = opts.firewalled;
    this.#dht = new DirectDialDht(dhtOptions, this.#book, () => this.ownAddresses());

    this.#swarm = new Hyperswarm({
      dht: this.#dht,
      keyPair: opts.keyPair ?? this.#dht.defaultKeyPair,
      firewall: (remotePublicKey) => this.#refuses(remotePublicKey),
      maxPeers: opts.maxPeers ?? DEFAULT_MAX_PEERS,
      ...(this.#timings.backoffs ? { backoffs: this.#timings.backoffs } : {}),
      ...(this.#timings.jitter !== undefined ? { jitter: this.#timings.jitter } : {}),
    });
    this.#connections = new PeerConnections({
      swarmKey: this.#swarmKey,
      log: this.#log,
      authTimeoutMs: this.#timings.authTimeoutMs,
      book: this.#book,
      refuses: (publicKey) => this.#refuses(publicKey),
      ownAddresses: () => this.ownAddresses(),
      onOpen: (peer) => this.#emitSafely('peer-open', peer),
      onClose: (peer) => this.#emitSafely('peer-close', peer),
      onAuthenticated: (publicKey) => {
        // Dialled explicitly until now; from here on topic discovery reconnects it when needed.
        if (this.#dialling.delete(publicKey.toString('hex'))) this.#swarm.leavePeer(publicKey);
      },
      onLostBeforeAuth: (publicKey) => this.#redialSoon(publicKey),
    });
    this.#swarm.on('connection', (socket) => this.#connections.handle(socket));

    this.#beacon = lanDiscoveryEnabled(opts)
      ? new LanBeacon({
          swarmKey: this.#swarmKey,
          publicKey: this.publicKey,
          dhtPort: () => this.#dhtPort(),
          // Remember every member we hear; dial only those answering our announce (one dialler per pair).
          onMember: (publicKey, address, kind) => {
            if (kind === 'reply') this.#dial(publicKey, [address], true);
            else this.#book.add(publicKey, [address]);
          },
          log: this.#log,
          ...(opts.lanDiscovery ? opts.lanDiscovery : {}),
        })
      : null;
  }

  get publicKey(): Buffer {
    return this.#swarm.keyPair.publicKey;
  }

  get keyPair(): KeyPair {
    return this.#swarm.keyPair;
  }

  /** The underlying DHT, for diagnostics and benchmarks. */
  get dht(): HyperDHT {
    return this.#dht;
  }

  /**
   * Joins the discovery topic as server and client. Resolves once this node is announced and has
   * looked the topic up once. Idempotent.
   */
  start(): Promise<void> {
    if (this.#destroying) return Promise.reject(new Error('this SwarmNode was destroyed'));
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    try {
      await this.#dht.fullyBootstrapped();
      // Before announcing: learn whether we are reachable, and let LAN members answer our beacon, so
      // that hyperswarm's first connects already go direct (see the header).
      const waits: Promise<unknown>[] = [];
      if (!this.#forcedFirewall) {
        const reachable = detectReachability(this.#dht, this.#log);
        // Behind a NAT (the DHT sees an address that is not ours) the check cannot succeed quickly,
        // so it goes on in the background and we announce at once.
        const dhtHost = this.#dht.host;
        const noNat = dhtHost !== null && localInterfaces().some((i) => i.address === dhtHost);
        if (noNat) waits.push(Promise.race([reachable, delay(this.#timings.reachabilityWaitMs)]));
      }
      if (this.#beacon) {
        await this.#beacon.start();
        waits.push(delay(this.#timings.lanDiscoveryWaitMs));
      }
      await Promise.all(waits);
      if (this.#destroying) return;
      await this.#swarm.join(this.topic, { server: true, client: true }).flushed();
    } catch (err) {
      if (this.#destroying) return; // destroy() cut the start short: not an error
      throw err;
    }
    this.#log.info(
      { publicKey: this.publicKey.toString('hex'), addresses: this.ownAddresses() },
      'joined the swarm',
    );
  }

  /** Waits until connection attempts to the peers found so far have settled. */
  async flush(): Promise<void> {
    await this.#swarm.flush();
  }

  /** Authenticated peers, one per remote key. */
  peers(): SwarmPeer[] {
    return this.#connections.peers();
  }

  peer(publicKeyOrId: Uint8Array | string): SwarmPeer | undefined {
    const id = typeof publicKeyOrId === 'string' ? publicKeyOrId : Buffer.from(publicKeyOrId).toString('hex');
    return this.#connections.peer(id);
  }

  /** Where this node's DHT socket can be dialled directly: publish these as the Node's addresses. */
  ownAddresses(): HostPort[] {
    return ownDhtAddresses(this.#dht, this.#host);
  }

  /**
   * Connect to a member at known direct DHT addresses (as published in the cluster document). They are
   * remembered for every later (re)connect to that key; if not connected now, a connection is started.
   * Invalid addresses are ignored.
   */
  dialAddresses(publicKey: Uint8Array, addresses: readonly HostPort[]): void {
    this.#dial(publicKey, addresses, false);
  }

  #dial(publicKey: Uint8Array, addresses: readonly HostPort[], merge: boolean): void {
    const key = Buffer.from(publicKey);
    if (this.#destroying || key.equals(this.publicKey) || this.#refuses(key)) return;
    const valid = addresses.filter(isHostPort);
    if (merge) this.#book.add(key, valid);
    else this.#book.set(key, valid);
    const id = key.toString('hex');
    if (this.#connections.peer(id)) return;
    // Explicit until it authenticates (then topic discovery takes over); joinPeer re-queues it at once.
    this.#dialling.add(id);
    this.#swarm.joinPeer(key);
  }

  /** Re-applies `isRemoved` to connected peers (call after a membership change); drops those removed. */
  dropRemoved(): void {
    this.#connections.dropRemoved();
  }

  /** Leaves the topic (unannouncing), closes every connection and the DHT. Idempotent. */
  destroy(): Promise<void> {
    for (const timer of this.#redials) clearTimeout(timer);
    this.#connections.close();
    this.#destroying ??= Promise.all([this.#beacon?.close(), this.#swarm.destroy()]).then(() => {});
    return this.#destroying;
  }

  #dhtPort(): number | null {
    try {
      return this.#dht.localAddress()?.port ?? null;
    } catch {
      return null; // not bound yet
    }
  }

  #refuses(remotePublicKey: Buffer): boolean {
    try {
      return this.#isRemoved(remotePublicKey);
    } catch (err) {
      this.#log.error({ err }, 'isRemoved threw; refusing the peer to be safe');
      return true;
    }
  }

  /**
   * A connection to a member died before authenticating without the member failing anything: a
   * duplicate that hyperswarm's tie-break closed on both ends at once, or a half-open link. hyperswarm
   * would retry only after ~5 s; if no other connection took over, dial again shortly (jittered, so the
   * two ends do not collide again), directly when we know an address.
   */
  #redialSoon(publicKey: Buffer): void {
    if (this.#destroying) return;
    const timer = setTimeout(
      () => {
        this.#redials.delete(timer);
        if (!this.#destroying && !this.#connections.peer(publicKey.toString('hex')))
          this.#dial(publicKey, [], true);
      },
      REDIAL_MIN_MS + Math.random() * REDIAL_JITTER_MS,
    );
    timer.unref();
    this.#redials.add(timer);
  }

  /** A throwing listener must not break the connection it was told about. */
  #emitSafely(event: keyof SwarmNodeEvents, peer: SwarmPeer): void {
    try {
      this.emit(event, peer);
    } catch (err) {
      this.#log.error({ err, remote: peer.id }, `a ${event} listener threw`);
    }
  }
}

function isLoopback(host: string): boolean {
  return host.startsWith('127.') || host === 'localhost';
}

function lanDiscoveryEnabled(opts: SwarmNodeOptions): boolean {
  if (opts.lanDiscovery === false) return false;
  if (opts.host !== undefined && isLoopback(opts.host)) return false;
  return opts.bootstrap === 'public' || !opts.bootstrap.every((b) => isLoopback(b.host));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
