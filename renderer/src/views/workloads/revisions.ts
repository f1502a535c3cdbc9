// A deployment's revisions, as `kubectl rollout history` reads them: each replica set the deployment controls
// is one revision (annotation deployment.kubernetes.io/revision). The Undo picker offers them.
import type { Deployment, ReplicaSet } from '../../../../shared/model/types.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export interface Revision {
  revision: number;
  replicaSet: ReplicaSet;
  /** The images of its pod template, to tell revisions apart in the picker. */
  images: string[];
  changeCause?: string;
}

/** Whether `rs`'s controller reference points at `d` (by uid, as the controllers match owners). */
export function isOwnedBy(rs: ReplicaSet, d: Deployment): boolean {
  const uid = d.metadata.uid;
  if (uid === undefined || rs.metadata.namespace !== d.metadata.namespace) return false;
  return (rs.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.kind === 'Deployment' && ref.uid === uid,
  );
}

/** The revisions of the replica sets `d` controls, newest first; one without a valid revision is left out. */
export function deploymentRevisions(d: Deployment, replicaSets: readonly ReplicaSet[]): Revision[] {
  const revisions: Revision[] = [];
  for (const rs of replicaSets) {
    if (!isOwnedBy(rs, d)) continue;
    const text = rs.metadata.annotations?.[REVISION_ANNOTATION];
    if (text === undefined || !/^[0-9]{1,15}$/.test(text)) continue;
    const revision: Revision = {
      revision: Number(text),
      replicaSet: rs,
      images: rs.spec.template.spec.containers.map((c) => c.image),
    };
    const cause = rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause) revision.changeCause = cause;
    revisions.push(revision);
  }
  return revisions.sort((a, b) => b.revision - a.revision);
}

/** The deployment's current revision: its own annotation, else the newest replica set's. */
export function currentRevision(d: Deployment, revisions: readonly Revision[]): number | undefined {
  const text = d.metadata.annotations?.[REVISION_ANNOTATION];
  if (text !== undefined && /^[0-9]{1,15}$/.test(text)) return Number(text);
  return revisions[0]?.revision;
}
