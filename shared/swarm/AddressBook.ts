// Direct DHT addresses we know for other nodes, by public key: what the document layer publishes
// (SwarmNode.dialAddresses) and what authenticated peers tell us about themselves (auth channel).
// Bounded, because a peer's list is peer-supplied input.
import { type HostPort, isHostPort } from './hostPort.ts';

const MAX_ADDRESSES_PER_NODE = 8;
const MAX_NODES = 4096;

export class AddressBook {
  readonly #byKey = new Map<string, HostPort[]>();

  /** Replaces what we know for `publicKey`; invalid entries are dropped. Returns what was kept. */
  set(publicKey: Uint8Array, addresses: readonly unknown[]): HostPort[] {
    const id = Buffer.from(publicKey).toString('hex');
    const kept: HostPort[] = [];
    for (const a of addresses) {
      if (kept.length >= MAX_ADDRESSES_PER_NODE) break;
      if (isHostPort(a) && !kept.some((k) => k.host === a.host && k.port === a.port)) {
        kept.push({ host: a.host, port: a.port });
      }
    }
    this.#byKey.delete(id); // re-insert: the map's order is least recently set first
    if (kept.length === 0) return kept;
    if (this.#byKey.size >= MAX_NODES) {
      const oldest = this.#byKey.keys().next().value;
      if (oldest !== undefined) this.#byKey.delete(oldest);
    }
    this.#byKey.set(id, kept);
    return kept;
  }

  /** Puts `addresses` first in what we know for `publicKey`, keeping the rest. */
  add(publicKey: Uint8Array, addresses: readonly unknown[]): HostPort[] {
    return this.set(publicKey, [...addresses, ...this.get(publicKey)]);
  }

  get(publicKey: Uint8Array): readonly HostPort[] {
    return this.#byKey.get(Buffer.from(publicKey).toString('hex')) ?? [];
  }

  delete(publicKey: Uint8Array): void {
    this.#byKey.delete(Buffer.from(publicKey).toString('hex'));
  }
}
