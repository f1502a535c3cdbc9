// The Nodes table: kubectl's columns plus requests against allocatable and the pod count.
import type { Node } from '../../../../shared/model/types.ts';
import { Age } from '../../components/Age.tsx';
import { Meter } from '../../components/Meter.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { Column } from '../../components/Table.tsx';
import { readinessTone } from '../../components/tones.ts';
import {
  formatCores,
  formatMemory,
  isCordoned,
  type NodeLoad,
  nodeAllocatable,
  nodeReadiness,
} from './nodeResources.ts';

export interface NodeRow {
  node: Node;
  load: NodeLoad;
  roles: string[];
}

export function NodeStatusBadges({ node }: { node: Node }) {
  const readiness = nodeReadiness(node);
  return (
    <span className="node-status">
      <StatusBadge tone={readinessTone(readiness)}>{readiness}</StatusBadge>
      {isCordoned(node) && <StatusBadge tone="warn">SchedulingDisabled</StatusBadge>}
    </span>
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
          {roles.map((r) => (
            <span key={r} className={`role-tag ${r === 'leader' ? 'role-leader' : ''}`}>
              {r}
            </span>
          ))}
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
    render: ({ node, load }) => {
      const alloc = nodeAllocatable(node).cpu;
      return (
        <Meter
          value={load.cpu}
          max={alloc}
          label={`CPU requests on ${node.metadata.name}`}
          detail={`${formatCores(load.cpu)} / ${formatCores(alloc)}`}
        />
      );
    },
    sortValue: ({ load }) => load.cpu,
  },
  {
    key: 'memory',
    header: 'Memory requests',
    render: ({ node, load }) => {
      const alloc = nodeAllocatable(node).memory;
      return (
        <Meter
          value={load.memory}
          max={alloc}
          label={`Memory requests on ${node.metadata.name}`}
          detail={`${formatMemory(load.memory)} / ${formatMemory(alloc)}`}
        />
      );
    },
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
