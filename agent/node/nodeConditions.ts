// A Node's conditions have two writers: the agent reports what it measures on its machine (MemoryPressure,
// DiskPressure) and the leader judges readiness from heartbeats (Ready). Each writer replaces only the
// condition types it owns and keeps the others as they are, so neither erases the other's work. The times
// of an unchanged condition are kept, so a refresh that finds nothing new writes nothing to the document.
import type { Node } from '../../shared/model/types.ts';

export type NodeCondition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

/** RFC 3339 to the second, as Kubernetes writes condition times. */
export function conditionTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `own` replaces the conditions of the same types in `existing` (keeping their times when the status did
 * not change, and the whole condition when nothing did); conditions of other types follow, in their order.
 */
export function mergeOwnConditions(
  existing: readonly NodeCondition[] | undefined,
  own: readonly NodeCondition[],
): NodeCondition[] {
  const ownTypes = new Set(own.map((c) => c.type));
  const merged = own.map((next) => {
    const prev = existing?.find((c) => c.type === next.type);
    if (!prev || prev.status !== next.status) return next;
    if (prev.reason === next.reason && prev.message === next.message) return prev;
    return { ...next, lastTransitionTime: prev.lastTransitionTime ?? next.lastTransitionTime };
  });
  return [...merged, ...(existing ?? []).filter((c) => !ownTypes.has(c.type))];
}
