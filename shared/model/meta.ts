// Object metadata shared by every kind, and the envelope every object has.
import type { Kind } from './kinds.ts';

declare const brand: unique symbol;
/** A nominal type: a string that has been checked to be what its name says. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Uid = Brand<string, 'Uid'>;
export type NodeName = Brand<string, 'NodeName'>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: Uid;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  /** Empty for cluster-scoped kinds (Namespace, Node). */
  namespace?: string;
  generateName?: string;
  uid?: Uid;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** RFC 3339, set by the store on create. */
  creationTimestamp?: string;
  /** Incremented by the store on every spec change. */
  generation?: number;
  /** Changes on every write; opaque to clients. */
  resourceVersion?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
}

/** Any object of a kind Shoal knows, before its spec is looked at. */
export interface KubeObject<K extends Kind = Kind, Spec = unknown, Status = unknown> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones: the key kubectl shows. */
export function objectKey(obj: { metadata: { name: string; namespace?: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}
