// kubectl's columns for deployments, replica sets, daemon sets and jobs.

import {
  daemonSetCells,
  deploymentCells,
  jobCells,
  replicaSetCells,
} from '../../../shared/display/workloadStatus.ts';
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../../../shared/model/types.ts';
import { ageSince } from './age.ts';
import { containerCells, selectorCell } from './cells.ts';
import type { KindColumns } from './types.ts';

export { jobCompletions, jobStatus } from '../../../shared/display/workloadStatus.ts';

const WIDE = ['CONTAINERS', 'IMAGES', 'SELECTOR'];

function wideWorkload(obj: Deployment | ReplicaSet | DaemonSet | Job): string[] {
  return [...containerCells(obj.spec.template), selectorCell(obj.spec.selector)];
}

export const deploymentColumns: KindColumns = {
  headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const d = obj as Deployment;
    const cells = deploymentCells(d);
    return [cells.ready, cells.upToDate, cells.available, ageSince(d.metadata.creationTimestamp, now)];
  },
  wideRow: (obj) => wideWorkload(obj as Deployment),
};

export const replicaSetColumns: KindColumns = {
  headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const rs = obj as ReplicaSet;
    const cells = replicaSetCells(rs);
    return [cells.desired, cells.current, cells.ready, ageSince(rs.metadata.creationTimestamp, now)];
  },
  wideRow: (obj) => wideWorkload(obj as ReplicaSet),
};

export const daemonSetColumns: KindColumns = {
  headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const ds = obj as DaemonSet;
    const cells = daemonSetCells(ds);
    return [
      cells.desired,
      cells.current,
      cells.ready,
      cells.upToDate,
      cells.available,
      cells.nodeSelector,
      ageSince(ds.metadata.creationTimestamp, now),
    ];
  },
  wideRow: (obj) => wideWorkload(obj as DaemonSet),
};

export const jobColumns: KindColumns = {
  headers: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
  wideHeaders: WIDE,
  row(obj, now) {
    const job = obj as Job;
    const cells = jobCells(job, now.getTime());
    return [cells.status, cells.completions, cells.duration, ageSince(job.metadata.creationTimestamp, now)];
  },
  wideRow: (obj) => wideWorkload(obj as Job),
};
