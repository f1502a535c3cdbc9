// The store's objects, one Map per kind, and how a batch of watch changes turns into new Maps. Only the
// kinds a batch touched get a new Map, so views that read other kinds do not re-render.
import { isKind, KINDS, type Kind } from '../../../shared/model/kinds.ts';
import { type KubeObject, objectKey } from '../../../shared/model/meta.ts';
import type { ObjectOfKind } from '../../../shared/model/types.ts';

export type ObjectMaps = { [K in Kind]: ReadonlyMap<string, ObjectOfKind<K>> };

export type WatchChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

type MutableMaps = { [K in Kind]?: Map<string, ObjectOfKind<K>> };

export function emptyObjectMaps(): ObjectMaps {
  const maps = {} as { [K in Kind]: Map<string, ObjectOfKind<K>> };
  for (const kind of KINDS) (maps as Record<Kind, Map<string, unknown>>)[kind] = new Map();
  return maps;
}

/** Every kind's Map built from a full list (a snapshot). Objects of unknown kinds are ignored. */
export function objectMapsFromSnapshot(objects: readonly KubeObject[]): ObjectMaps {
  const maps = emptyObjectMaps() as unknown as Record<Kind, Map<string, KubeObject>>;
  for (const obj of objects) {
    if (!isKind(obj.kind)) continue;
    maps[obj.kind].set(objectKey(obj), obj);
  }
  return maps as unknown as ObjectMaps;
}

/**
 * Applies a batch of changes. Returns only the kinds that changed, each as a new Map (copied once per
 * batch, however many of its objects changed), or undefined when nothing did.
 */
export function applyWatchChanges(
  current: ObjectMaps,
  changes: readonly WatchChange[],
): Partial<ObjectMaps> | undefined {
  const changed: MutableMaps = {};
  let any = false;
  for (const change of changes) {
    const obj = change.object;
    if (!isKind(obj.kind)) continue;
    const kind: Kind = obj.kind;
    const mutable = changed as Record<Kind, Map<string, KubeObject> | undefined>;
    let map = mutable[kind];
    if (!map) {
      map = new Map(current[kind] as ReadonlyMap<string, KubeObject>);
      mutable[kind] = map;
    }
    if (change.type === 'DELETED') map.delete(objectKey(obj));
    else map.set(objectKey(obj), obj);
    any = true;
  }
  return any ? (changed as Partial<ObjectMaps>) : undefined;
}
