// The text a user copies to join a machine: the swarm key, plus the cluster's private bootstrap when it has
// one (`shoal1…@127.0.0.1:49737`), because a joining machine must find the same DHT before it can learn
// anything else about the cluster.
import { documentIdFromBytes } from '../../shared/store/openClusterDocument.ts';
import { formatHostPort, type HostPort, parseHostPortList } from '../../shared/swarm/hostPort.ts';
import { clusterDocumentId, decodeSwarmKey, encodeSwarmKey } from '../../shared/swarm/swarmKey.ts';

export interface JoinKey {
  swarmKey: Buffer;
  /** Empty means the public HyperDHT. */
  bootstrap: HostPort[];
}

export function formatJoinKey(key: JoinKey): string {
  const text = encodeSwarmKey(key.swarmKey);
  return key.bootstrap.length === 0 ? text : `${text}@${key.bootstrap.map(formatHostPort).join(',')}`;
}

/** Throws an Error naming what is wrong (the key's encoding, or which bootstrap address). */
export function parseJoinKey(text: string): JoinKey {
  const trimmed = text.trim();
  const at = trimmed.indexOf('@');
  const keyText = at === -1 ? trimmed : trimmed.slice(0, at);
  const swarmKey = decodeSwarmKey(keyText);
  const bootstrap = at === -1 ? [] : parseHostPortList(trimmed.slice(at + 1));
  return { swarmKey, bootstrap };
}

/** The cluster's id (its document id) from a join key: what labels the containers its kubelets make. */
export function clusterIdOfJoinKey(text: string): string {
  return String(documentIdFromBytes(clusterDocumentId(parseJoinKey(text).swarmKey)));
}
