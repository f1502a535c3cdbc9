// The annotations a deployment and its replica sets carry (deployment_util.go): the revision of each template,
// the revisions a rolled-back template served before, and the deployment size each replica set was last
// scaled for (which tells a scaling event from a rollout).

import type { Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import { desiredReplicas, maxSurge } from './rolloutBounds.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** Kubernetes keeps revision-history under this many characters, dropping the oldest entries. */
const MAX_REVISION_HISTORY_CHARS = 2000;

/** Deployment annotations never copied onto its replica sets: they are the controller's own or kubectl's. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** The revision number, 0 when absent, undefined when not a number (such a replica set is skipped). */
export function revisionOf(obj: Pick<ReplicaSet, 'metadata'>): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[0-9]+$/.test(v) ? Number(v) : undefined;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

function annotationsOf(obj: { metadata: { annotations?: Record<string, string> } }): Record<string, string> {
  obj.metadata.annotations ??= {};
  return obj.metadata.annotations;
}

/**
 * SetNewReplicaSetAnnotations: the deployment's own annotations (a change-cause, say) copied on, and the
 * revision raised to `newRevision` when it is lower. A template that comes back (a rollback) thus gets a new
 * revision, and the number it had before goes into revision-history.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
): void {
  const annotations = annotationsOf(rs);
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (!NOT_COPIED.has(k)) annotations[k] = v;
  }
  const previous = annotations[REVISION_ANNOTATION];
  const old = previous === undefined ? 0 : /^[0-9]+$/.test(previous) ? Number(previous) : undefined;
  if (old === undefined) return; // not ours to fix: Kubernetes leaves an unparsable revision alone too
  if (old < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    if (previous !== undefined) appendRevisionHistory(annotations, previous);
  }
  if (!exists) setReplicasAnnotations(d, rs);
}

function appendRevisionHistory(annotations: Record<string, string>, revision: string): void {
  const history = (annotations[REVISION_HISTORY_ANNOTATION] ?? '').split(',').filter((r) => r !== '');
  history.push(revision);
  while (history.length > 1 && history.join(',').length > MAX_REVISION_HISTORY_CHARS) history.shift();
  annotations[REVISION_HISTORY_ANNOTATION] = history.join(',');
}

/** desired-replicas and max-replicas: the deployment size this replica set was last scaled for. */
export function setReplicasAnnotations(d: Deployment, rs: ReplicaSet): void {
  const annotations = annotationsOf(rs);
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(desiredReplicas(d));
  annotations[MAX_REPLICAS_ANNOTATION] = String(desiredReplicas(d) + maxSurge(d));
}

export function replicasAnnotationsNeedUpdate(d: Deployment, rs: ReplicaSet): boolean {
  const a = rs.metadata.annotations ?? {};
  return (
    a[DESIRED_REPLICAS_ANNOTATION] !== String(desiredReplicas(d)) ||
    a[MAX_REPLICAS_ANNOTATION] !== String(desiredReplicas(d) + maxSurge(d))
  );
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?[0-9]+$/.test(v) ? Number(v) : undefined;
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

/** SetDeploymentRevision. */
export function setDeploymentRevision(d: Deployment, revision: string | undefined): void {
  if (revision === undefined) return;
  annotationsOf(d)[REVISION_ANNOTATION] = revision;
}
