// The pods of a DaemonSet, as Kubernetes' daemon controller makes and orders them. A daemon pod is created
// already bound to its node (there is nothing to choose), so it carries the leader's term like every
// assignment does (fencing, agent/kubelet/sync/fencing.ts).

import type { DaemonSet, Pod } from '../../../shared/model/types.ts';
import { ASSIGNED_TERM_ANNOTATION } from '../../kubelet/sync/fencing.ts';
import { podFromTemplate } from '../podUtil.ts';
import { withDaemonTolerations } from './nodeEligibility.ts';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string, term: number, name: string): Pod {
  const pod = podFromTemplate(ds.spec.template, ds, name, { [CONTROLLER_REVISION_HASH_LABEL]: hash });
  pod.metadata.annotations = { ...pod.metadata.annotations, [ASSIGNED_TERM_ANNOTATION]: String(term) };
  pod.spec.nodeName = nodeName;
  pod.spec.tolerations = withDaemonTolerations(pod.spec.tolerations);
  return pod;
}

/** Made from the DaemonSet's current template (Kubernetes' IsPodUpdated, by hash). */
export function isPodUpdated(pod: Pod, hash: string): boolean {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

/** Kubernetes' podByCreationTimestampAndPhase: bound pods first, then the oldest, then by name. */
export function compareOldestFirst(a: Pod, b: Pod): number {
  const bound = Number(b.spec.nodeName !== undefined) - Number(a.spec.nodeName !== undefined);
  if (bound !== 0) return bound;
  const created =
    (Date.parse(a.metadata.creationTimestamp ?? '') || 0) -
    (Date.parse(b.metadata.creationTimestamp ?? '') || 0);
  if (created !== 0) return created;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
