// One node: its conditions, capacity and allocatable, its pods, and cordon, uncordon and drain.

import { useMemo, useState } from 'react';
import type { Node, Pod } from '../../../../shared/model/types.ts';
import { navigate, routeHash } from '../../app/router.ts';
import { Age } from '../../components/Age.tsx';
import { Button } from '../../components/Button.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { errorMessage } from '../../components/errorMessage.ts';
import { Panel } from '../../components/Panel.tsx';
import { StaticTable } from '../../components/StaticTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { type Column, Table } from '../../components/Table.tsx';
import { podPhaseTone } from '../../components/tones.ts';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { useObjects } from '../../store/hooks.ts';
import { DrainProgressView } from './DrainProgressView.tsx';
import { startDrain, useDrain } from './drainStore.ts';
import { NodeStatusBadges } from './nodeColumns.tsx';
import { formatCores, formatMemory, isCordoned, podRequests } from './nodeResources.ts';

type Condition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

const CONDITION_COLUMNS: readonly Column<Condition>[] = [
  { key: 'type', header: 'Type', render: (c) => c.type },
  {
    key: 'status',
    header: 'Status',
    render: (c) => {
      // Ready is good when True; the pressure conditions are good when False.
      const good = c.type === 'Ready' ? c.status === 'True' : c.status === 'False';
      return (
        <StatusBadge tone={c.status === 'Unknown' ? 'warn' : good ? 'ok' : 'error'}>{c.status}</StatusBadge>
      );
    },
  },
  { key: 'reason', header: 'Reason', render: (c) => c.reason ?? '' },
  { key: 'message', header: 'Message', render: (c) => c.message ?? '' },
  {
    key: 'since',
    header: 'Since',
    render: (c) => <Age timestamp={c.lastTransitionTime} />,
  },
];

const POD_COLUMNS: readonly Column<Pod>[] = [
  { key: 'namespace', header: 'Namespace', render: (p) => p.metadata.namespace },
  { key: 'name', header: 'Name', render: (p) => <span className="mono">{p.metadata.name}</span> },
  {
    key: 'phase',
    header: 'Phase',
    render: (p) => (
      <StatusBadge tone={podPhaseTone(p.status?.phase)}>{p.status?.phase ?? 'Pending'}</StatusBadge>
    ),
  },
  { key: 'cpu', header: 'CPU req.', align: 'right', render: (p) => formatCores(podRequests(p).cpu) },
  {
    key: 'memory',
    header: 'Memory req.',
    align: 'right',
    render: (p) => formatMemory(podRequests(p).memory),
  },
  { key: 'age', header: 'Age', render: (p) => <Age timestamp={p.metadata.creationTimestamp} /> },
];

/** capacity and allocatable side by side, one row per resource either reports. */
function ResourceTable({ node }: { node: Node }) {
  const capacity = node.status?.capacity ?? {};
  const allocatable = node.status?.allocatable ?? {};
  const names = [...new Set([...Object.keys(capacity), ...Object.keys(allocatable)])].sort();
  if (names.length === 0) return <p className="muted">The node has not reported its capacity yet.</p>;
  return (
    <StaticTable label="Capacity and allocatable" headers={['Resource', 'Capacity', 'Allocatable']}>
      {names.map((name) => (
        <tr key={name}>
          <td>{name}</td>
          <td className="mono">{String(capacity[name] ?? '—')}</td>
          <td className="mono">{String(allocatable[name] ?? '—')}</td>
        </tr>
      ))}
    </StaticTable>
  );
}

function NodeInfo({ node, roles }: { node: Node; roles: string[] }) {
  const info = node.status?.nodeInfo ?? {};
  const addresses = node.status?.addresses ?? [];
  return (
    <dl className="kv">
      <dt>Status</dt>
      <dd>
        <NodeStatusBadges node={node} />
      </dd>
      <dt>Roles</dt>
      <dd>{roles.join(', ') || '—'}</dd>
      <dt>Addresses</dt>
      <dd>{addresses.map((a) => `${a.address} (${a.type})`).join(', ') || '—'}</dd>
      <dt>OS</dt>
      <dd>{[info.osImage, info.operatingSystem, info.architecture].filter(Boolean).join(' · ') || '—'}</dd>
      <dt>Kernel</dt>
      <dd>{info.kernelVersion ?? '—'}</dd>
      <dt>Container runtime</dt>
      <dd>{info.containerRuntimeVersion ?? '—'}</dd>
      <dt>Version</dt>
      <dd>{info.kubeletVersion ?? '—'}</dd>
      <dt>Created</dt>
      <dd>
        <Age timestamp={node.metadata.creationTimestamp} /> ago
      </dd>
    </dl>
  );
}

function NodeActions({ node }: { node: Node }) {
  const connection = useConnection();
  const name = node.metadata.name;
  const drain = useDrain(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const cordoned = isCordoned(node);

  const setCordon = (unschedulable: boolean) => {
    setBusy(true);
    setError(undefined);
    connection.cordon(name, unschedulable).then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setError(errorMessage(e));
      },
    );
  };

  return (
    <div className="node-actions">
      <div className="node-action-buttons">
        {cordoned ? (
          <Button busy={busy} onClick={() => setCordon(false)} disabled={drain?.running}>
            Uncordon
          </Button>
        ) : (
          <Button busy={busy} onClick={() => setCordon(true)} disabled={drain?.running}>
            Cordon
          </Button>
        )}
        <ConfirmButton
          onConfirm={() => startDrain(connection, name)}
          busy={drain?.running}
          title="Cordon the node, then evict its pods (DaemonSet pods stay)"
        >
          Drain
        </ConfirmButton>
      </div>
      {error && (
        <div className="inline-error" role="alert">
          {error}
        </div>
      )}
      {drain && <DrainProgressView drain={drain} />}
    </div>
  );
}

export function NodeDetails({ node, roles, onClose }: { node: Node; roles: string[]; onClose: () => void }) {
  const name = node.metadata.name;
  const allPods = useObjects('Pod', { allNamespaces: true });
  const pods = useMemo(() => allPods.filter((p) => p.spec.nodeName === name), [allPods, name]);
  const conditions = node.status?.conditions ?? [];

  return (
    <div className="node-details" data-testid={`node-details-${name}`}>
      <Panel
        title={`Node ${name}`}
        actions={
          <Button variant="ghost" aria-label="Close node details" onClick={onClose}>
            ✕
          </Button>
        }
      >
        <div className="node-details-top">
          <NodeInfo node={node} roles={roles} />
          <NodeActions node={node} />
        </div>
      </Panel>
      <Panel title="Conditions">
        <Table
          label="Conditions"
          columns={CONDITION_COLUMNS}
          rows={conditions}
          rowKey={(c) => c.type}
          empty={
            <EmptyState
              title="No conditions reported"
              hint="The leader writes Ready once it hears the node."
            />
          }
        />
      </Panel>
      <Panel title="Capacity">
        <ResourceTable node={node} />
      </Panel>
      <Panel title={`Pods (${pods.length})`}>
        <Table
          label={`Pods on ${name}`}
          columns={POD_COLUMNS}
          rows={pods}
          rowKey={(p) => `${p.metadata.namespace}/${p.metadata.name}`}
          onRowClick={(p) => navigate(routeHash('pods', p.metadata.namespace ?? 'default', p.metadata.name))}
          empty={
            <EmptyState
              title="No pods on this node"
              hint="The scheduler places pods on ready, schedulable nodes."
            />
          }
        />
      </Panel>
    </div>
  );
}
