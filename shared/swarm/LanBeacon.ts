// LAN discovery: members on one broadcast domain find each other's DHT sockets without the DHT, so the
// first connection between them can be dialled directly (directDial.ts) even when hyperdht's own path
// would go through a relay and a holepunch that ends half-open (two hosts behind one NAT, a DHT
// outside; measured in network namespaces, see bench/connect.ts).
//
//   start: broadcast an `announce` on every IPv4 interface's subnet (UDP `port`, default 49736), again
//          after 0.3 s and 1.5 s, then every `intervalMs`
//   hear an announce or reply from a member (tag verified, beaconMessage.ts) → onMember(publicKey, the
//          datagram's source address + the DHT port it carries, kind); answer an announce with a unicast
//          reply
//
// Only the side that hears a *reply* should dial (SwarmNode does): if both sides of a pair dialled at
// once, hyperswarm's duplicate resolution could close both connections.
//
// Two sockets: a listener on the shared port (SO_REUSEADDR, so several agents on one host all hear
// broadcasts) and a sender on an ephemeral port, which also receives the replies (a unicast to the
// shared port would reach only one of the agents on a host).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import { type BeaconKind, decodeBeacon, encodeBeacon } from './beaconMessage.ts';
import type { HostPort } from './hostPort.ts';

export const DEFAULT_BEACON_PORT = 49736;
const SCHEDULE_MS = [0, 300, 1500];
const REPLY_INTERVAL_MS = 1000;

export interface LanBeaconOptions {
  swarmKey: Uint8Array;
  publicKey: Buffer;
  /** Our DHT server socket's port (what members should dial), or null while unknown. */
  dhtPort(): number | null;
  onMember(publicKey: Buffer, address: HostPort, kind: BeaconKind): void;
  log: Logger;
  port?: number;
  intervalMs?: number;
}

/** Directed broadcast addresses of this machine's IPv4 subnets (none for loopback or /32 links). */
export function broadcastAddresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      const address = ipv4ToInt(info.address);
      const mask = ipv4ToInt(info.netmask);
      if (address === null || mask === null || mask === 0xffffffff) continue;
      out.add(intToIpv4((address | ~mask) >>> 0));
    }
  }
  return [...out];
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

export class LanBeacon {
  readonly #opts: LanBeaconOptions;
  readonly #port: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #lastReply = new Map<string, number>();
  #listener: Socket | null = null;
  #sender: Socket | null = null;
  #closed = false;

  constructor(opts: LanBeaconOptions) {
    this.#opts = opts;
    this.#port = opts.port ?? DEFAULT_BEACON_PORT;
  }

  /** Binds and sends the first announce. A port that cannot be bound only costs LAN discovery. */
  async start(): Promise<void> {
    this.#sender = await this.#bind(0, false);
    this.#listener = await this.#bind(this.#port, true);
    if (!this.#sender) return;
    this.#sender.setBroadcast(true);
    for (const ms of SCHEDULE_MS) this.#later(ms, () => this.announce());
    const interval = setInterval(() => this.announce(), this.#opts.intervalMs ?? 15_000);
    interval.unref();
    this.#timers.add(interval);
  }

  /** Broadcasts an announce now. */
  announce(): void {
    const port = this.#opts.dhtPort();
    if (this.#closed || !this.#sender || port === null) return;
    const datagram = encodeBeacon(this.#opts.swarmKey, {
      kind: 'announce',
      publicKey: this.#opts.publicKey,
      port,
    });
    for (const address of broadcastAddresses()) this.#send(datagram, this.#port, address);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([this.#listener, this.#sender].map((s) => (s ? closeSocket(s) : undefined)));
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  #bind(port: number, shared: boolean): Promise<Socket | null> {
    return new Promise((resolve) => {
      const socket = createSocket({ type: 'udp4', reuseAddr: shared });
      socket.once('error', (err) => {
        this.#opts.log.warn({ err, port }, 'LAN discovery socket unavailable');
        socket.close();
        resolve(null);
      });
      socket.bind(port, '0.0.0.0', () => {
        socket.removeAllListeners('error');
        // Later errors (e.g. a send to a vanished interface) are logged, never thrown.
        socket.on('error', (err) => this.#opts.log.debug({ err }, 'LAN discovery socket error'));
        socket.on('message', (data, rinfo) => this.#onMessage(data, rinfo));
        socket.unref();
        resolve(socket);
      });
    });
  }

  #send(datagram: Buffer, port: number, host: string): void {
    this.#sender?.send(datagram, port, host, (err) => {
      if (err) this.#opts.log.debug({ err, host }, 'LAN beacon not sent');
    });
  }

  #onMessage(data: Buffer, rinfo: RemoteInfo): void {
    if (this.#closed) return;
    const beacon = decodeBeacon(this.#opts.swarmKey, data);
    if (!beacon || beacon.publicKey.equals(this.#opts.publicKey)) return;
    this.#opts.onMember(beacon.publicKey, { host: rinfo.address, port: beacon.port }, beacon.kind);
    if (beacon.kind !== 'announce') return;
    const id = beacon.publicKey.toString('hex');
    const now = Date.now();
    if (now - (this.#lastReply.get(id) ?? 0) < REPLY_INTERVAL_MS) return;
    this.#lastReply.set(id, now);
    if (this.#lastReply.size > 4096) this.#lastReply.clear();
    const port = this.#opts.dhtPort();
    if (port === null) return;
    const reply = encodeBeacon(this.#opts.swarmKey, { kind: 'reply', publicKey: this.#opts.publicKey, port });
    this.#send(reply, rinfo.port, rinfo.address);
  }
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
