// An in-memory ClusterStore for tests of everything above the store. It shares the write planning, index and
// batching with AutomergeClusterStore (DocumentClusterStore), and keeps its entries like the document does
// (JSON text per section), so the same contract suite passes on both.
import type { Logger } from 'pino';
import { DocumentClusterStore } from './DocumentClusterStore.ts';
import type { DocumentWrite } from './planWrite.ts';

type Entry = Record<string, unknown>;

export class MemoryClusterStore extends DocumentClusterStore {
  readonly #entries = new Map<string, unknown>();
  #changeCount = 0;

  constructor(opts: { logger?: Logger } = {}) {
    super((value) => (typeof value === 'string' ? value : undefined), opts.logger);
  }

  /** Document changes made so far; one per batch of writes, as in the Automerge document's history. */
  get changeCount(): number {
    return this.#changeCount;
  }

  /** Stores a raw entry as a misbehaving peer could, bypassing every check: for tests of the read path. */
  putRaw(key: string, value: unknown): void {
    this.#entries.set(key, value);
    this.#changeCount++;
    this.documentChanged([[key, value]]);
  }

  protected writeDocument(writes: readonly DocumentWrite[]): void {
    const changed = new Set<string>();
    for (const write of writes) {
      changed.add(write.key);
      const entry = this.#entries.get(write.key) as Entry | undefined;
      switch (write.type) {
        case 'put': {
          const { type: _t, key: _k, ...sections } = write;
          this.#entries.set(write.key, sections);
          break;
        }
        case 'set':
          // Entries are replaced, never edited in place: the index may still hold the previous one.
          this.#entries.set(write.key, withSections(entry, { metadata: write.metadata, body: write.body }));
          break;
        case 'setStatus':
          this.#entries.set(
            write.key,
            withSections(entry, { status: write.status, statusResourceVersion: write.statusResourceVersion }),
          );
          break;
        case 'delete':
          this.#entries.delete(write.key);
          break;
      }
    }
    this.#changeCount++;
    this.documentChanged([...changed].map((key) => [key, this.#entries.get(key)] as const));
  }

  protected persist(): Promise<void> {
    return Promise.resolve();
  }

  protected async detach(): Promise<void> {}
}

/** `undefined` leaves a section as it is; `null` removes it. */
function withSections(entry: Entry | undefined, sections: Record<string, unknown>): Entry {
  const next: Entry = { ...entry };
  for (const [name, value] of Object.entries(sections)) {
    if (value === null) delete next[name];
    else if (value !== undefined) next[name] = value;
  }
  return next;
}
