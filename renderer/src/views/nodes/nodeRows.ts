// A table row per node: the node, what its pods request, and its roles (leader, control plane…). The Nodes
// view and the overview's node table show the same rows.
import { useMemo } from 'react';
import type { Node, Pod } from '../../../../shared/model/types.ts';
import type { ClusterStatus } from '../../connection/ClusterConnection.ts';
import { loadByNode, type NodeLoad, nodeRoles } from './nodeResources.ts';

export interface NodeRow {
  node: Node;
  load: NodeLoad;
  roles: string[];
}

const NO_LOAD: NodeLoad = { cpu: 0, memory: 0, pods: 0 };

/** The rows for `nodes`, with the load of `allPods` (every namespace's) on each. */
export function useNodeRows(
  nodes: readonly Node[],
  allPods: readonly Pod[],
  status: ClusterStatus | undefined,
): NodeRow[] {
  const loads = useMemo(() => loadByNode(allPods), [allPods]);
  return useMemo(
    () =>
      nodes.map((node) => ({
        node,
        load: loads.get(node.metadata.name) ?? NO_LOAD,
        roles: nodeRoles(node, status),
      })),
    [nodes, loads, status],
  );
}
