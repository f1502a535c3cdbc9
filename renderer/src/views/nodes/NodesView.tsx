// Every node: readiness, roles, version, requests against allocatable, pods, age; a node's details below
// the table (`#/nodes/<name>`), with cordon, uncordon and drain.
import { useState } from 'react';
import { navigate, routeHash, useRoute } from '../../app/router.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { FilterInput } from '../../components/FilterInput.tsx';
import { Panel } from '../../components/Panel.tsx';
import { Table } from '../../components/Table.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';
import { NodeDetails } from './NodeDetails.tsx';
import { NODE_COLUMNS } from './nodeColumns.tsx';
import { useNodeRows } from './nodeRows.ts';
import './nodes.css';

export function NodesView() {
  const route = useRoute();
  const selected = route.view === 'nodes' ? route.params[0] : undefined;
  const nodes = useObjects('Node');
  const pods = useObjects('Pod', { allNamespaces: true });
  const status = useClusterStore((s) => s.status);
  const [filter, setFilter] = useState('');

  const rows = useNodeRows(nodes, pods, status);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? rows.filter((r) => `${r.node.metadata.name} ${r.roles.join(' ')}`.toLowerCase().includes(needle))
    : rows;
  const selectedRow = selected ? rows.find((r) => r.node.metadata.name === selected) : undefined;

  return (
    <div className="view" data-testid="view-nodes">
      <header className="view-header">
        <h1 className="view-title">Nodes</h1>
        <div className="view-toolbar">
          <FilterInput value={filter} onChange={setFilter} placeholder="Filter nodes…" label="Filter nodes" />
        </div>
      </header>
      <div className="nodes-layout">
        <Panel>
          <Table
            label="Nodes"
            columns={NODE_COLUMNS}
            rows={shown}
            rowKey={(r) => r.node.metadata.name}
            rowTestId={(r) => `row-node-${r.node.metadata.name}`}
            selectedKey={selected}
            onRowClick={(r) => navigate(routeHash('nodes', r.node.metadata.name))}
            empty={
              rows.length === 0 ? (
                <EmptyState
                  title="No nodes yet"
                  hint="Machines appear here once they join: run `shoal agent --join <key>` on another machine."
                />
              ) : (
                <EmptyState title="No node matches the filter" hint={`Nothing matches “${filter}”.`} />
              )
            }
          />
        </Panel>
        {selected &&
          (selectedRow ? (
            <NodeDetails
              node={selectedRow.node}
              roles={selectedRow.roles}
              onClose={() => navigate(routeHash('nodes'))}
            />
          ) : (
            <Panel>
              <EmptyState
                title={`Node ${selected} is not in the cluster`}
                hint="It may have been removed."
                action={
                  <a className="btn" href={routeHash('nodes')}>
                    Back to all nodes
                  </a>
                }
              />
            </Panel>
          ))}
      </div>
    </div>
  );
}
