// `shoal init`: a new cluster in a data directory: swarm key, this peer's identity, and the cluster
// document with the default namespaces, the cluster's name, and this machine as its first voter.
import os from 'node:os';
import type { Logger } from 'pino';
import { documentIdFromBytes, openClusterDocument } from '../../shared/store/openClusterDocument.ts';
import type { HostPort } from '../../shared/swarm/hostPort.ts';
import { clusterDocumentId, generateSwarmKey } from '../../shared/swarm/swarmKey.ts';
import { SHOAL_VERSION } from '../cli/commands/version.ts';
import { registerNode } from '../membership/registerNode.ts';
import { buildNode, readMachineFacts } from '../node/nodeInfo.ts';
import { loadOrCreateIdentity, readClusterConfig, writeClusterConfig } from './clusterFiles.ts';
import { seedClusterDocument } from './clusterInfo.ts';
import { formatJoinKey, type JoinKey } from './joinKey.ts';

export interface InitOptions {
  dataDir: string;
  clusterName: string;
  bootstrap: HostPort[];
  nodeName?: string;
  logger: Logger;
}

export class AlreadyInitializedError extends Error {}

export async function initCluster(
  opts: InitOptions,
): Promise<{ joinKey: string; key: JoinKey; nodeName: string }> {
  if (await readClusterConfig(opts.dataDir)) {
    throw new AlreadyInitializedError(
      `${opts.dataDir} already holds a cluster; use \`shoal key show\` to see its key`,
    );
  }
  const swarmKey = generateSwarmKey();
  const identity = await loadOrCreateIdentity(opts.dataDir, opts.nodeName ?? os.hostname());
  const { store } = await openClusterDocument(opts.dataDir, {
    docId: documentIdFromBytes(clusterDocumentId(swarmKey)),
    mode: 'create',
    logger: opts.logger,
  });
  try {
    await seedClusterDocument(store, opts.clusterName);
    const node = buildNode(
      identity.nodeName,
      identity.keyPair.publicKey.toString('hex'),
      readMachineFacts(SHOAL_VERSION),
    );
    await registerNode(store, node, { voter: true });
  } finally {
    await store.close();
  }
  // Written last: a data directory with cluster.json is a complete member.
  await writeClusterConfig(opts.dataDir, { name: opts.clusterName, swarmKey, bootstrap: opts.bootstrap });
  const key = { swarmKey, bootstrap: opts.bootstrap };
  return { joinKey: formatJoinKey(key), key, nodeName: identity.nodeName };
}
