// Keeps the saved cluster document quick to load by writing a fresh snapshot every few dozen changes.
//
// Why: automerge-repo saves each change as an incremental chunk and compacts only when the incremental
// bytes reach the snapshot's size. A multi-megabyte document updated in small batches then piles up
// hundreds of chunks, and Automerge 3.5 replays changes on load at a cost that grows with the document
// (measured 5-10 ms per change at 3,000 objects, 20-45 ms at 10,000): a 1 MB snapshot plus 300 small
// changes took 4-6 s to load, against ~140 ms for the same document as one snapshot. Writing a snapshot
// costs about as much as loading one (~650 ms at 10,000 objects, blocking), so every 50 changes keeps
// both the amortized cost and the replay on the next load bounded.
//
// How, without reaching into automerge-repo: list the document's chunks, then save the in-memory document
// whole. Every listed chunk was saved from an earlier state of that same document, so the new snapshot
// covers them all and they can be removed. Chunks written after the listing are left alone, and
// automerge-repo's own compactions only remove chunks they cover, so the two never lose data. A kill at
// any point leaves either the old chunks, or the new snapshot plus (some of) the old chunks.
import { createHash } from 'node:crypto';
import * as A from '@automerge/automerge';
import type { DocumentId, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import type { Logger } from 'pino';

/** The part of a DocHandle the compactor uses. */
export interface CompactableDocument {
  readonly documentId: DocumentId;
  doc(): A.Doc<unknown>;
}

export interface DocumentCompactorOptions {
  /** Changes (local batches or remote change events) after which a snapshot is written. */
  maxChangesBetweenSnapshots?: number;
  logger?: Logger;
}

export class DocumentCompactor {
  readonly #storage: StorageAdapterInterface;
  readonly #handle: CompactableDocument;
  readonly #max: number;
  readonly #logger: Logger | undefined;
  #changes: number;
  #running: Promise<void> | undefined;
  #closed = false;

  private constructor(
    storage: StorageAdapterInterface,
    handle: CompactableDocument,
    changes: number,
    opts: DocumentCompactorOptions,
  ) {
    this.#storage = storage;
    this.#handle = handle;
    this.#changes = changes;
    this.#max = opts.maxChangesBetweenSnapshots ?? 50;
    this.#logger = opts.logger;
  }

  /** Counts the incremental chunks already on disk, so a document left with many is compacted soon. */
  static async open(
    storage: StorageAdapterInterface,
    handle: CompactableDocument,
    opts: DocumentCompactorOptions = {},
  ): Promise<DocumentCompactor> {
    const incremental = await storage.loadRange([handle.documentId, 'incremental']);
    const compactor = new DocumentCompactor(storage, handle, incremental.length, opts);
    compactor.#maybeCompact();
    return compactor;
  }

  /** Records that the document changed and was (or will be) saved as one more incremental chunk. */
  noteChange(): void {
    this.#changes++;
    this.#maybeCompact();
  }

  /** Waits for a compaction in progress, and stops starting new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
  }

  /** Writes a snapshot of the document now and removes the chunks it covers. */
  async compact(): Promise<void> {
    const documentId = this.#handle.documentId;
    const changesCovered = this.#changes;
    const listed = [
      ...(await this.#storage.loadRange([documentId, 'snapshot'])),
      ...(await this.#storage.loadRange([documentId, 'incremental'])),
    ].map((chunk) => chunk.key);
    // Saved only after listing: the snapshot then includes everything the listed chunks hold.
    const doc = this.#handle.doc();
    const binary = A.save(doc);
    const key: StorageKey = [documentId, 'snapshot', headsKey(A.getHeads(doc))];
    await this.#storage.save(key, binary);
    for (const old of listed) {
      if (old.join('/') !== key.join('/')) await this.#storage.remove(old);
    }
    this.#changes = Math.max(0, this.#changes - changesCovered);
    this.#logger?.debug({ bytes: binary.length, removed: listed.length }, 'cluster document compacted');
  }

  #maybeCompact(): void {
    if (this.#closed || this.#running || this.#changes < this.#max) return;
    this.#running = this.compact()
      .catch((error: unknown) => this.#logger?.error({ err: error }, 'cluster document compaction failed'))
      .finally(() => {
        this.#running = undefined;
        this.#maybeCompact();
      });
  }
}

function headsKey(heads: string[]): string {
  return createHash('sha256')
    .update([...heads].sort().join(','))
    .digest('hex');
}
