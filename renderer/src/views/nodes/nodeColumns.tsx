// The Nodes table: kubectl's columns plus requests against allocatable and the pod count.
import type { Node } from '../../../../shared/model/types.ts';
import { Age } from '../../components/Age.tsx';
import { Meter } from '../../components/Meter.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { Column } from '../../components/Table.tsx';
import { readinessTone } from '../../components/tones.ts';
import { formatCores, formatMemory, isCordoned, nodeAllocatable, nodeReadiness } from './nodeResources.ts';
import type { NodeRow } from './nodeRows.ts';

export type { NodeRow } from './nodeRows.ts';

/** Ready/NotReady, and a warning badge when the node is cordoned (`SchedulingDisabled`, as kubectl says). */
export function NodeStatusBadges({
  node,
  className = 'node-status',
  cordonedLabel = 'SchedulingDisabled',
}: {
  node: Node;
  className?: string;
  cordonedLabel?: string;
}) {
  const readiness = nodeReadiness(node);
  return (
    <span className={className}>
      <StatusBadge tone={readinessTone(readiness)}>{readiness}</StatusBadge>
      {isCordoned(node) && <StatusBadge tone="warn">{cordonedLabel}</StatusBadge>}
    </span>
  );
}

export function RoleTags({ roles }: { roles: readonly string[] }) {
  return roles.map((r) => (
    <span key={r} className={`role-tag ${r === 'leader' ? 'role-leader' : ''}`}>
      {r}
    </span>
  ));
}

/** What the node's pods request against what it can allocate; `unit` follows the CPU figures (` cores`). */
export function RequestsMeter({
  row,
  resource,
  unit = '',
}: {
  row: NodeRow;
  resource: 'cpu' | 'memory';
  unit?: string;
}) {
  const { node, load } = row;
  const alloc = nodeAllocatable(node)[resource];
  const format = resource === 'cpu' ? formatCores : formatMemory;
  return (
    <Meter
      value={load[resource]}
      max={alloc}
      label={`${resource === 'cpu' ? 'CPU' : 'Memory'} requests on ${node.metadata.name}`}
      detail={`${format(load[resource])} / ${format(alloc)}${unit}`}
    />
  );
}

export const NODE_COLUMNS: readonly Column<NodeRow>[] = [
  {
    key: 'name',
    header: 'Name',
    render: ({ node }) => <strong>{node.metadata.name}</strong>,
    sortValue: ({ node }) => node.metadata.name,
  },
  {
    key: 'status',
    header: 'Status',
    render: ({ node }) => <NodeStatusBadges node={node} />,
    sortValue: ({ node }) => `${nodeReadiness(node)}${isCordoned(node) ? '-cordoned' : ''}`,
  },
  {
    key: 'roles',
    header: 'Roles',
    render: ({ roles }) =>
      roles.length === 0 ? (
        <span className="muted">—</span>
      ) : (
        <span className="node-roles">
          <RoleTags roles={roles} />
        </span>
      ),
  },
  {
    key: 'version',
    header: 'Version',
    render: ({ node }) => node.status?.nodeInfo?.kubeletVersion ?? <span className="muted">—</span>,
  },
  {
    key: 'cpu',
    header: 'CPU requests',
    render: (row) => <RequestsMeter row={row} resource="cpu" />,
    sortValue: ({ load }) => load.cpu,
  },
  {
    key: 'memory',
    header: 'Memory requests',
    render: (row) => <RequestsMeter row={row} resource="memory" />,
    sortValue: ({ load }) => load.memory,
  },
  {
    key: 'pods',
    header: 'Pods',
    align: 'right',
    render: ({ node, load }) => {
      const max = nodeAllocatable(node).pods;
      return max > 0 ? `${load.pods} / ${max}` : load.pods;
    },
    sortValue: ({ load }) => load.pods,
  },
  {
    key: 'age',
    header: 'Age',
    render: ({ node }) => <Age timestamp={node.metadata.creationTimestamp} />,
    sortValue: ({ node }) => -Date.parse(node.metadata.creationTimestamp ?? '') || 0,
  },
];
