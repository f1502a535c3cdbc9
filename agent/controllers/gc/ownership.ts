// What the garbage collector asks of owner references (Kubernetes' garbage collector, simplified to a
// snapshot of the store): does an owner still exist (same kind, namespace, name and uid), which objects
// depend on an owner, and the keys the collector works on.
import { isKind, KIND_INFO, KINDS, type Kind } from '../../../shared/model/kinds.ts';
import type { KubeObject, OwnerReference } from '../../../shared/model/meta.ts';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../api/deletionPolicy.ts';
import type { ClusterView } from '../controllerTypes.ts';

export const NAMESPACED_KINDS: readonly Kind[] = KINDS.filter((k) => KIND_INFO[k].namespaced);

export type OwnerLookup =
  | { state: 'present'; owner: KubeObject }
  | { state: 'absent' }
  /** A kind Shoal does not know, or a reference Kubernetes would not resolve: never treated as gone. */
  | { state: 'unknown' };

export function lookupOwner(view: ClusterView, dependent: KubeObject, ref: OwnerReference): OwnerLookup {
  if (!isKind(ref.kind)) return { state: 'unknown' };
  const namespaced = KIND_INFO[ref.kind].namespaced;
  if (namespaced && dependent.metadata.namespace === undefined) return { state: 'unknown' };
  const owner = view.get(ref.kind, namespaced ? dependent.metadata.namespace : undefined, ref.name);
  // A new object of the same name is another owner: the one referenced is gone.
  return owner !== undefined && owner.metadata.uid === ref.uid
    ? { state: 'present', owner }
    : { state: 'absent' };
}

/** Objects with an owner reference to `owner`'s uid: in its namespace, or anywhere for a cluster-scoped owner. */
export function dependentsOf(view: ClusterView, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata.uid;
  if (uid === undefined) return [];
  const namespace = owner.metadata.namespace;
  const kinds = namespace === undefined ? KINDS : NAMESPACED_KINDS;
  const out: KubeObject[] = [];
  for (const kind of kinds) {
    for (const obj of view.list(kind, namespace === undefined ? {} : { namespace })) {
      if (obj.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push(obj);
    }
  }
  return out;
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) === true;
}

/** An owner in foreground deletion: it waits for its dependents, so it no longer holds them. */
export function isWaitingForDependents(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined && hasFinalizer(obj, FOREGROUND_FINALIZER);
}

/** Whether the collector has work on `obj` itself. */
export function needsCollection(obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp !== undefined) {
    return (
      obj.kind === 'Namespace' ||
      hasFinalizer(obj, FOREGROUND_FINALIZER) ||
      hasFinalizer(obj, ORPHAN_FINALIZER)
    );
  }
  return (obj.metadata.ownerReferences?.length ?? 0) > 0;
}

/** `Kind/namespace/name` (namespace empty for cluster-scoped objects). */
export function collectionKey(obj: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

export function parseCollectionKey(
  key: string,
): { kind: Kind; namespace: string | undefined; name: string } | undefined {
  const [kind, namespace, name, ...rest] = key.split('/');
  if (!isKind(kind) || namespace === undefined || !name || rest.length > 0) return undefined;
  return { kind, namespace: namespace === '' ? undefined : namespace, name };
}

/** A copy of `obj` without the owner references whose uids are in `uids`. */
export function withoutOwners(obj: KubeObject, uids: ReadonlySet<string>): KubeObject {
  const copy = structuredClone(obj) as KubeObject;
  const refs = (copy.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
  if (refs.length > 0) copy.metadata.ownerReferences = refs;
  else delete copy.metadata.ownerReferences;
  return copy;
}

export function deleteAction(obj: KubeObject) {
  return {
    type: 'delete' as const,
    kind: obj.kind,
    ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name,
    ...(obj.metadata.uid !== undefined ? { uid: obj.metadata.uid } : {}),
  };
}
