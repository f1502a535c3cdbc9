// ClusterStore over the replicated cluster document, through an automerge-repo DocHandle, so network
// adapters added to the same Repo sync it with peers and this store sees their changes.
//
// Flow: a batch of writes becomes one `handle.change()`; the handle's change event (for our changes and for
// peers' alike) names the touched entries in its patches, and only those are re-read into the index;
// then `repo.flush()` saves the change, and only then do the writes' promises resolve.
import * as A from '@automerge/automerge';
import type { DocHandle, DocHandleChangePayload, Repo } from '@automerge/automerge-repo';
import type { Logger } from 'pino';
import { DocumentClusterStore } from './DocumentClusterStore.ts';
import type { DocumentCompactor } from './DocumentCompactor.ts';
import { type ClusterDocument, type DocumentEntry, SCHEMA_VERSION } from './documentSchema.ts';
import type { DocumentWrite } from './planWrite.ts';

export interface AutomergeClusterStoreOptions {
  repo: Repo;
  /** A ready handle on the cluster document. */
  handle: DocHandle<ClusterDocument>;
  logger?: Logger;
  /** Shut the repo down on close(): set when the store is the repo's only user. */
  ownsRepo?: boolean;
  /** Closed after the repo shuts down, so nothing is written once the store is closed. */
  storage?: { close(): void };
  /** Told of every document change, closed with the store. */
  compactor?: DocumentCompactor;
}

export class AutomergeClusterStore extends DocumentClusterStore {
  readonly repo: Repo;
  readonly handle: DocHandle<ClusterDocument>;
  readonly #ownsRepo: boolean;
  readonly #storage: { close(): void } | undefined;
  readonly #compactor: DocumentCompactor | undefined;

  constructor(opts: AutomergeClusterStoreOptions) {
    super((value) => (A.isImmutableString(value) ? value.val : undefined), opts.logger);
    this.repo = opts.repo;
    this.handle = opts.handle;
    this.#ownsRepo = opts.ownsRepo ?? false;
    this.#storage = opts.storage;
    this.#compactor = opts.compactor;
    this.#reindex(this.handle.doc());
    this.handle.on('change', this.#onChange);
  }

  protected writeDocument(writes: readonly DocumentWrite[]): void {
    this.handle.change((doc) => {
      for (const write of writes) applyWrite(doc.objects, write);
    });
  }

  protected persist(): Promise<void> {
    return this.repo.flush([this.handle.documentId]);
  }

  protected async detach(): Promise<void> {
    this.handle.off('change', this.#onChange);
    await this.#compactor?.close();
    if (this.#ownsRepo) await this.repo.shutdown();
    this.#storage?.close();
  }

  readonly #onChange = ({ doc, patches }: DocHandleChangePayload<ClusterDocument>): void => {
    this.#compactor?.noteChange();
    const touched = new Set<string>();
    for (const { path } of patches) {
      const [root, key] = path;
      if (root !== 'objects' || key === undefined) {
        this.#reindex(doc);
        return;
      }
      touched.add(String(key));
    }
    const objects = objectsOf(doc);
    this.documentChanged([...touched].map((key) => [key, objects?.[key]] as const));
  };

  /** Reads everything: on open, and when a change touched the document outside single entries. */
  #reindex(doc: A.Doc<ClusterDocument>): void {
    const problems: string[] = [];
    const version: unknown = doc.schemaVersion;
    if (version !== SCHEMA_VERSION) {
      problems.push(`schemaVersion: expected ${SCHEMA_VERSION}, found ${JSON.stringify(version)}`);
    }
    const objects = objectsOf(doc);
    if (!objects) problems.push('objects: expected a map of objects');
    this.setDocumentProblems(problems);
    this.documentReplaced(new Map(Object.entries(objects ?? {})));
  }
}

/** The objects map as untrusted data: a peer may have put anything there. */
function objectsOf(doc: A.Doc<ClusterDocument>): Record<string, unknown> | undefined {
  const objects: unknown = doc.objects;
  return typeof objects === 'object' && objects !== null && !Array.isArray(objects)
    ? (objects as Record<string, unknown>)
    : undefined;
}

function applyWrite(objects: Record<string, DocumentEntry>, write: DocumentWrite): void {
  const text = (s: string) => new A.ImmutableString(s);
  switch (write.type) {
    case 'put': {
      // A new map, even over an old key: concurrent edits to the old object stay with the old object.
      const entry: DocumentEntry = { metadata: text(write.metadata) };
      if (write.body !== undefined) entry.body = text(write.body);
      if (write.status !== undefined) entry.status = text(write.status);
      objects[write.key] = entry;
      return;
    }
    case 'set': {
      const entry = objects[write.key] as DocumentEntry;
      if (write.metadata !== undefined) entry.metadata = text(write.metadata);
      if (write.body === null) delete entry.body;
      else if (write.body !== undefined) entry.body = text(write.body);
      return;
    }
    case 'setStatus': {
      const entry = objects[write.key] as DocumentEntry;
      if (write.status === null) delete entry.status;
      else entry.status = text(write.status);
      entry.statusResourceVersion = write.statusResourceVersion;
      return;
    }
    case 'delete':
      delete objects[write.key];
      return;
  }
}
