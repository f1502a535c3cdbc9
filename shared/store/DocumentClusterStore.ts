// ClusterStore over any backend that holds the document's entries by key. Owns what both stores share:
// the read index, watch dispatch, and the write batch. Writes issued in one macrotask are planned in order
// (each sees the ones before it), applied as ONE document change (one Automerge change costs 1.6-3 ms
// whatever its size), then persisted once; each write's promise resolves when that save is done.
//
// A subclass implements three hooks (write, persist, detach) and calls documentChanged() whenever entries
// change, for its own writes and for changes from peers alike: the index and watch events come from there.
import type { Logger } from 'pino';
import type { Kind } from '../model/kinds.ts';
import type { KubeObject, Uid } from '../model/meta.ts';
import type {
  ClusterStore,
  ListOptions,
  StoreProblem,
  WatchEvent,
  WatchHandler,
  WriteOptions,
} from './ClusterStore.ts';
import { documentKey, type EntryText, type TextOf } from './documentSchema.ts';
import { ObjectIndex } from './ObjectIndex.ts';
import {
  type DocumentWrite,
  type PlannedWrite,
  planWrite,
  type WriteContext,
  type WriteOp,
} from './planWrite.ts';
import { StoreClosedError } from './storeErrors.ts';

interface Pending {
  op: WriteOp;
  resolve: (result: KubeObject | undefined) => void;
  reject: (error: unknown) => void;
}

interface Watcher {
  kind: Kind | undefined;
  handler: WatchHandler;
}

export abstract class DocumentClusterStore implements ClusterStore {
  readonly #index: ObjectIndex;
  readonly #watchers = new Set<Watcher>();
  readonly #saves = new Set<Promise<void>>();
  #documentProblems: string[] = [];
  #queue: Pending[] = [];
  #afterCommit: (() => void)[] = [];
  #commitScheduled = false;
  #closed = false;
  #lastResourceVersion = 0;

  protected constructor(
    textOf: TextOf,
    protected readonly logger: Logger | undefined,
  ) {
    this.#index = new ObjectIndex(textOf, (p) =>
      this.logger?.warn(p, 'skipping invalid object in cluster document'),
    );
  }

  /** Applies the writes as one atomic document change, then calls documentChanged() for them. */
  protected abstract writeDocument(writes: readonly DocumentWrite[]): void;
  /** Makes every change so far durable. */
  protected abstract persist(): Promise<void>;
  /** Stops listening to the document; called once by close(). */
  protected abstract detach(): Promise<void>;

  /** Feeds changed entries (value undefined: removed) to the index and watchers. */
  protected documentChanged(changes: Iterable<readonly [string, unknown]>): void {
    const events: WatchEvent[] = [];
    for (const [key, value] of changes) {
      const event = this.#index.set(key, value);
      if (event) events.push(event);
    }
    this.#dispatch(events);
  }

  /** Replaces the whole index, e.g. on open or when a peer replaced the objects map. */
  protected documentReplaced(entries: ReadonlyMap<string, unknown>): void {
    const removed = [...this.#index.keys()]
      .filter((k) => !entries.has(k))
      .map((k) => [k, undefined] as const);
    this.documentChanged([...removed, ...entries]);
  }

  /** Problems with the document as a whole (not one object); an empty list clears them. */
  protected setDocumentProblems(errors: string[]): void {
    if (errors.length > 0 && errors.join('\n') !== this.#documentProblems.join('\n')) {
      this.logger?.error({ errors }, 'cluster document has problems');
    }
    this.#documentProblems = errors;
  }

  get(kind: Kind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#index.get(documentKey(kind, namespace, name));
  }

  list(kind: Kind, opts: ListOptions = {}): KubeObject[] {
    const { namespace, labelSelector, fieldSelector } = opts;
    return this.#index
      .list(kind)
      .filter(
        (o) =>
          (namespace === undefined || o.metadata.namespace === namespace) &&
          (!labelSelector || labelSelector(o.metadata.labels ?? {})) &&
          (!fieldSelector || fieldSelector(o)),
      );
  }

  watch(kind: Kind | undefined, handler: WatchHandler): () => void {
    const watcher: Watcher = { kind, handler };
    if (!this.#closed) this.#watchers.add(watcher);
    return () => {
      this.#watchers.delete(watcher);
    };
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    return defined(await this.#enqueue({ type: 'create', object: obj }));
  }

  async updateSpec(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return defined(
      await this.#enqueue({ type: 'updateSpec', object: obj, precondition: opts.resourceVersion }),
    );
  }

  async updateStatus(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    status: unknown,
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    const op: WriteOp = {
      type: 'updateStatus',
      kind,
      namespace,
      name,
      status,
      precondition: opts.resourceVersion,
    };
    return defined(await this.#enqueue(op));
  }

  async delete(kind: Kind, namespace: string | undefined, name: string): Promise<void> {
    await this.#enqueue({ type: 'delete', kind, namespace, name });
  }

  problems(): StoreProblem[] {
    const document = this.#documentProblems.length > 0 ? [{ key: '', errors: this.#documentProblems }] : [];
    return [...document, ...this.#index.problems()];
  }

  async flush(): Promise<void> {
    if (this.#commitScheduled) await new Promise<void>((resolve) => this.#afterCommit.push(resolve));
    await Promise.allSettled([...this.#saves]);
    await this.persist(); // changes received from peers, which no write of ours saved
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    this.#watchers.clear();
    await this.detach();
  }

  #enqueue(op: WriteOp): Promise<KubeObject | undefined> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      if (!this.#commitScheduled) {
        this.#commitScheduled = true;
        // setImmediate runs after the current macrotask and its microtasks: every write issued in this
        // tick, including ones chained with await, joins the batch.
        setImmediate(() => this.#commit());
      }
    });
  }

  #commit(): void {
    const batch = this.#queue;
    const waiters = this.#afterCommit;
    this.#queue = [];
    this.#afterCommit = [];
    this.#commitScheduled = false;

    const planned: { pending: Pending; plan: PlannedWrite }[] = [];
    const overlay = new Map<string, KubeObject | null>(); // this batch's effect so far; null: deleted
    const ctx: WriteContext = {
      current: (key) => (overlay.has(key) ? (overlay.get(key) ?? undefined) : this.#index.get(key)),
      present: (key) => (overlay.has(key) ? overlay.get(key) !== null : this.#index.has(key)),
      nextResourceVersion: () => {
        this.#lastResourceVersion = Math.max(this.#lastResourceVersion, this.#index.maxResourceVersion) + 1;
        return this.#lastResourceVersion;
      },
      now: () => new Date(),
      newUid: () => crypto.randomUUID() as Uid,
    };
    for (const pending of batch) {
      try {
        const plan = planWrite(pending.op, ctx);
        if (plan.write) overlay.set(plan.key, plan.result ?? null);
        planned.push({ pending, plan });
      } catch (error) {
        pending.reject(error);
      }
    }
    const writes = planned.flatMap(({ plan }) => (plan.write ? [plan.write] : []));
    this.#expectResults(planned.map(({ plan }) => plan));
    try {
      if (writes.length > 0) this.writeDocument(writes);
    } catch (error) {
      for (const { pending } of planned) pending.reject(error);
      planned.length = 0;
    } finally {
      this.#index.clearExpected();
    }
    // Even a write that changed nothing waits for the saves in flight: what it returns must be durable.
    const save = writes.length > 0 ? this.persist() : Promise.allSettled([...this.#saves]).then(() => {});
    this.#saves.add(save);
    save.then(
      () => {
        for (const { pending, plan } of planned) pending.resolve(plan.result);
      },
      (error: unknown) => {
        for (const { pending } of planned) pending.reject(error);
      },
    );
    save.finally(() => this.#saves.delete(save)).catch(() => {});
    for (const waiter of waiters) waiter();
  }

  /** Tells the index what this batch will leave in each entry it writes, so it need not validate it again. */
  #expectResults(plans: readonly PlannedWrite[]): void {
    const texts = new Map<string, EntryText | undefined>();
    for (const { key, write, result } of plans) {
      if (!write) continue;
      const before = texts.has(key) ? texts.get(key) : this.#index.entryText(key);
      const text = entryTextAfter(before, write);
      texts.set(key, text);
      this.#index.expect(key, text, result);
    }
  }

  #dispatch(events: readonly WatchEvent[]): void {
    for (const event of events) {
      for (const watcher of [...this.#watchers]) {
        if (watcher.kind !== undefined && watcher.kind !== event.object.kind) continue;
        try {
          watcher.handler(event);
        } catch (error) {
          // A broken watcher must not break the store or the other watchers.
          this.logger?.error({ err: error, event: event.type }, 'cluster store watch handler threw');
        }
      }
    }
  }
}

function entryTextAfter(before: EntryText | undefined, write: DocumentWrite): EntryText | undefined {
  switch (write.type) {
    case 'put':
      return { metadata: write.metadata, body: write.body, status: write.status, statusResourceVersion: 0 };
    case 'set':
      if (!before) return undefined;
      return {
        ...before,
        metadata: write.metadata ?? before.metadata,
        body: write.body === null ? undefined : (write.body ?? before.body),
      };
    case 'setStatus':
      if (!before) return undefined;
      return {
        ...before,
        status: write.status ?? undefined,
        statusResourceVersion: write.statusResourceVersion,
      };
    case 'delete':
      return undefined;
  }
}

function defined(result: KubeObject | undefined): KubeObject {
  if (!result) throw new Error('cluster store: write returned no object');
  return result;
}
