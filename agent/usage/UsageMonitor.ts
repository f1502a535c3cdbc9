// Live usage of every node. Each agent samples its own host every 5 s and shares the sample as an
// automerge-repo ephemeral message on the cluster document's handle, like the heartbeats
// (agent/membership/Heartbeats.ts): it reaches every peer, relayed like sync messages, and never enters the
// document's history. Every agent keeps the last 10 minutes of every node in memory (UsageHistory) and tells
// its listeners (the usage API's WebSockets) about each new sample.
import type { DocHandle, DocHandleEphemeralMessagePayload } from '@automerge/automerge-repo';
import type { Logger } from 'pino';
import type { ClusterDocument } from '../../shared/store/documentSchema.ts';
import { HostUsageReader } from './hostUsage.ts';
import { UsageHistory } from './UsageHistory.ts';
import { readUsageMessage, type UsageSample, usageMessage } from './usageSample.ts';

export const DEFAULT_USAGE_INTERVAL_MS = 5000;

export type UsageListener = (sample: UsageSample) => void;

/** What the usage API reads: the history and the samples as they arrive. */
export interface UsageSource {
  samples(): UsageSample[];
  subscribe(listener: UsageListener): () => void;
}

export interface UsageMonitorOptions<T> {
  handle: DocHandle<T>;
  /** This agent's Node name. */
  node: string;
  logger: Logger;
  intervalMs?: number;
  windowMs?: number;
  /** Reads this host's usage (tests pass a fake). */
  reader?: { read(): Promise<{ cpuCores: number; memoryBytes: number }> };
  now?: () => number;
}

export class UsageMonitor<T = ClusterDocument> implements UsageSource {
  readonly #handle: DocHandle<T>;
  readonly #node: string;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #reader: { read(): Promise<{ cpuCores: number; memoryBytes: number }> };
  readonly #now: () => number;
  readonly #history: UsageHistory;
  readonly #listeners = new Set<UsageListener>();
  #timer: NodeJS.Timeout | undefined;
  #sampling = false;

  constructor(opts: UsageMonitorOptions<T>) {
    this.#handle = opts.handle;
    this.#node = opts.node;
    this.#logger = opts.logger;
    this.#intervalMs = opts.intervalMs ?? DEFAULT_USAGE_INTERVAL_MS;
    this.#reader = opts.reader ?? new HostUsageReader();
    this.#now = opts.now ?? Date.now;
    this.#history = new UsageHistory({ windowMs: opts.windowMs });
  }

  start(): void {
    if (this.#timer) return;
    this.#handle.on('ephemeral-message', this.#onMessage);
    // The first reading is the baseline the first rate is measured from: it is not a sample.
    void this.#reader.read().catch(() => {});
    this.#timer = setInterval(() => void this.sampleNow(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#handle.off('ephemeral-message', this.#onMessage);
    this.#listeners.clear();
  }

  samples(): UsageSample[] {
    return this.#history.samples(this.#now());
  }

  subscribe(listener: UsageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One tick: samples this host, keeps the sample and shares it. Skipped while the previous one runs. */
  async sampleNow(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      const usage = await this.#reader.read();
      if (!this.#timer) return; // stopped while reading
      const sample: UsageSample = { node: this.#node, at: this.#now(), ...usage };
      this.#keep(sample);
      try {
        this.#handle.broadcast(usageMessage(sample));
      } catch (err) {
        // Lost until the next tick; usage is a convenience, never worth failing the agent for.
        this.#logger.debug({ err }, 'could not broadcast usage');
      }
    } catch (err) {
      this.#logger.debug({ err }, 'could not read this host’s usage');
    } finally {
      this.#sampling = false;
    }
  }

  #keep(sample: UsageSample): void {
    if (!this.#history.add(sample, this.#now())) return;
    for (const listener of this.#listeners) {
      try {
        listener(sample);
      } catch (err) {
        this.#logger.debug({ err }, 'a usage listener failed');
      }
    }
  }

  readonly #onMessage = (payload: DocHandleEphemeralMessagePayload<T>): void => {
    const read = readUsageMessage(payload.message, this.#now());
    if (read === undefined) return; // other ephemeral messages are not ours to judge
    if (!read.ok) {
      this.#logger.debug({ from: payload.senderId, error: read.error }, 'dropped a usage message');
      return;
    }
    // Our own samples come back relayed by peers at times; the local copy is the one kept.
    if (read.sample.node === this.#node) return;
    this.#keep(read.sample);
  };
}
