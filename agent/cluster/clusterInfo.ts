// What `shoal init` writes into a new cluster document: the namespaces every cluster has, and the
// cluster's name in `kube-public/cluster-info` (where Kubernetes keeps its public cluster facts).
import { KIND_INFO } from '../../shared/model/kinds.ts';
import type { ConfigMap, Namespace } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';

export const CLUSTER_INFO = { namespace: 'kube-public', name: 'cluster-info' } as const;
export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public'] as const;

export async function seedClusterDocument(store: ClusterStore, clusterName: string): Promise<void> {
  await Promise.all(
    DEFAULT_NAMESPACES.map((name) => {
      const ns: Namespace = {
        apiVersion: KIND_INFO.Namespace.apiVersion,
        kind: 'Namespace',
        metadata: { name },
        spec: {},
      };
      return store.create(ns);
    }),
  );
  const info: ConfigMap = {
    apiVersion: KIND_INFO.ConfigMap.apiVersion,
    kind: 'ConfigMap',
    metadata: { name: CLUSTER_INFO.name, namespace: CLUSTER_INFO.namespace },
    data: { name: clusterName, createdAt: new Date().toISOString() },
  };
  await store.create(info);
}

export function clusterNameOf(store: ClusterStore): string | undefined {
  const cm = store.get('ConfigMap', CLUSTER_INFO.namespace, CLUSTER_INFO.name) as ConfigMap | undefined;
  return cm?.data?.name;
}
