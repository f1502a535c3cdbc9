// Owner references, read the way Kubernetes' controllers read them. Browser-safe: the agent's controllers
// and the renderer share these.
import type { KubeObject, OwnerReference } from '../model/meta.ts';

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
