// This agent's events: the ones it records (kubelet) and the ones its peers broadcast, as core/v1 Event
// objects, kept out of the cluster document (DESIGN.md). Kubernetes' behaviours, scaled to one agent:
// - a repeat (same object, type, reason, message) bumps count and lastTimestamp instead of adding a row;
// - events expire an hour after they last changed (the API server's default event TTL);
// - bounded: at most `maxOwn` own and `maxPeer` received events, the least recently changed dropped first;
// - persisted to one file, rewritten at most once a second, loaded on start.
// Watchers get ADDED/MODIFIED as events change and DELETED when one expires or is dropped, dispatched
// synchronously like the ClusterStore's watch, so a list then a watch misses nothing.
import type { Logger } from 'pino';
import { writeFileAtomic } from '../../shared/files/atomicFile.ts';
import { matchesFieldSelector, parseFieldSelector } from '../../shared/model/fieldSelector.ts';
import type { ListOptions, WatchEventType } from '../../shared/store/ClusterStore.ts';
import type { EventRecord, EventRecorder } from './EventRecorder.ts';
import { encodeEventFile, readEventFile, type StoredEvent } from './eventFile.ts';
import { acceptEvent, aggregationKey, buildEvent, deepFreeze, type Event, eventTime } from './eventObject.ts';

export const DEFAULT_MAX_OWN_EVENTS = 1000;
export const DEFAULT_MAX_PEER_EVENTS = 5000;
export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;
const DEFAULT_PERSIST_INTERVAL_MS = 1000;
const DEFAULT_SWEEP_INTERVAL_MS = 10_000;

export interface EventLogOptions {
  /** This agent's Node name: every own event's `source.host`. */
  node: string;
  logger: Logger;
  /** Where the log persists (e.g. `<data dir>/events.json`); in memory only when absent. */
  file?: string;
  maxOwn?: number;
  maxPeer?: number;
  ttlMs?: number;
  /** The least time between two writes of the file. */
  persistIntervalMs?: number;
  /** How often expired events are dropped. */
  sweepIntervalMs?: number;
  /** The clock for timestamps and expiry (tests). */
  now?: () => number;
}

/** `list` options: the store's (already parsed selectors), or a field selector string to parse. */
export interface EventListOptions extends Omit<ListOptions, 'fieldSelector'> {
  /** `involvedObject.name=web,reason=BackOff`; a bad string throws an Error naming the problem. */
  fieldSelector?: string | ListOptions['fieldSelector'];
}

/** A change of the log, as the store's watch reports one. */
export interface EventWatchEvent {
  type: WatchEventType;
  object: Event;
}

export type EventWatchHandler = (event: EventWatchEvent) => void;

/** Per peer message: what was taken and what was dropped. */
export interface ReceiveResult {
  accepted: number;
  dropped: number;
}

interface Entry extends StoredEvent {
  /** For own events: the aggregation key, to find the row a repeat bumps. */
  key?: string;
}

const keyOf = (e: Event) => `${e.metadata.namespace ?? ''}/${e.metadata.name}`;

export class EventLog implements EventRecorder {
  readonly #node: string;
  readonly #logger: Logger;
  readonly #file: string | undefined;
  readonly #maxOwn: number;
  readonly #maxPeer: number;
  readonly #ttlMs: number;
  readonly #persistIntervalMs: number;
  readonly #now: () => number;
  /** namespace/name → entry, in the order entries last changed (oldest first), so eviction takes the head. */
  readonly #own = new Map<string, Entry>();
  readonly #peer = new Map<string, Entry>();
  /** Aggregation key → namespace/name of the own event a repeat bumps. */
  readonly #byAggregation = new Map<string, string>();
  /** Own events changed since the broadcaster last took them (namespace/name), oldest first. */
  readonly #outgoing = new Set<string>();
  readonly #watchers = new Set<EventWatchHandler>();
  readonly #sweepTimer: NodeJS.Timeout;
  #resourceVersion = 0;
  #persistTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #lastWriteAt = 0;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  /** Opens the log and loads its file (a missing or corrupt file starts an empty log). */
  static async open(opts: EventLogOptions): Promise<EventLog> {
    const log = new EventLog(opts);
    if (opts.file) {
      const content = await readEventFile(opts.file, opts.logger);
      if (content) log.#restore(content.entries, content.resourceVersion);
    }
    return log;
  }

  /** An empty log; use `open` to load the file. */
  constructor(opts: EventLogOptions) {
    this.#node = opts.node;
    this.#logger = opts.logger;
    this.#file = opts.file;
    this.#maxOwn = opts.maxOwn ?? DEFAULT_MAX_OWN_EVENTS;
    this.#maxPeer = opts.maxPeer ?? DEFAULT_MAX_PEER_EVENTS;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_EVENT_TTL_MS;
    this.#persistIntervalMs = opts.persistIntervalMs ?? DEFAULT_PERSIST_INTERVAL_MS;
    this.#now = opts.now ?? Date.now;
    this.#sweepTimer = setInterval(() => this.expire(), opts.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
    this.#sweepTimer.unref();
  }

  /** The version of the last change; what a list reports and a watch resumes from. */
  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  /** How many events the log holds. */
  get size(): { own: number; peer: number } {
    return { own: this.#own.size, peer: this.#peer.size };
  }

  /** Records an event of this agent. Never throws: a record that cannot be an Event is logged and dropped. */
  record(record: EventRecord): void {
    if (this.#closed) return;
    try {
      this.#record(record);
    } catch (err) {
      this.#logger.warn({ err, reason: record.reason }, 'could not record an event');
    }
  }

  #record(record: EventRecord): void {
    const now = this.#now();
    const built = buildEvent(
      record,
      { host: this.#node, ...(record.source ? { component: record.source } : {}) },
      now,
    );
    if (!built.ok) {
      this.#logger.warn(
        { reason: record.reason, object: record.involvedObject, error: built.error },
        'dropped an event that is not a valid Event',
      );
      return;
    }
    const key = record.series === undefined ? aggregationKey(built.event) : `series:${record.series}`;
    const existingKey = this.#byAggregation.get(key);
    const existing = existingKey === undefined ? undefined : this.#own.get(existingKey);
    if (existing && existingKey !== undefined) {
      const bumped = structuredClone(existing.event);
      if (record.series === undefined) bumped.count = (bumped.count ?? 1) + 1;
      else bumped.message = built.event.message;
      bumped.lastTimestamp = eventTime(now);
      this.#put(this.#own, existingKey, { ...existing, touchedAt: now, event: bumped }, 'MODIFIED');
      this.#outgoing.add(existingKey);
      return;
    }
    const name = keyOf(built.event);
    if (this.#own.has(name) || this.#peer.has(name)) return; // a 64-bit suffix collided: drop, never overwrite
    this.#put(this.#own, name, { own: true, touchedAt: now, event: built.event, key }, 'ADDED');
    this.#byAggregation.set(key, name);
    this.#outgoing.add(name);
    this.#evict(this.#own, this.#maxOwn);
  }

  /**
   * Takes events a peer sent (untrusted): each is validated and capped (acceptEvent); invalid ones are
   * dropped with a debug log. A known event is replaced only by a newer state of it (higher count or later
   * lastTimestamp), so resends change nothing; events named like one of our own are ignored.
   */
  receive(events: readonly unknown[], from = 'a peer'): ReceiveResult {
    const result: ReceiveResult = { accepted: 0, dropped: 0 };
    if (this.#closed) return result;
    const now = this.#now();
    for (const raw of events) {
      const checked = acceptEvent(raw);
      if (!checked.ok) {
        result.dropped++;
        this.#logger.debug({ from, error: checked.error }, 'dropped an invalid event from a peer');
        continue;
      }
      const event = checked.event;
      const name = keyOf(event);
      if (this.#own.has(name)) continue;
      const known = this.#peer.get(name);
      if (known && !isNewer(event, known.event)) continue;
      this.#put(this.#peer, name, { own: false, touchedAt: now, event }, known ? 'MODIFIED' : 'ADDED');
      result.accepted++;
    }
    this.#evict(this.#peer, this.#maxPeer);
    return result;
  }

  /** Events in every namespace or one, passing the selectors, sorted by namespace then name like the store. */
  list(opts: EventListOptions = {}): Event[] {
    let fieldSelector = opts.fieldSelector;
    if (typeof fieldSelector === 'string') {
      const parsed = parseFieldSelector(fieldSelector);
      if (!parsed.ok) throw new Error(`invalid field selector "${opts.fieldSelector}": ${parsed.error}`);
      fieldSelector = (obj) => matchesFieldSelector(parsed.selector, obj);
    }
    const out: Event[] = [];
    for (const map of [this.#own, this.#peer]) {
      for (const { event } of map.values()) {
        if (opts.namespace !== undefined && event.metadata.namespace !== opts.namespace) continue;
        if (opts.labelSelector && !opts.labelSelector(event.metadata.labels ?? {})) continue;
        if (fieldSelector && !fieldSelector(event)) continue;
        out.push(event);
      }
    }
    return out.sort(
      (a, b) =>
        compare(a.metadata.namespace, b.metadata.namespace) || compare(a.metadata.name, b.metadata.name),
    );
  }

  get(namespace: string | undefined, name: string): Event | undefined {
    const key = `${namespace ?? ''}/${name}`;
    return (this.#own.get(key) ?? this.#peer.get(key))?.event;
  }

  /** Every change from now on; returns the unsubscribe function. */
  watch(handler: EventWatchHandler): () => void {
    this.#watchers.add(handler);
    return () => {
      this.#watchers.delete(handler);
    };
  }

  /**
   * Own events changed since the last call, oldest change first, at most `maxEvents` and about `maxBytes` of
   * JSON (at least one when any is waiting), for the broadcaster's next message.
   */
  takeOutgoing(maxEvents: number, maxBytes: number): Event[] {
    const out: Event[] = [];
    let bytes = 0;
    for (const key of this.#outgoing) {
      const entry = this.#own.get(key);
      if (entry) {
        const size = Buffer.byteLength(JSON.stringify(entry.event));
        if (out.length >= maxEvents || (out.length > 0 && bytes + size > maxBytes)) break;
        const { resourceVersion: _local, ...metadata } = entry.event.metadata;
        out.push({ ...entry.event, metadata });
        bytes += size;
      }
      this.#outgoing.delete(key);
    }
    return out;
  }

  /** Queues every own event for broadcast again: a peer that just connected has not heard them. */
  resendRecent(): void {
    for (const key of this.#own.keys()) this.#outgoing.add(key);
  }

  /** Drops events an hour (the TTL) after they last changed. Runs on a timer; callable for tests. */
  expire(): void {
    const cutoff = this.#now() - this.#ttlMs;
    for (const map of [this.#own, this.#peer]) {
      for (const [key, entry] of map) if (entry.touchedAt < cutoff) this.#drop(map, key, entry);
    }
  }

  /** Writes the file now if anything changed since the last write. */
  flush(): Promise<void> {
    clearTimeout(this.#persistTimer);
    this.#persistTimer = undefined;
    return this.#persist();
  }

  /** Writes what is pending and stops the timers; later records are ignored. */
  async close(): Promise<void> {
    if (this.#closed) return this.#writing;
    clearInterval(this.#sweepTimer);
    const done = this.flush();
    this.#closed = true;
    this.#watchers.clear();
    await done;
  }

  #put(map: Map<string, Entry>, key: string, entry: Entry, type: 'ADDED' | 'MODIFIED'): void {
    this.#resourceVersion++;
    const event = structuredClone(entry.event);
    event.metadata.resourceVersion = String(this.#resourceVersion);
    entry.event = deepFreeze(event);
    map.delete(key); // re-inserted at the tail: the map stays ordered by last change
    map.set(key, entry);
    this.#emit({ type, object: entry.event });
    this.#changed();
  }

  #drop(map: Map<string, Entry>, key: string, entry: Entry): void {
    map.delete(key);
    if (entry.key !== undefined) this.#byAggregation.delete(entry.key);
    this.#outgoing.delete(key);
    this.#emit({ type: 'DELETED', object: entry.event });
    this.#changed();
  }

  #evict(map: Map<string, Entry>, max: number): void {
    for (const [key, entry] of map) {
      if (map.size <= max) return;
      this.#drop(map, key, entry);
    }
  }

  #emit(event: EventWatchEvent): void {
    for (const handler of this.#watchers) {
      try {
        handler(event);
      } catch (err) {
        this.#logger.warn({ err }, 'an event watcher failed');
      }
    }
  }

  #restore(entries: StoredEvent[], resourceVersion: number): void {
    this.#resourceVersion = resourceVersion;
    const cutoff = this.#now() - this.#ttlMs;
    const live = entries.filter((e) => e.touchedAt >= cutoff).sort((a, b) => a.touchedAt - b.touchedAt);
    for (const stored of live) {
      const name = keyOf(stored.event);
      if (this.#own.has(name) || this.#peer.has(name)) continue;
      const entry: Entry = { ...stored };
      if (stored.own) {
        entry.key = aggregationKey(stored.event);
        this.#byAggregation.set(entry.key, name);
      }
      this.#put(stored.own ? this.#own : this.#peer, name, entry, 'ADDED');
    }
    this.#evict(this.#own, this.#maxOwn);
    this.#evict(this.#peer, this.#maxPeer);
    this.#dirty = false; // what was just read is what the file holds (minus what expired: harmless)
  }

  #changed(): void {
    this.#dirty = true;
    if (!this.#file || this.#persistTimer || this.#closed) return;
    const wait = Math.max(0, this.#lastWriteAt + this.#persistIntervalMs - Date.now());
    this.#persistTimer = setTimeout(() => {
      this.#persistTimer = undefined;
      void this.#persist();
    }, wait);
    this.#persistTimer.unref();
  }

  #persist(): Promise<void> {
    const file = this.#file;
    if (!file) return Promise.resolve();
    // Writes run one after another; each writes the state at the moment it starts.
    this.#writing = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      this.#lastWriteAt = Date.now();
      const entries: StoredEvent[] = [...this.#own.values(), ...this.#peer.values()].map((e) => ({
        own: e.own,
        touchedAt: e.touchedAt,
        event: e.event,
      }));
      try {
        await writeFileAtomic(file, encodeEventFile({ resourceVersion: this.#resourceVersion, entries }));
      } catch (err) {
        this.#dirty = true; // the next change tries again
        this.#logger.warn({ err, file }, 'could not write the event log file');
      }
    });
    return this.#writing;
  }
}

function compare(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a peer's event is a later state of the one we hold (a repeat bumps count and lastTimestamp). */
function isNewer(incoming: Event, known: Event): boolean {
  const a = incoming.count ?? 1;
  const b = known.count ?? 1;
  if (a !== b) return a > b;
  return Date.parse(incoming.lastTimestamp ?? '') > Date.parse(known.lastTimestamp ?? '');
}
