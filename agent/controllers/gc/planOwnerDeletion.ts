// An owner marked for deletion with a propagation policy (agent/api/deletionPolicy.ts):
// - Foreground (`foregroundDeletion`): its dependents are deleted (a dependent that has dependents of its own
//   is deleted in the foreground too, as Kubernetes does; one that another live owner still holds only loses
//   this reference); once no dependent that blocks (`blockOwnerDeletion`) is left, the owner goes.
// - Orphan (`orphan`): the owner's reference is taken off every dependent; then the owner goes.
// "Goes": the finalizer is removed; with no finalizer left the object is deleted (a pod on a node is left to
// its kubelet, which removes it once its containers have stopped).
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Pod } from '../../../shared/model/types.ts';
import { FOREGROUND_FINALIZER, markedForDeletion, ORPHAN_FINALIZER } from '../../api/deletionPolicy.ts';
import type { ClusterView, ControllerAction } from '../controllerTypes.ts';
import {
  deleteAction,
  dependentsOf,
  isWaitingForDependents,
  lookupOwner,
  withoutOwners,
} from './ownership.ts';

export function planForegroundDeletion(owner: KubeObject, view: ClusterView, now: Date): ControllerAction[] {
  const uid = owner.metadata.uid ?? '';
  const dependents = dependentsOf(view, owner);
  const actions: ControllerAction[] = [];
  for (const dep of dependents) {
    if (dep.metadata.deletionTimestamp !== undefined) continue; // already going; it blocks until gone
    const heldElsewhere = (dep.metadata.ownerReferences ?? []).some((ref) => {
      if (ref.uid === uid) return false;
      const found = lookupOwner(view, dep, ref);
      return found.state === 'unknown' || (found.state === 'present' && !isWaitingForDependents(found.owner));
    });
    if (heldElsewhere) actions.push({ type: 'update', object: withoutOwners(dep, new Set([uid])) });
    else if (dep.kind !== 'Pod' && dependentsOf(view, dep).length > 0) {
      actions.push({ type: 'update', object: markedForDeletion(dep, FOREGROUND_FINALIZER, now) });
    } else actions.push(deleteAction(dep));
  }
  const blocking = dependents.filter((dep) =>
    dep.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true),
  );
  if (blocking.length === 0) actions.push(...finishDeletion(owner, FOREGROUND_FINALIZER));
  return actions;
}

export function planOrphanDeletion(owner: KubeObject, view: ClusterView): ControllerAction[] {
  const uid = owner.metadata.uid ?? '';
  const dependents = dependentsOf(view, owner);
  if (dependents.length === 0) return finishDeletion(owner, ORPHAN_FINALIZER);
  return dependents.map((dep) => ({ type: 'update', object: withoutOwners(dep, new Set([uid])) }));
}

/** Removes `finalizer`; deletes the object when it was the last one. */
export function finishDeletion(obj: KubeObject, finalizer: string): ControllerAction[] {
  const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  const podOnNode = obj.kind === 'Pod' && Boolean((obj as Pod).spec.nodeName);
  if (rest.length > 0 || podOnNode) {
    const updated = structuredClone(obj) as KubeObject;
    if (rest.length > 0) updated.metadata.finalizers = rest;
    else delete updated.metadata.finalizers;
    return [{ type: 'update', object: updated }];
  }
  return [deleteAction(obj)];
}
