// The LAN fast path: connect to a peer by sending the Noise handshake straight to its DHT socket.
//
// hyperdht's `connect(publicKey, { relayAddresses })` first sends the handshake through the given
// addresses. When one of them is the peer's own DHT socket, the peer's router handles the handshake
// itself and both ends open the connection on that very UDP path at once: one round trip, no relay, no
// NAT analysis, no holepunch, and none of the half-open races of hyperdht 6.33/6.34 (reachability.ts).
//
// We hand over at most ONE direct address, and only one on a subnet we are attached to: hyperdht tries
// the list in order and stops at the first failure, and it skips the DHT's relays for addresses already
// in the list. With one likely-reachable direct address, the DHT path still runs in parallel and takes
// over if the direct one is stale.
import { networkInterfaces } from 'node:os';
import HyperDHT, { type ConnectOptions, type HyperDHTOptions, type NoiseSecretStream } from 'hyperdht';
import type { AddressBook } from './AddressBook.ts';
import type { HostPort } from './hostPort.ts';

export interface LocalInterface {
  address: string;
  netmask: string;
}

export function localInterfaces(): LocalInterface[] {
  const out: LocalInterface[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family === 'IPv4') out.push({ address: info.address, netmask: info.netmask });
    }
  }
  return out;
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

function prefixLength(mask: number): number {
  return mask.toString(2).replaceAll('0', '').length;
}

/**
 * The candidate most likely to be the peer's DHT socket on a network we share: on one of our subnets,
 * longest prefix first, never one of our own addresses. null when none is on-link.
 */
export function pickDirectAddress(
  candidates: readonly HostPort[],
  interfaces: readonly LocalInterface[],
  ownAddresses: readonly HostPort[] = [],
): HostPort | null {
  let best: HostPort | null = null;
  let bestBits = -1;
  for (const candidate of candidates) {
    if (ownAddresses.some((o) => o.host === candidate.host && o.port === candidate.port)) continue;
    const host = ipv4ToInt(candidate.host);
    if (host === null) continue;
    for (const iface of interfaces) {
      const address = ipv4ToInt(iface.address);
      const mask = ipv4ToInt(iface.netmask);
      if (address === null || mask === null) continue;
      const sameSubnet = (host & mask) >>> 0 === (address & mask) >>> 0;
      const bits = prefixLength(mask);
      if (sameSubnet && bits > bestBits) {
        best = candidate;
        bestBits = bits;
      }
    }
  }
  return best;
}

/** A HyperDHT whose outgoing connects race a direct handshake to the peer's known LAN address. */
export class DirectDialDht extends HyperDHT {
  readonly #book: AddressBook;
  readonly #ownAddresses: () => readonly HostPort[];
  readonly #interfaces: () => readonly LocalInterface[];

  constructor(
    opts: HyperDHTOptions,
    book: AddressBook,
    ownAddresses: () => readonly HostPort[],
    interfaces: () => readonly LocalInterface[] = localInterfaces,
  ) {
    super(opts);
    this.#book = book;
    this.#ownAddresses = ownAddresses;
    this.#interfaces = interfaces;
  }

  override connect(remotePublicKey: Uint8Array, opts: ConnectOptions = {}): NoiseSecretStream {
    const direct = pickDirectAddress(
      this.#book.get(remotePublicKey),
      this.#interfaces(),
      this.#ownAddresses(),
    );
    if (direct === null) return super.connect(remotePublicKey, opts);
    return super.connect(remotePublicKey, { ...opts, relayAddresses: [direct] });
  }
}
