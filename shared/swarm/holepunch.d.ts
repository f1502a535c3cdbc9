// Minimal typings for the untyped holepunch packages Shoal uses (hyperswarm 4, hyperdht 6, protomux 3,
// sodium-universal 5, z32 1). Only what Shoal calls is declared, checked against the installed sources;
// anything not declared here is deliberately not part of what Shoal relies on. These packages are
// CommonJS (`module.exports = …`), which Node's ESM loader exposes as the default export, hence
// `export default` everywhere. compact-encoding and b4a ship their own types.

declare module 'hyperdht' {
  import type { EventEmitter } from 'node:events';

  export interface KeyPair {
    publicKey: Buffer;
    secretKey: Buffer;
  }

  export interface HostPort {
    host: string;
    port: number;
  }

  /** @hyperswarm/secret-stream: an encrypted, framed (message-preserving) duplex stream. */
  export interface NoiseSecretStream extends EventEmitter {
    readonly isInitiator: boolean;
    readonly publicKey: Buffer;
    readonly remotePublicKey: Buffer;
    /** Noise handshake hash: identical on both ends of one connection, unique per connection. */
    readonly handshakeHash: Buffer | null;
    /** Resolves true once the stream is usable, false if it was destroyed first. */
    readonly opened: Promise<boolean>;
    readonly destroyed: boolean;
    readonly destroying: boolean;
    readonly rawBytesRead: number;
    readonly rawBytesWritten: number;
    readonly rawStream: { readonly remoteHost: string; readonly remotePort: number } | null;
    /** Slot for the owner; protomux keeps its muxer here. */
    userData: unknown;
    write(data: Uint8Array): boolean;
    end(): void;
    destroy(err?: Error | null): void;
    setKeepAlive(ms: number): void;
  }

  export interface ConnectOptions {
    keyPair?: KeyPair;
    /**
     * DHT addresses to send the handshake through before asking the DHT. When one of them is the
     * server's own DHT socket, the handshake reaches the server directly and the connection opens on
     * that path with no holepunching.
     */
    relayAddresses?: HostPort[] | null;
    relayThrough?: unknown;
    localConnection?: boolean;
  }

  export interface HyperDHTOptions {
    bootstrap?: HostPort[] | string[];
    keyPair?: KeyPair;
    /** Preferred UDP port for the server socket (default 49737, falls back to any port). */
    port?: number;
    /** Address both UDP sockets bind to (default 0.0.0.0). */
    host?: string;
    /** false: we know unsolicited packets reach us. Default true until dht-rpc has checked. */
    firewalled?: boolean;
    ephemeral?: boolean;
    anyPort?: boolean;
    connectionKeepAlive?: number | false;
  }

  export default class HyperDHT extends EventEmitter {
    constructor(opts?: HyperDHTOptions);
    static keyPair(seed?: Uint8Array): KeyPair;
    /** A persistent, unfirewalled node with no bootstrap of its own, announcing `host:port`. */
    static bootstrapper(port: number, host: string, opts?: HyperDHTOptions): HyperDHT;
    readonly defaultKeyPair: KeyPair;
    readonly firewalled: boolean;
    readonly ephemeral: boolean;
    readonly destroyed: boolean;
    readonly bootstrapped: boolean;
    /** Our address as other DHT nodes see it (null until sampled). */
    readonly host: string | null;
    readonly port: number;
    connect(remotePublicKey: Uint8Array, opts?: ConnectOptions): NoiseSecretStream;
    fullyBootstrapped(): Promise<void>;
    ready(): Promise<void>;
    /** The bound socket (the client socket while firewalled, else the server socket). */
    address(): { host: string; family: number; port: number };
    /** A local interface address and the server socket's port. */
    localAddress(): HostPort | null;
    /** Our public address, when we are unfirewalled and know it. */
    remoteAddress(): HostPort | null;
    destroy(opts?: { force?: boolean }): Promise<void>;
  }
}

declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht';
  import type { HostPort, HyperDHTOptions } from 'hyperdht';

  export interface Testnet {
    readonly nodes: HyperDHT[];
    readonly bootstrap: HostPort[];
    createNode(opts?: HyperDHTOptions): HyperDHT;
    destroy(): Promise<void>;
  }

  export default function createTestnet(
    size?: number,
    opts?: { host?: string; port?: number },
  ): Promise<Testnet>;
}

declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events';
  import type HyperDHT from 'hyperdht';
  import type { KeyPair, NoiseSecretStream } from 'hyperdht';

  export interface PeerInfo {
    readonly publicKey: Buffer;
    /** true when we dialled, false when the remote did. */
    readonly client: boolean;
    readonly banned: boolean;
  }

  export interface PeerDiscovery {
    /** Resolves once the topic is announced (server) and looked up once (client). */
    flushed(): Promise<void>;
    refresh(opts?: { server?: boolean; client?: boolean }): Promise<void>;
    destroy(): Promise<void>;
  }

  export interface HyperswarmOptions {
    keyPair?: KeyPair;
    dht?: HyperDHT;
    maxPeers?: number;
    /** Return true to refuse a peer, before any handshake. */
    firewall?: (remotePublicKey: Buffer, payload: unknown) => boolean;
    /** Reconnect back-off steps in ms, four of them (hyperswarm's RetryTimer). */
    backoffs?: [number, number, number, number];
    jitter?: number;
  }

  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: HyperswarmOptions);
    readonly keyPair: KeyPair;
    readonly dht: HyperDHT;
    readonly connections: Set<NoiseSecretStream>;
    readonly destroyed: boolean;
    join(topic: Uint8Array, opts?: { server?: boolean; client?: boolean }): PeerDiscovery;
    leave(topic: Uint8Array): Promise<void>;
    joinPeer(publicKey: Uint8Array): void;
    leavePeer(publicKey: Uint8Array): void;
    flush(): Promise<boolean>;
    destroy(opts?: { force?: boolean }): Promise<void>;
    on(event: 'connection', listener: (socket: NoiseSecretStream, info: PeerInfo) => void): this;
    on(event: 'update', listener: () => void): this;
  }
}

declare module 'protomux' {
  import type { EventEmitter } from 'node:events';
  import type { Encoder } from 'compact-encoding';

  /** Any framed (message-preserving) duplex stream, e.g. a NoiseSecretStream. */
  export interface FramedStream extends EventEmitter {
    userData: unknown;
    readonly destroyed: boolean;
    write(data: Uint8Array): boolean;
    end(): void;
    destroy(err?: Error | null): void;
  }

  export interface ProtomuxMessage<T> {
    send(message: T): boolean;
  }

  export interface MessageOptions<T> {
    encoding: Encoder<T>;
    onmessage?(message: T, channel: ProtomuxChannel): unknown;
  }

  export interface ProtomuxChannel {
    readonly protocol: string;
    readonly id: Buffer | null;
    readonly opened: boolean;
    readonly closed: boolean;
    readonly destroyed: boolean;
    userData: unknown;
    open(handshake?: unknown): void;
    close(): void;
    addMessage<T>(opts: MessageOptions<T>): ProtomuxMessage<T>;
    fullyOpened(): Promise<boolean>;
    fullyClosed(): Promise<void>;
    cork(): void;
    uncork(): void;
  }

  export interface ChannelOptions {
    protocol: string;
    id?: Uint8Array | null;
    unique?: boolean;
    userData?: unknown;
    onopen?(handshake: unknown, channel: ProtomuxChannel): unknown;
    /** isRemote: the remote closed or rejected the channel. */
    onclose?(isRemote: boolean, channel: ProtomuxChannel): unknown;
    ondestroy?(channel: ProtomuxChannel): unknown;
  }

  export default class Protomux {
    constructor(stream: FramedStream);
    static from(stream: FramedStream): Protomux;
    readonly stream: FramedStream;
    /** null when a channel with this protocol and id is already open, or the stream is gone. */
    createChannel(opts: ChannelOptions): ProtomuxChannel | null;
    opened(key: { protocol: string; id?: Uint8Array | null }): boolean;
    cork(): void;
    uncork(): void;
    isIdle(): boolean;
    destroy(err?: Error): void;
    [Symbol.iterator](): Iterator<ProtomuxChannel>;
  }
}

declare module 'sodium-universal' {
  interface Sodium {
    /** BLAKE2b; `out` is 16..64 bytes, `key` (optional) 16..64 bytes. */
    crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
    randombytes_buf(buf: Uint8Array): void;
    /** Constant-time equality; throws if the lengths differ. */
    sodium_memcmp(a: Uint8Array, b: Uint8Array): boolean;
  }
  const sodium: Sodium;
  export default sodium;
}

declare module 'z32' {
  interface Z32 {
    readonly ALPHABET: string;
    encode(data: Uint8Array): string;
    decode(text: string): Buffer;
  }
  const z32: Z32;
  export default z32;
}
