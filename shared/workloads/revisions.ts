// A deployment's revision history, as kubectl reads it (polymorphichelpers/history.go, rollback.go): every
// replica set the deployment controls is one revision (annotation deployment.kubernetes.io/revision), its
// template the pod template of that revision. Pure and browser-safe: the CLI and the dashboard fetch, these
// functions decide.
import type { Deployment, PodTemplate, ReplicaSet } from '../model/types.ts';
import { jsonEqual } from '../store/objectCodec.ts';
import { isControlledBy } from './ownerRefs.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Set on a template by `rollout restart`: a changed template is what makes the controller roll. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Annotations a rollback leaves as the deployment has them, rather than copying them from the replica set. */
const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export interface Revision {
  revision: number;
  replicaSet: ReplicaSet;
}

/** No revision to roll back to; the message is kubectl's, without its `error: ` prefix. */
export class RollbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollbackError';
  }
}

/** The revisions of the replica sets `d` controls, oldest first; a replica set without a valid one is left out. */
export function deploymentRevisions(d: Deployment, replicaSets: readonly ReplicaSet[]): Revision[] {
  const revisions: Revision[] = [];
  for (const rs of replicaSets) {
    if (!isControlledBy(rs, d)) continue;
    const text = rs.metadata.annotations?.[REVISION_ANNOTATION];
    if (text === undefined || !/^[0-9]{1,15}$/.test(text)) continue;
    revisions.push({ revision: Number(text), replicaSet: rs });
  }
  return revisions.sort((a, b) => a.revision - b.revision);
}

/** The pod template of one revision, with its change cause among the annotations, as `--revision N` shows it. */
export function revisionTemplate(r: Revision): PodTemplate {
  const template = structuredClone(r.replicaSet.spec.template);
  const cause = r.replicaSet.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
  if (cause)
    template.metadata = {
      ...template.metadata,
      annotations: { ...template.metadata?.annotations, [CHANGE_CAUSE_ANNOTATION]: cause },
    };
  return template;
}

function withoutHash(t: PodTemplate): PodTemplate {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** Equal templates once the replica set's pod-template-hash label is set aside (kubectl's EqualIgnoreHash). */
export function equalIgnoringHash(a: PodTemplate, b: PodTemplate): boolean {
  return jsonEqual(withoutHash(a), withoutHash(b));
}

/**
 * The revision to roll back to: `toRevision`, or with 0 the one before the latest (kubectl's
 * deploymentRevision). Throws a RollbackError with kubectl's words when there is none.
 */
export function findRollbackRevision(
  d: Deployment,
  revisions: readonly Revision[],
  toRevision: number,
): Revision {
  if (toRevision > 0) {
    const found = revisions.find((r) => r.revision === toRevision);
    if (!found) throw new RollbackError(`unable to find specified revision ${toRevision} in history`);
    return found;
  }
  const previous = revisions.at(-2);
  if (!previous) throw new RollbackError(`no rollout history found for deployment "${d.metadata.name}"`);
  return previous;
}

export type RollbackPlan =
  | { type: 'rollback'; template: PodTemplate; annotations: Record<string, string> | undefined }
  | { type: 'skipped'; revision: number };

/**
 * What rolling `d` back to `target` writes: that replica set's template without its pod-template-hash label,
 * and its annotations (the change cause among them) beside the deployment's own bookkeeping ones; or
 * `skipped` when the template is that one already.
 */
export function planRollback(d: Deployment, target: Revision): RollbackPlan {
  if (equalIgnoringHash(target.replicaSet.spec.template, d.spec.template)) {
    return { type: 'skipped', revision: target.revision };
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  }
  for (const [k, v] of Object.entries(target.replicaSet.metadata.annotations ?? {})) {
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  }
  return {
    type: 'rollback',
    template: withoutHash(target.replicaSet.spec.template),
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
  };
}

/** Writes `plan` into the deployment `d` (a copy being edited). */
export function applyRollbackPlan(d: Deployment, plan: Extract<RollbackPlan, { type: 'rollback' }>): void {
  d.spec.template = plan.template;
  if (plan.annotations) d.metadata.annotations = plan.annotations;
  else delete d.metadata.annotations;
}

/** Go's time.RFC3339: whole seconds, as kubectl stamps restartedAt. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Stamps the template of `obj` (a copy being edited) with restartedAt, which makes its controller roll. */
export function stampRestart(obj: { spec: { template: PodTemplate } }, now: Date): void {
  const meta = obj.spec.template.metadata ?? {};
  meta.annotations = { ...meta.annotations, [RESTARTED_AT_ANNOTATION]: rfc3339(now) };
  obj.spec.template.metadata = meta;
}
