// Opens a peer's copy of the cluster document from its data directory:
//   <dataDir>/automerge/   automerge-repo storage (AtomicFsStorageAdapter: crash safe), kept quick to load
//                          by DocumentCompactor
// The document's id is given: an agent derives it from the swarm key (clusterDocumentId), so a machine that
// knows only the key knows which document to ask its peers for. `mode` says who may make it:
//   'create'            `shoal init`: a new, empty document with that id
//   'find'              every other peer: from disk, or from the first connected peer that has it
//   'create-if-missing' a peer with no network (tests, benchmarks): from disk, else new
// Returns the store with the Repo and handle. One process owns a data directory at a time (opening it
// clears the storage's temporary files).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as A from '@automerge/automerge';
import {
  type DocHandle,
  type DocumentId,
  interpretAsDocumentId,
  type NetworkAdapterInterface,
  Repo,
  stringifyAutomergeUrl,
} from '@automerge/automerge-repo';
import type { Logger } from 'pino';
import { waitForDocument } from '../sync/waitForDocument.ts';
import { AtomicFsStorageAdapter } from './AtomicFsStorageAdapter.ts';
import { AutomergeClusterStore } from './AutomergeClusterStore.ts';
import { DocumentCompactor } from './DocumentCompactor.ts';
import { type ClusterDocument, initialClusterDocument } from './documentSchema.ts';

export interface OpenedClusterDocument {
  store: AutomergeClusterStore;
  repo: Repo;
  handle: DocHandle<ClusterDocument>;
  /** Writes snapshots every few dozen changes; closed by store.close(). */
  compactor: DocumentCompactor;
  /** True when this call made a new, empty cluster document. */
  created: boolean;
}

export type OpenMode = 'create' | 'find' | 'create-if-missing';

export interface OpenClusterDocumentOptions {
  docId: DocumentId;
  mode: OpenMode;
  logger?: Logger;
  /** Network adapters the repo syncs over (the swarm's); none for a standalone document. */
  network?: NetworkAdapterInterface[];
  /** Aborts waiting for a peer in 'find' mode. */
  signal?: AbortSignal;
}

/** automerge-repo's DocumentId for 16 bytes (e.g. clusterDocumentId(swarmKey)). */
export function documentIdFromBytes(bytes: Uint8Array): DocumentId {
  return interpretAsDocumentId(stringifyAutomergeUrl(new Uint8Array(bytes) as never));
}

function newDocument(repo: Repo, docId: DocumentId): DocHandle<ClusterDocument> {
  const initial = A.from(initialClusterDocument() as unknown as Record<string, unknown>);
  return repo.import<ClusterDocument>(A.save(initial), { docId });
}

export async function openClusterDocument(
  dataDir: string,
  opts: OpenClusterDocumentOptions,
): Promise<OpenedClusterDocument> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const storage = await AtomicFsStorageAdapter.open(path.join(dataDir, 'automerge'));
  const repo = new Repo({ storage, network: opts.network ?? [], sharePolicy: async () => true });
  try {
    let handle: DocHandle<ClusterDocument>;
    let created = false;
    if (opts.mode === 'create') {
      handle = newDocument(repo, opts.docId);
      created = true;
    } else if (opts.mode === 'find') {
      handle = await waitForDocument<ClusterDocument>(repo, opts.docId, {
        signal: opts.signal,
        retryMs: 500,
        onWaiting: (attempt) => {
          if (attempt === 1 || attempt % 20 === 0)
            opts.logger?.info('waiting for a peer that has the cluster document');
        },
      });
    } else {
      try {
        handle = await waitForDocument<ClusterDocument>(repo, opts.docId, { attempts: 1 });
      } catch {
        handle = newDocument(repo, opts.docId);
        created = true;
      }
    }
    if (created) await repo.flush([opts.docId]);
    const compactor = await DocumentCompactor.open(storage, handle, { logger: opts.logger });
    const store = new AutomergeClusterStore({
      repo,
      handle,
      logger: opts.logger,
      ownsRepo: true,
      compactor,
      storage,
    });
    return { store, repo, handle, compactor, created };
  } catch (error) {
    await repo.shutdown().catch(() => {});
    throw error;
  }
}
