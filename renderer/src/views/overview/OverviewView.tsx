// The cluster at a glance: nodes and the leader, capacity against requests, live usage, pods by phase,
// and what happened last.
import { lazy, type ReactNode, Suspense } from 'react';
import { navigate, routeHash } from '../../app/router.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Panel } from '../../components/Panel.tsx';
import { type Column, Table } from '../../components/Table.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';
import { NodeStatusBadges, RequestsMeter, RoleTags } from '../nodes/nodeColumns.tsx';
import { nodeReadiness } from '../nodes/nodeResources.ts';
import { type NodeRow, useNodeRows } from '../nodes/nodeRows.ts';

// uPlot loads after the first paint: the numbers come first, the charts a moment later.
const UsageChart = lazy(() =>
  import('../../components/UsageChart.tsx').then((m) => ({ default: m.UsageChart })),
);

import { PodPhases } from './PodPhases.tsx';
import { RecentEvents } from './RecentEvents.tsx';
import './overview.css';

const NODE_COLUMNS: readonly Column<NodeRow>[] = [
  {
    key: 'name',
    header: 'Node',
    render: ({ node, roles }) => (
      <span className="overview-node-name">
        <strong>{node.metadata.name}</strong>
        <RoleTags roles={roles} />
      </span>
    ),
  },
  {
    key: 'status',
    header: 'Status',
    render: ({ node }) => (
      <NodeStatusBadges node={node} className="overview-status" cordonedLabel="Cordoned" />
    ),
  },
  {
    key: 'cpu',
    header: 'CPU requests',
    render: (row) => <RequestsMeter row={row} resource="cpu" unit=" cores" />,
  },
  {
    key: 'memory',
    header: 'Memory requests',
    render: (row) => <RequestsMeter row={row} resource="memory" />,
  },
  { key: 'pods', header: 'Pods', align: 'right', render: ({ load }) => load.pods },
];

function Stat({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

export function OverviewView() {
  const nodes = useObjects('Node');
  const allPods = useObjects('Pod', { allNamespaces: true });
  const status = useClusterStore((s) => s.status);
  const usage = useClusterStore((s) => s.usage);

  const rows = useNodeRows(nodes, allPods, status);
  const readyCount = nodes.filter((n) => nodeReadiness(n) === 'Ready').length;

  return (
    <div className="view" data-testid="view-overview">
      <header className="view-header">
        <h1 className="view-title">Overview{status?.clusterName ? ` · ${status.clusterName}` : ''}</h1>
      </header>

      <div className="grid-4">
        <Stat label="Nodes ready" value={`${readyCount} / ${nodes.length}`} testId="stat-nodes" />
        <Stat label="Leader" value={status?.leader?.name ?? 'electing…'} testId="stat-leader" />
        <Stat label="Term" value={status ? status.term : '—'} testId="stat-term" />
        <Stat label="Pods (all namespaces)" value={allPods.length} testId="stat-pods" />
      </div>

      <Panel title="Nodes" testId="overview-nodes">
        <Table
          label="Nodes"
          columns={NODE_COLUMNS}
          rows={rows}
          rowKey={(r) => r.node.metadata.name}
          rowTestId={(r) => `row-node-${r.node.metadata.name}`}
          onRowClick={(r) => navigate(routeHash('nodes', r.node.metadata.name))}
          empty={
            <EmptyState
              title="No nodes yet"
              hint="Machines appear here once they join: run `shoal agent --join <key>` on another machine, or start a local cluster."
            />
          }
        />
      </Panel>

      <div className="grid-2">
        <Panel title="CPU usage" testId="overview-cpu">
          <Suspense fallback={<p className="muted">Loading the chart…</p>}>
            <UsageChart title="CPU cores in use per node" usage={usage} metric="cpuCores" />
          </Suspense>
        </Panel>
        <Panel title="Memory usage" testId="overview-memory">
          <Suspense fallback={<p className="muted">Loading the chart…</p>}>
            <UsageChart title="Memory in use per node" usage={usage} metric="memoryBytes" />
          </Suspense>
        </Panel>
      </div>

      <div className="grid-2">
        <Panel title="Pods by phase" testId="overview-pods">
          <PodPhases />
        </Panel>
        <Panel
          title="Recent events"
          testId="overview-events"
          actions={
            <a className="btn btn-ghost" href={routeHash('events')}>
              All events
            </a>
          }
        >
          <RecentEvents />
        </Panel>
      </div>
    </div>
  );
}
