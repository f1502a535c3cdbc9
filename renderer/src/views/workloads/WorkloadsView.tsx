// Deployments, replica sets, daemon sets and jobs, one tab each, with kubectl's status columns; selecting
// one opens its details beside the table. The tab and the selection live in the route
// (`#/workloads/<tab>/<namespace>/<name>`), so a reload or a shared link keeps them.
import { type KeyboardEvent, type ReactNode, useMemo } from 'react';
import { navigate, routeHash, useRoute } from '../../app/router.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Loading } from '../../components/Loading.tsx';
import { type Column, Table } from '../../components/Table.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';
import { DeploymentDetails } from './DeploymentDetails.tsx';
import { OtherWorkloadDetails } from './OtherWorkloadDetails.tsx';
import { ReplicaSetDetails } from './ReplicaSetDetails.tsx';
import { daemonSetColumns, deploymentColumns, jobColumns, replicaSetColumns } from './workloadTables.tsx';
import './details.css';
import './workloads.css';

export const WORKLOAD_TABS = [
  { id: 'deployments', label: 'Deployments', kind: 'Deployment' },
  { id: 'replicasets', label: 'ReplicaSets', kind: 'ReplicaSet' },
  { id: 'daemonsets', label: 'DaemonSets', kind: 'DaemonSet' },
  { id: 'jobs', label: 'Jobs', kind: 'Job' },
] as const;

type TabId = (typeof WORKLOAD_TABS)[number]['id'];

function isTabId(value: string | undefined): value is TabId {
  return WORKLOAD_TABS.some((t) => t.id === value);
}

type Workload = { metadata: { name: string; namespace?: string } };

const keyOf = (o: Workload) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function WorkloadsView() {
  const route = useRoute();
  const [tabParam, selectedNs, selectedName] = route.view === 'workloads' ? route.params : [];
  const tab: TabId = isTabId(tabParam) ? tabParam : 'deployments';
  const selectedKey = selectedNs && selectedName ? `${selectedNs}/${selectedName}` : undefined;
  const synced = useClusterStore((s) => s.synced);
  const namespace = useClusterStore((s) => s.namespace);
  const showNamespace = namespace === '';

  const deployments = useObjects('Deployment');
  const replicaSets = useObjects('ReplicaSet');
  const daemonSets = useObjects('DaemonSet');
  const jobs = useObjects('Job');
  const allReplicaSets = useObjects('ReplicaSet', { allNamespaces: true });
  const counts: Record<TabId, number> = {
    deployments: deployments.length,
    replicasets: replicaSets.length,
    daemonsets: daemonSets.length,
    jobs: jobs.length,
  };

  const columns = useMemo(
    () => ({
      deployments: deploymentColumns(showNamespace),
      replicasets: replicaSetColumns(showNamespace),
      daemonsets: daemonSetColumns(showNamespace),
      jobs: jobColumns(showNamespace),
    }),
    [showNamespace],
  );

  const select = (o: { metadata: { name: string; namespace?: string } }) =>
    navigate(routeHash('workloads', tab, o.metadata.namespace ?? 'default', o.metadata.name));
  const closeDetails = () => navigate(routeHash('workloads', tab));
  const onTabKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = WORKLOAD_TABS.findIndex((t) => t.id === tab);
    const step = event.key === 'ArrowRight' ? 1 : -1;
    const next = WORKLOAD_TABS[(index + step + WORKLOAD_TABS.length) % WORKLOAD_TABS.length];
    if (!next) return;
    navigate(routeHash('workloads', next.id));
    // Focus follows the selected tab, as in the WAI-ARIA tabs pattern.
    requestAnimationFrame(() => document.getElementById(`workloads-tab-${next.id}`)?.focus());
  };

  const where = namespace ? `in namespace ${namespace}` : 'in any namespace';
  const empty = (what: string) => (
    <EmptyState
      title={`No ${what} ${where}`}
      hint={
        <>
          Deploy one from <a href={routeHash('templates')}>Templates</a> or{' '}
          <a href={routeHash('apply')}>Apply</a>
          {namespace ? ', or switch to all namespaces' : ''}.
        </>
      }
    />
  );

  // One tab: its table, and the details of its selected object beside it.
  const tabContent = <T extends Workload>(
    rows: T[],
    tabColumns: Column<T>[],
    what: string,
    label: string,
    detailsOf: (selected: T) => ReactNode,
  ) => {
    const selected = selectedKey ? rows.find((o) => keyOf(o) === selectedKey) : undefined;
    return {
      table: (
        <Table
          columns={tabColumns}
          rows={rows}
          rowKey={keyOf}
          onRowClick={select}
          selectedKey={selectedKey}
          empty={empty(what)}
          label={label}
        />
      ),
      details: selected ? detailsOf(selected) : undefined,
    };
  };
  const { table, details } =
    tab === 'deployments'
      ? tabContent(deployments, columns.deployments, 'deployments', 'Deployments', (d) => (
          <DeploymentDetails deployment={d} replicaSets={allReplicaSets} onClose={closeDetails} />
        ))
      : tab === 'replicasets'
        ? tabContent(replicaSets, columns.replicasets, 'replica sets', 'ReplicaSets', (rs) => (
            <ReplicaSetDetails replicaSet={rs} onClose={closeDetails} />
          ))
        : tab === 'daemonsets'
          ? tabContent(daemonSets, columns.daemonsets, 'daemon sets', 'DaemonSets', (ds) => (
              <OtherWorkloadDetails workload={ds} onClose={closeDetails} />
            ))
          : tabContent(jobs, columns.jobs, 'jobs', 'Jobs', (job) => (
              <OtherWorkloadDetails workload={job} onClose={closeDetails} />
            ));

  return (
    <section className="view workloads-view" data-testid="view-workloads">
      <header className="view-header">
        <h1 className="view-title">Workloads</h1>
      </header>
      <div className="kind-tabs" role="tablist" aria-label="Workload kinds" onKeyDown={onTabKeyDown}>
        {WORKLOAD_TABS.map((t) => (
          <button
            key={t.id}
            id={`workloads-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            aria-controls="workloads-panel"
            tabIndex={t.id === tab ? 0 : -1}
            className={`kind-tab${t.id === tab ? ' active' : ''}`}
            onClick={() => navigate(routeHash('workloads', t.id))}
          >
            {t.label} <span className="kind-tab-count">{counts[t.id]}</span>
          </button>
        ))}
      </div>
      <div
        id="workloads-panel"
        role="tabpanel"
        aria-labelledby={`workloads-tab-${tab}`}
        className={`workloads-layout${details ? ' with-details' : ''}`}
      >
        <div className="workloads-table">{synced ? table : <Loading label="Waiting for the cluster…" />}</div>
        {details}
      </div>
    </section>
  );
}
