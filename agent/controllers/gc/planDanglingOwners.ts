// Background garbage collection: an object whose every owner is gone (no object of that kind and name, or
// one with another uid) is deleted, pods gracefully; references to gone owners are dropped from an object
// that still has a live owner (Kubernetes removes dangling references the same way). An owner of a kind
// Shoal does not know is never taken for gone.
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { ClusterView, ControllerAction } from '../controllerTypes.ts';
import { deleteAction, lookupOwner, withoutOwners } from './ownership.ts';

export function planDanglingOwners(obj: KubeObject, view: ClusterView): ControllerAction[] {
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || obj.metadata.deletionTimestamp !== undefined) return [];
  const gone = refs.filter((ref) => lookupOwner(view, obj, ref).state === 'absent');
  if (gone.length === 0) return [];
  if (gone.length === refs.length) return [deleteAction(obj)];
  return [{ type: 'update', object: withoutOwners(obj, new Set(gone.map((r) => r.uid))) }];
}
