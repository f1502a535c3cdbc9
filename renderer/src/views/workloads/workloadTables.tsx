// The columns of each workload table, as `kubectl get` prints them. Defined once per (namespace column
// shown or not) so the Table's memoized rows stay memoized.
import type { StatusTone } from '../../../../shared/display/tone.ts';
import {
  daemonSetCells,
  deploymentCells,
  jobCells,
  replicaSetCells,
} from '../../../../shared/display/workloadStatus.ts';
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../../../../shared/model/types.ts';
import { Age } from '../../components/Age.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { Column } from '../../components/Table.tsx';
import { useNow } from '../../components/useNow.ts';

type Named = { metadata: { name: string; namespace?: string; creationTimestamp?: string } };

function nameColumn<T extends Named>(): Column<T> {
  return {
    key: 'name',
    header: 'NAME',
    render: (o) => <span className="mono">{o.metadata.name}</span>,
    sortValue: (o) => o.metadata.name,
  };
}
function namespaceColumn<T extends Named>(): Column<T> {
  return {
    key: 'namespace',
    header: 'NAMESPACE',
    render: (o) => o.metadata.namespace ?? '',
    sortValue: (o) => o.metadata.namespace ?? '',
  };
}
function ageColumn<T extends Named>(): Column<T> {
  return {
    key: 'age',
    header: 'AGE',
    render: (o) => <Age timestamp={o.metadata.creationTimestamp} />,
    // Oldest first when sorted ascending, as ages grow.
    sortValue: (o) => -(Date.parse(o.metadata.creationTimestamp ?? '') || 0),
    align: 'right',
  };
}

/** A cell shown as a badge in the row's tone: READY, or a job's STATUS. */
function badgeColumn<T>(
  key: string,
  header: string,
  cell: (o: T) => { tone: StatusTone; text: string },
  align?: 'right',
): Column<T> {
  return {
    key,
    header,
    render: (o) => {
      const { tone, text } = cell(o);
      return <StatusBadge tone={tone}>{text}</StatusBadge>;
    },
    ...(align ? { align } : {}),
  };
}

function withNamespace<T extends Named>(showNamespace: boolean, columns: Column<T>[]): Column<T>[] {
  const [name, ...rest] = columns;
  return showNamespace && name ? [namespaceColumn<T>(), name, ...rest] : columns;
}

export function deploymentColumns(showNamespace: boolean): Column<Deployment>[] {
  return withNamespace(showNamespace, [
    nameColumn(),
    badgeColumn('ready', 'READY', (d) => {
      const c = deploymentCells(d);
      return { tone: c.tone, text: c.ready };
    }),
    { key: 'uptodate', header: 'UP-TO-DATE', render: (d) => deploymentCells(d).upToDate, align: 'right' },
    { key: 'available', header: 'AVAILABLE', render: (d) => deploymentCells(d).available, align: 'right' },
    ageColumn(),
  ]);
}

export function replicaSetColumns(showNamespace: boolean): Column<ReplicaSet>[] {
  return withNamespace(showNamespace, [
    nameColumn(),
    { key: 'desired', header: 'DESIRED', render: (r) => replicaSetCells(r).desired, align: 'right' },
    { key: 'current', header: 'CURRENT', render: (r) => replicaSetCells(r).current, align: 'right' },
    badgeColumn(
      'ready',
      'READY',
      (r) => {
        const c = replicaSetCells(r);
        return { tone: c.tone, text: c.ready };
      },
      'right',
    ),
    ageColumn(),
  ]);
}

export function daemonSetColumns(showNamespace: boolean): Column<DaemonSet>[] {
  return withNamespace(showNamespace, [
    nameColumn(),
    { key: 'desired', header: 'DESIRED', render: (d) => daemonSetCells(d).desired, align: 'right' },
    { key: 'current', header: 'CURRENT', render: (d) => daemonSetCells(d).current, align: 'right' },
    badgeColumn(
      'ready',
      'READY',
      (d) => {
        const c = daemonSetCells(d);
        return { tone: c.tone, text: c.ready };
      },
      'right',
    ),
    { key: 'uptodate', header: 'UP-TO-DATE', render: (d) => daemonSetCells(d).upToDate, align: 'right' },
    { key: 'available', header: 'AVAILABLE', render: (d) => daemonSetCells(d).available, align: 'right' },
    { key: 'nodeselector', header: 'NODE SELECTOR', render: (d) => daemonSetCells(d).nodeSelector },
    ageColumn(),
  ]);
}

/** A running job's DURATION grows with the clock. */
function JobDuration({ job }: { job: Job }) {
  const now = useNow();
  return <>{jobCells(job, now).duration}</>;
}

export function jobColumns(showNamespace: boolean): Column<Job>[] {
  return withNamespace(showNamespace, [
    nameColumn(),
    badgeColumn('status', 'STATUS', (j) => {
      const c = jobCells(j, Date.now());
      return { tone: c.tone, text: c.status };
    }),
    {
      key: 'completions',
      header: 'COMPLETIONS',
      render: (j) => jobCells(j, Date.now()).completions,
      align: 'right',
    },
    { key: 'duration', header: 'DURATION', render: (j) => <JobDuration job={j} />, align: 'right' },
    ageColumn(),
  ]);
}
