// `shoal describe` for deployments, replica sets, daemon sets and jobs (kubectl's describers, abridged).
import type { KubeObject } from '../../../shared/model/meta.ts';
import { formatLabelSelector } from '../../../shared/model/selector.ts';
import type { DaemonSet, Deployment, Job, PodTemplate, ReplicaSet } from '../../../shared/model/types.ts';
import { jsonEqual } from '../../../shared/store/objectCodec.ts';
import {
  controlledBy,
  type DescribeContext,
  formatTime,
  writeAnnotations,
  writeEvents,
  writeIdentity,
  writeLabels,
} from './common.ts';
import { writePodTemplate } from './containers.ts';
import { DescribeWriter } from './writer.ts';

type Condition = { type: string; status: string; reason?: string; message?: string };

function writeConditions(w: DescribeWriter, conditions: readonly Condition[] | undefined): void {
  if (!conditions || conditions.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/** A template without the `pod-template-hash` label the deployment controller adds to its replica sets. */
function templateKey(t: PodTemplate | undefined): unknown {
  if (!t) return undefined;
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  return { ...t, metadata: { ...t.metadata, labels } };
}

/** The deployment's new replica set (template equal to the deployment's) and the old ones still scaled. */
export function splitReplicaSets(
  d: Deployment,
  replicaSets: readonly KubeObject[],
): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const owned = (replicaSets as readonly ReplicaSet[]).filter((rs) =>
    (rs.metadata.ownerReferences ?? []).some(
      (o) => o.controller && (o.uid === d.metadata.uid || o.name === d.metadata.name),
    ),
  );
  const sorted = [...owned].sort(
    (a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''),
  );
  const want = templateKey(d.spec.template);
  const newRS = sorted.find((rs) => jsonEqual(templateKey(rs.spec.template), want));
  const oldRSs = sorted.filter((rs) => rs !== newRS && (rs.spec.replicas ?? 1) !== 0);
  return newRS ? { newRS, oldRSs } : { oldRSs };
}

function replicaSetsText(list: readonly ReplicaSet[]): string {
  if (list.length === 0) return '<none>';
  return list
    .map(
      (rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 1} replicas created)`,
    )
    .join(', ');
}

export function describeDeployment(d: Deployment, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = d.status ?? {};
  writeIdentity(w, d, { creationFirst: true });
  w.field(0, 'Selector', formatLabelSelector(d.spec.selector));
  w.field(
    0,
    'Replicas',
    `${d.spec.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ` +
      `${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`,
  );
  const strategy = d.spec.strategy ?? {};
  w.field(0, 'StrategyType', strategy.type ?? 'RollingUpdate');
  w.field(0, 'MinReadySeconds', d.spec.minReadySeconds ?? 0);
  if (strategy.rollingUpdate) {
    const ru = strategy.rollingUpdate;
    w.field(
      0,
      'RollingUpdateStrategy',
      `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`,
    );
  }
  writePodTemplate(w, d.spec.template);
  writeConditions(w, s.conditions);
  if (ctx.replicaSets) {
    const { newRS, oldRSs } = splitReplicaSets(d, ctx.replicaSets);
    w.field(0, 'OldReplicaSets', replicaSetsText(oldRSs));
    w.field(0, 'NewReplicaSet', replicaSetsText(newRS ? [newRS] : []));
  }
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}

export function describeReplicaSet(rs: ReplicaSet, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.field(0, 'Name', rs.metadata.name);
  w.field(0, 'Namespace', rs.metadata.namespace ?? '');
  w.field(0, 'Selector', formatLabelSelector(rs.spec.selector));
  writeMeta(w, rs);
  const owner = controlledBy(rs);
  if (owner) w.field(0, 'Controlled By', owner);
  w.field(0, 'Replicas', `${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired`);
  w.field(
    0,
    'Pods Status',
    `${rs.status?.readyReplicas ?? 0} Ready / ${rs.status?.availableReplicas ?? 0} Available`,
  );
  writePodTemplate(w, rs.spec.template);
  writeConditions(w, rs.status?.conditions);
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}

function writeMeta(w: DescribeWriter, obj: KubeObject): void {
  writeLabels(w, 'Labels', obj.metadata.labels);
  writeAnnotations(w, 'Annotations', obj.metadata.annotations);
}

export function describeDaemonSet(ds: DaemonSet, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = ds.status;
  w.field(0, 'Name', ds.metadata.name);
  w.field(0, 'Namespace', ds.metadata.namespace ?? '');
  w.field(0, 'Selector', formatLabelSelector(ds.spec.selector));
  const nodeSelector = Object.entries(ds.spec.template.spec.nodeSelector ?? {})
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  w.field(0, 'Node-Selector', nodeSelector || '<none>');
  writeMeta(w, ds);
  w.field(0, 'Desired Number of Nodes Scheduled', s?.desiredNumberScheduled ?? 0);
  w.field(0, 'Current Number of Nodes Scheduled', s?.currentNumberScheduled ?? 0);
  w.field(0, 'Number of Nodes Scheduled with Up-to-date Pods', s?.updatedNumberScheduled ?? 0);
  w.field(0, 'Number of Nodes Scheduled with Available Pods', s?.numberAvailable ?? 0);
  w.field(0, 'Number of Nodes Misscheduled', s?.numberMisscheduled ?? 0);
  writePodTemplate(w, ds.spec.template);
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}

export function describeJob(job: Job, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = job.status ?? {};
  w.field(0, 'Name', job.metadata.name);
  w.field(0, 'Namespace', job.metadata.namespace ?? '');
  w.field(0, 'Selector', formatLabelSelector(job.spec.selector));
  writeMeta(w, job);
  const owner = controlledBy(job);
  if (owner) w.field(0, 'Controlled By', owner);
  w.field(0, 'Parallelism', job.spec.parallelism ?? 1);
  w.field(0, 'Completions', job.spec.completions ?? '<unset>');
  w.field(0, 'Completion Mode', job.spec.completionMode ?? 'NonIndexed');
  w.field(0, 'Suspend', job.spec.suspend ?? false);
  w.field(0, 'Backoff Limit', job.spec.backoffLimit ?? 6);
  if (job.spec.activeDeadlineSeconds !== undefined)
    w.field(0, 'Active Deadline Seconds', `${job.spec.activeDeadlineSeconds}s`);
  if (s.startTime) w.field(0, 'Start Time', formatTime(s.startTime));
  if (s.completionTime) w.field(0, 'Completed At', formatTime(s.completionTime));
  w.field(
    0,
    'Pods Statuses',
    `${s.active ?? 0} Active (${s.ready ?? 0} Ready) / ${s.succeeded ?? 0} Succeeded / ${s.failed ?? 0} Failed`,
  );
  writePodTemplate(w, job.spec.template);
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}
