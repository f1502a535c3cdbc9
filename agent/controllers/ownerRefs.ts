// Owner references, as Kubernetes' controllers use them: the one controlling owner of an object, and the
// reference a controller puts on what it creates.

import type { KubeObject, OwnerReference, Uid } from '../../shared/model/meta.ts';

// Reading them is shared with the renderer; writing them is the controllers' own.
export { controllerRef, isControlledBy } from '../../shared/workloads/ownerRefs.ts';

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
