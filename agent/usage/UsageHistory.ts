// The last minutes of every node's usage, in memory: one fixed-size ring per node, so a peer that sends too
// often only shortens its own history, and nodes silent for longer than the window are forgotten.
import type { UsageSample } from './usageSample.ts';

export const DEFAULT_USAGE_WINDOW_MS = 10 * 60_000;
/** Per node: 10 minutes at one sample a second, five times what an agent sends at its 5 s interval. */
export const DEFAULT_SAMPLES_PER_NODE = 600;
/** Nodes kept at once; a peer inventing names cannot make the agent grow without bound. */
export const DEFAULT_MAX_NODES = 1000;

/** A fixed-capacity FIFO: pushing into a full ring drops the oldest item. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('a ring holds at least one item');
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = item;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** Oldest first. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#start];
  }

  /** Newest. */
  last(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity];
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#start];
    this.#items[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }
}

export class UsageHistory {
  readonly #rings = new Map<string, Ring<UsageSample>>();
  readonly #windowMs: number;
  readonly #perNode: number;
  readonly #maxNodes: number;

  constructor(opts: { windowMs?: number; samplesPerNode?: number; maxNodes?: number } = {}) {
    this.#windowMs = opts.windowMs ?? DEFAULT_USAGE_WINDOW_MS;
    this.#perNode = opts.samplesPerNode ?? DEFAULT_SAMPLES_PER_NODE;
    this.#maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  }

  /** Keeps a sample (times must not go backwards per node: an older one is refused). Returns whether kept. */
  add(sample: UsageSample, now: number): boolean {
    this.prune(now);
    if (sample.at < now - this.#windowMs) return false;
    let ring = this.#rings.get(sample.node);
    if (!ring) {
      if (this.#rings.size >= this.#maxNodes) return false;
      ring = new Ring(this.#perNode);
      this.#rings.set(sample.node, ring);
    }
    const last = ring.last();
    if (last && sample.at < last.at) return false;
    ring.push(sample);
    return true;
  }

  /** Drops samples older than the window, and nodes left with none. */
  prune(now: number): void {
    const oldest = now - this.#windowMs;
    for (const [node, ring] of this.#rings) {
      while ((ring.peek()?.at ?? Number.POSITIVE_INFINITY) < oldest) ring.shift();
      if (ring.size === 0) this.#rings.delete(node);
    }
  }

  /** Every kept sample within the window, by node (nodes in name order), oldest first. */
  samples(now: number): UsageSample[] {
    this.prune(now);
    const nodes = [...this.#rings.keys()].sort();
    return nodes.flatMap((n) => this.#rings.get(n)?.toArray() ?? []);
  }

  get nodeCount(): number {
    return this.#rings.size;
  }
}
