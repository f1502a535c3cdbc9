// Members removed from the cluster are refused by public key before any handshake (SwarmNode's firewall).
// The list lives in the document, so every peer enforces it: a ConfigMap whose keys are the removed
// peers' public keys (hex) and whose values say when and what node it was.

import { KIND_INFO } from '../../shared/model/kinds.ts';
import type { ConfigMap } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';

export const REMOVED_MEMBERS = { namespace: 'kube-system', name: 'shoal-removed-members' } as const;

export function removedPeerIds(store: ClusterStore): Set<string> {
  const cm = store.get('ConfigMap', REMOVED_MEMBERS.namespace, REMOVED_MEMBERS.name) as ConfigMap | undefined;
  return new Set(Object.keys(cm?.data ?? {}));
}

/** Records a removed member (leader only). */
export async function recordRemovedMember(
  store: ClusterStore,
  peerId: string,
  nodeName: string,
): Promise<void> {
  const existing = store.get('ConfigMap', REMOVED_MEMBERS.namespace, REMOVED_MEMBERS.name) as
    | ConfigMap
    | undefined;
  const entry = `${nodeName} removed at ${new Date().toISOString()}`;
  if (!existing) {
    const cm: ConfigMap = {
      apiVersion: KIND_INFO.ConfigMap.apiVersion,
      kind: 'ConfigMap',
      metadata: { name: REMOVED_MEMBERS.name, namespace: REMOVED_MEMBERS.namespace },
      data: { [peerId]: entry },
    };
    await store.create(cm);
    return;
  }
  if (existing.data?.[peerId]) return;
  const updated: ConfigMap = { ...structuredClone(existing), data: { ...existing.data, [peerId]: entry } };
  await store.updateSpec(updated);
}
