// A ReplicaSet's selector, read defensively: the API refuses an empty or broken selector, but a value that
// reached the document some other way must select nothing, never every pod of the namespace.

import { matchesLabelSelector } from '../../../shared/model/selector.ts';
import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';

/** True when the selector has at least one requirement (apps/v1 refuses an empty one). */
export function hasUsableSelector(rs: ReplicaSet): boolean {
  const sel = rs.spec.selector;
  return Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0;
}

export function selectsPod(rs: ReplicaSet, pod: Pod): boolean {
  return hasUsableSelector(rs) && matchesLabelSelector(rs.spec.selector, pod.metadata.labels);
}

/**
 * Pods made from the template must be selected, or the ReplicaSet would create pods for ever (the API's
 * "`selector` does not match template `labels`" rule, checked again here for values from the document).
 */
export function selectsOwnTemplate(rs: ReplicaSet): boolean {
  return hasUsableSelector(rs) && matchesLabelSelector(rs.spec.selector, rs.spec.template.metadata?.labels);
}
