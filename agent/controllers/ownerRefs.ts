// Owner references, as Kubernetes' controllers use them: the one controlling owner of an object, and the
// reference a controller puts on what it creates.

import type { KubeObject, OwnerReference, Uid } from '../../shared/model/meta.ts';

/** The owner reference with `controller: true`, if any. */
export function controllerRef(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller === true);
}

/** True when `obj` is controlled by `owner` (same uid). */
export function isControlledBy(
  obj: Pick<KubeObject, 'metadata'>,
  owner: Pick<KubeObject, 'metadata'>,
): boolean {
  const ref = controllerRef(obj);
  return ref !== undefined && owner.metadata.uid !== undefined && ref.uid === owner.metadata.uid;
}

/** The reference a controller sets on what it creates (`blockOwnerDeletion` as Kubernetes sets it). */
export function newControllerRef(
  owner: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>,
): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid as Uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** `namespace/name`: the key most controllers use. */
export function namespacedKey(obj: Pick<KubeObject, 'metadata'>): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`;
}

/** The inverse of namespacedKey; undefined for a malformed key. */
export function splitKey(key: string): { namespace: string; name: string } | undefined {
  const i = key.indexOf('/');
  if (i <= 0 || i === key.length - 1) return undefined;
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
