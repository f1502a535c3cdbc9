// The garbage collector: keys are `Kind/namespace/name`. The work on one object is one of: a Namespace
// being deleted, an owner being deleted in the foreground or with its dependents orphaned, or an object
// whose owners may be gone. Keys follow changes both ways: an object's own key when it needs collecting; its
// owners' keys when they wait for their dependents; its namespace's key while that terminates; and, when an
// object is gone (the store's DELETED event carries its last state), the keys of its dependents.
import { KINDS } from '../../../shared/model/kinds.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Namespace } from '../../../shared/model/types.ts';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../api/deletionPolicy.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import {
  collectionKey,
  dependentsOf,
  hasFinalizer,
  lookupOwner,
  needsCollection,
  parseCollectionKey,
} from './ownership.ts';
import { planDanglingOwners } from './planDanglingOwners.ts';
import { planNamespaceDeletion } from './planNamespaceDeletion.ts';
import { planForegroundDeletion, planOrphanDeletion } from './planOwnerDeletion.ts';

export class GarbageCollector implements Controller {
  readonly name = 'garbagecollector';

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    const keys = new Set<string>();
    const stored = view.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const live = stored !== undefined && stored.metadata.uid === obj.metadata.uid ? stored : undefined;
    if (live && needsCollection(live)) keys.add(collectionKey(live));
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const found = lookupOwner(view, obj, ref);
      const owner = found.state === 'present' ? found.owner : undefined;
      if (owner?.metadata.deletionTimestamp !== undefined && needsCollection(owner))
        keys.add(collectionKey(owner));
    }
    const namespace = obj.metadata.namespace;
    if (namespace !== undefined) {
      const ns = view.get('Namespace', undefined, namespace);
      if (ns?.metadata.deletionTimestamp !== undefined) keys.add(collectionKey(ns));
    }
    // An owner is gone: its dependents may be garbage now. Pods and events own nothing in practice, and
    // scanning a namespace on each of their (many) deletions would cost more than waiting for the resync.
    if (!live && obj.kind !== 'Pod' && obj.kind !== 'Event') {
      for (const dep of dependentsOf(view, obj)) keys.add(collectionKey(dep));
    }
    return [...keys];
  }

  allKeys(view: ClusterView): string[] {
    const keys: string[] = [];
    for (const kind of KINDS) {
      for (const obj of view.list(kind)) if (needsCollection(obj)) keys.push(collectionKey(obj));
    }
    return keys;
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    const parsed = parseCollectionKey(key);
    if (!parsed) return { actions: [] };
    const obj = ctx.view.get(parsed.kind, parsed.namespace, parsed.name);
    if (!obj) return { actions: [] };
    if (obj.metadata.deletionTimestamp !== undefined) {
      if (obj.kind === 'Namespace') return { actions: planNamespaceDeletion(obj as Namespace, ctx.view) };
      if (hasFinalizer(obj, ORPHAN_FINALIZER)) return { actions: planOrphanDeletion(obj, ctx.view) };
      if (hasFinalizer(obj, FOREGROUND_FINALIZER)) {
        return { actions: planForegroundDeletion(obj, ctx.view, ctx.now) };
      }
      return { actions: [] };
    }
    return { actions: planDanglingOwners(obj, ctx.view) };
  }
}
