// Pods: kubectl's table filtered by namespace, labels, node and phase, and the selected pod's details
// (`#/pods/<namespace>/<name>[/logs|/shell]`) beside it, with its logs and a shell.
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import type { Pod } from '../../../../shared/model/types.ts';
import { navigate, routeHash, useRoute } from '../../app/router.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';
import { PodDetails } from './PodDetails.tsx';
import { PodFiltersBar } from './PodFiltersBar.tsx';
import { PodTable } from './PodTable.tsx';
import { EMPTY_FILTER, filterPods, nodeChoices, type PodFilter, parseSelector } from './podFilters.ts';
import '../workloads/details.css';
import './pods.css';

export function PodsView() {
  const route = useRoute();
  const [selectedNs, selectedName, tab] = route.view === 'pods' ? route.params : [];
  const selectedKey = selectedNs && selectedName ? `${selectedNs}/${selectedName}` : undefined;
  const synced = useClusterStore((s) => s.synced);
  const namespace = useClusterStore((s) => s.namespace);
  const pods = useObjects('Pod');
  const nodes = useObjects('Node');
  const [filter, setFilter] = useState<PodFilter>(EMPTY_FILTER);
  const selector = useMemo(() => parseSelector(filter.selector), [filter.selector]);
  const shown = useMemo(() => filterPods(pods, filter, selector), [pods, filter, selector]);
  const nodeNames = useMemo(
    () =>
      nodeChoices(
        pods,
        nodes.map((n) => n.metadata.name),
      ),
    [pods, nodes],
  );
  // Stable, so the memoized rows do not re-render when the view does.
  const select = useCallback(
    (pod: Pod) => navigate(routeHash('pods', pod.metadata.namespace ?? 'default', pod.metadata.name)),
    [],
  );

  let body: ReactNode;
  if (!synced) body = <Loading label="Waiting for the cluster…" />;
  else if (pods.length === 0) {
    body = (
      <EmptyState
        title={namespace ? `No pods in namespace ${namespace}` : 'No pods yet'}
        hint={
          <>
            Pods appear here as workloads start them. Deploy one from{' '}
            <a href={routeHash('templates')}>Templates</a> or <a href={routeHash('apply')}>Apply</a>
            {namespace ? ', or switch to all namespaces' : ''}.
          </>
        }
      />
    );
  } else if (shown.length === 0) {
    body = (
      <EmptyState
        title="No pods match these filters"
        hint={`${pods.length} pod${pods.length === 1 ? '' : 's'} hidden by the label, node or phase filter.`}
        action={
          <button type="button" className="btn" onClick={() => setFilter(EMPTY_FILTER)}>
            Clear filters
          </button>
        }
      />
    );
  } else {
    body = (
      <PodTable pods={shown} selectedKey={selectedKey} showNamespace={namespace === ''} onSelect={select} />
    );
  }

  return (
    <section className="view pods-view" data-testid="view-pods">
      <header className="view-header">
        <h1 className="view-title">Pods</h1>
        {synced && pods.length > 0 && (
          <span className="muted" data-testid="pod-count">
            {shown.length === pods.length ? `${pods.length} pods` : `${shown.length} of ${pods.length} pods`}
          </span>
        )}
      </header>
      <PodFiltersBar filter={filter} selector={selector} nodes={nodeNames} onChange={setFilter} />
      <div className={`pods-layout${selectedKey ? ' with-details' : ''}`}>
        <div className="pods-table">{body}</div>
        {selectedNs && selectedName && (
          <PodDetails
            key={selectedKey}
            namespace={selectedNs}
            name={selectedName}
            tab={tab}
            onClose={() => navigate(routeHash('pods'))}
          />
        )}
      </div>
    </section>
  );
}
