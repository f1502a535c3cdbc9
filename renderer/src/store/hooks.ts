// How views read objects: arrays sorted by namespace then name, filtered by the namespace switcher.
import { useMemo } from 'react';
import { KIND_INFO, type Kind } from '../../../shared/model/kinds.ts';
import type { ObjectOfKind } from '../../../shared/model/types.ts';
import { useClusterStore } from './clusterStore.ts';

// One sorted array per Map identity, shared by every component that reads the kind: a Map is replaced only
// when its kind changes, so the sort runs once per change, not once per reader.
const sortedCache = new WeakMap<ReadonlyMap<string, unknown>, readonly unknown[]>();

function byNamespaceThenName(
  a: { metadata: { name: string; namespace?: string } },
  b: { metadata: { name: string; namespace?: string } },
): number {
  const ns = (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '');
  return ns !== 0 ? ns : a.metadata.name.localeCompare(b.metadata.name);
}

function sortedObjects<K extends Kind>(
  map: ReadonlyMap<string, ObjectOfKind<K>>,
): readonly ObjectOfKind<K>[] {
  let sorted = sortedCache.get(map) as readonly ObjectOfKind<K>[] | undefined;
  if (!sorted) {
    sorted = [...map.values()].sort(byNamespaceThenName);
    sortedCache.set(map, sorted);
  }
  return sorted;
}

/**
 * Every object of a kind, sorted by namespace then name. Namespaced kinds are filtered by the store's
 * namespace unless `allNamespaces`. The array keeps its identity until the kind or the namespace changes.
 */
export function useObjects<K extends Kind>(kind: K, opts?: { allNamespaces?: boolean }): ObjectOfKind<K>[] {
  const map = useClusterStore((s) => s.objects[kind]) as ReadonlyMap<string, ObjectOfKind<K>>;
  const namespace = useClusterStore((s) => s.namespace);
  const filterNamespace = KIND_INFO[kind].namespaced && !opts?.allNamespaces ? namespace : '';
  return useMemo(() => {
    const sorted = sortedObjects(map);
    if (!filterNamespace) return sorted as ObjectOfKind<K>[];
    return sorted.filter((o) => o.metadata.namespace === filterNamespace);
  }, [map, filterNamespace]);
}

/** One object, or undefined while it does not exist. Re-renders only when that object changes. */
export function useObject<K extends Kind>(
  kind: K,
  namespace: string | undefined,
  name: string,
): ObjectOfKind<K> | undefined {
  const key = KIND_INFO[kind].namespaced && namespace ? `${namespace}/${name}` : name;
  return useClusterStore((s) => s.objects[kind].get(key)) as ObjectOfKind<K> | undefined;
}
