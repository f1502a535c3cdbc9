// Reading cluster membership from Node objects: who votes, who is who on the swarm.

import type { Node } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { PEER_ID_ANNOTATION } from '../node/nodeInfo.ts';
import { isNodeReady } from '../node/nodeReadiness.ts';

/** A Node annotated this way takes part in leader elections; the leader changes it one node at a time. */
export const VOTER_ANNOTATION = 'shoal.dev/voter';

export interface Member {
  name: string;
  peerId: string | undefined;
  voter: boolean;
  ready: boolean | 'Unknown';
  joinedAt: string;
  addresses: string[];
  node: Node;
}

export function listMembers(store: ClusterStore): Member[] {
  return (store.list('Node') as Node[]).map((node) => ({
    name: node.metadata.name,
    peerId: node.metadata.annotations?.[PEER_ID_ANNOTATION],
    voter: node.metadata.annotations?.[VOTER_ANNOTATION] === 'true',
    ready: isNodeReady(node),
    joinedAt: node.metadata.creationTimestamp ?? '',
    addresses: (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address),
    node,
  }));
}

export function voterPeerIds(members: readonly Member[]): string[] {
  return members.filter((m) => m.voter && m.peerId).map((m) => m.peerId!);
}
