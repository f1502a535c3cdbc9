// What `GET /shoal/v1/status` answers and `shoal status` shows: the cluster as this agent sees it.
// The agent's wiring builds it from its membership and election state; the API server only serves it.

export interface ClusterPeer {
  /** The node name (the Node object's name). */
  name: string;
  /** The node's identity: its public key, as the swarm knows it. */
  id: string;
}

export interface ClusterMember extends ClusterPeer {
  /** Whether this member votes in leader elections. */
  voter: boolean;
  /** The Node's `Ready` condition as the leader last wrote it; `'Unknown'` when nobody knows. */
  ready: boolean | 'Unknown';
  /** Addresses the member publishes (LAN IPs), when known. */
  addresses?: string[];
}

export interface ClusterStatus {
  clusterName: string;
  /** The agent that answered. */
  node: ClusterPeer;
  /** Absent while no leader is known (an election is under way, or no majority is reachable). */
  leader?: ClusterPeer;
  /** The highest election term this agent has seen. */
  term: number;
  members: ClusterMember[];
}
