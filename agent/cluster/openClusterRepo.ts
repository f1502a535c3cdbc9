// Opens a peer's copy of the cluster document, synced over the swarm. The document's id is derived from the
// swarm key, so a machine given only the key knows which document to ask its peers for: `shoal init` creates
// it; every other peer loads it from disk or waits until a connected peer has it.

import path from 'node:path';
import * as A from '@automerge/automerge';
import {
  type DocHandle,
  type DocumentId,
  interpretAsDocumentId,
  Repo,
  stringifyAutomergeUrl,
} from '@automerge/automerge-repo';
import type { Logger } from 'pino';
import { AtomicFsStorageAdapter } from '../../shared/store/AtomicFsStorageAdapter.ts';
import { AutomergeClusterStore } from '../../shared/store/AutomergeClusterStore.ts';
import { type ClusterDocument, initialClusterDocument } from '../../shared/store/documentSchema.ts';
import { clusterDocumentId } from '../../shared/swarm/swarmKey.ts';
import { SwarmNetworkAdapter } from '../../shared/sync/SwarmNetworkAdapter.ts';
import { waitForDocument } from '../../shared/sync/waitForDocument.ts';

export interface ClusterRepo {
  repo: Repo;
  handle: DocHandle<ClusterDocument>;
  store: AutomergeClusterStore;
  /** Attach each authenticated peer's sync channel here. */
  network: SwarmNetworkAdapter;
}

export function clusterDocumentIdFor(swarmKey: Uint8Array): DocumentId {
  return interpretAsDocumentId(stringifyAutomergeUrl(new Uint8Array(clusterDocumentId(swarmKey)) as never));
}

export interface ClusterRepoOptions {
  dataDir: string;
  swarmKey: Uint8Array;
  logger: Logger;
}

/** Step 1: the repo and its network adapter, so the swarm can be wired before the document is looked for. */
export async function createClusterRepo(
  opts: ClusterRepoOptions,
): Promise<Omit<ClusterRepo, 'handle' | 'store'>> {
  const storage = await AtomicFsStorageAdapter.open(path.join(opts.dataDir, 'automerge'));
  const network = new SwarmNetworkAdapter((p) =>
    opts.logger.warn({ peer: p.remoteId, reason: p.reason }, 'dropped a sync message from a peer'),
  );
  const repo = new Repo({ storage, network: [network], sharePolicy: async () => true });
  return { repo, network };
}

export interface LoadClusterStoreOptions {
  swarmKey: Uint8Array;
  /** Only `shoal init`: make the document. Everyone else finds it on disk or from peers. */
  create?: boolean;
  logger: Logger;
  signal?: AbortSignal;
}

/** Step 2: the cluster document (made, loaded from disk, or awaited from peers) and the store over it. */
export async function loadClusterStore(
  repo: Repo,
  opts: LoadClusterStoreOptions,
): Promise<{ handle: DocHandle<ClusterDocument>; store: AutomergeClusterStore }> {
  const docId = clusterDocumentIdFor(opts.swarmKey);
  let handle: DocHandle<ClusterDocument>;
  if (opts.create) {
    handle = repo.import<ClusterDocument>(
      A.save(A.from(initialClusterDocument() as unknown as Record<string, unknown>)),
      {
        docId,
      },
    );
    await repo.flush([docId]);
  } else {
    handle = await waitForDocument<ClusterDocument>(repo, docId, {
      signal: opts.signal,
      retryMs: 500,
      onWaiting: (attempt) => {
        if (attempt === 1 || attempt % 20 === 0)
          opts.logger.info('waiting for a peer that has the cluster document');
      },
    });
  }
  const store = new AutomergeClusterStore({ repo, handle, logger: opts.logger, ownsRepo: true });
  return { handle, store };
}
