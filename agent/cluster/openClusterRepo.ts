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

export interface OpenClusterRepoOptions {
  dataDir: string;
  swarmKey: Uint8Array;
  /** Only `shoal init`: make the document. Everyone else finds it on disk or from peers. */
  create?: boolean;
  logger: Logger;
  signal?: AbortSignal;
}

export async function openClusterRepo(opts: OpenClusterRepoOptions): Promise<ClusterRepo> {
  const storage = await AtomicFsStorageAdapter.open(path.join(opts.dataDir, 'automerge'));
  const network = new SwarmNetworkAdapter((p) =>
    opts.logger.warn({ peer: p.remoteId, reason: p.reason }, 'dropped a sync message from a peer'),
  );
  const repo = new Repo({ storage, network: [network], sharePolicy: async () => true });
  const docId = clusterDocumentIdFor(opts.swarmKey);
  try {
    let handle: DocHandle<ClusterDocument>;
    if (opts.create) {
      handle = repo.import<ClusterDocument>(
        A.save(A.from(initialClusterDocument() as unknown as Record<string, unknown>)),
        { docId },
      );
      await repo.flush([docId]);
    } else {
      handle = await waitForDocument<ClusterDocument>(repo, docId, {
        signal: opts.signal,
        retryMs: 500,
        onWaiting: (attempt) => {
          if (attempt === 1 || attempt % 20 === 0) {
            opts.logger.info('waiting for a peer that has the cluster document');
          }
        },
      });
    }
    const store = new AutomergeClusterStore({ repo, handle, logger: opts.logger, ownsRepo: true });
    return { repo, handle, store, network };
  } catch (err) {
    await repo.shutdown().catch(() => {});
    throw err;
  }
}
