// The contract every controller of the leader follows (DESIGN.md: level-triggered, pure planning, thin
// execution). A controller never writes: `reconcile` reads a snapshot of the cluster and returns actions;
// the ControllerManager applies the actions of one tick as one document change.
//
// Keys: a controller says which of its keys an object's change concerns (`keysFor`: a ReplicaSet's own key
// when it changes, its owner's key when one of its pods changes…) and lists all its keys for the periodic
// resync (`allKeys`). A key is any string the controller can parse back, usually `namespace/name`.

import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { EventRecord } from '../events/EventRecorder.ts';

/** What controllers read: the store's synchronous, validated, deep-frozen view. */
export type ClusterView = Pick<ClusterStore, 'get' | 'list'>;

export type ControllerAction =
  /** Create an object (the store assigns uid, creationTimestamp, resourceVersion). */
  | { type: 'create'; object: KubeObject }
  /**
   * Replace metadata and spec. Conditional on `object.metadata.resourceVersion` when it is set, so a plan
   * made from a stale snapshot fails (and its key is reconciled again) instead of overwriting newer data.
   */
  | { type: 'update'; object: KubeObject }
  | { type: 'updateStatus'; kind: Kind; namespace?: string; name: string; status: unknown }
  /**
   * Delete an object. Pods are deleted gracefully as the API does (their kubelet stops them, then removes
   * them); `gracePeriodSeconds: 0` removes at once. `uid` guards against deleting a newer object of the
   * same name.
   */
  | {
      type: 'delete';
      kind: Kind;
      namespace?: string;
      name: string;
      uid?: string;
      gracePeriodSeconds?: number;
    }
  | { type: 'event'; event: EventRecord };

export interface ControllerContext {
  view: ClusterView;
  now: Date;
  /** The leader's term, stamped on assignments and evictions (fencing). */
  term: number;
  /** A fresh lowercase alphanumeric suffix of `length` characters, for generated names (pods of a ReplicaSet). */
  randomSuffix(length: number): string;
}

export interface ReconcileResult {
  actions: ControllerAction[];
  /** Reconcile this key again after this long even if nothing changes (minReadySeconds, deadlines, TTLs). */
  requeueAfterMs?: number;
}

export interface Controller {
  readonly name: string;
  /** The keys of this controller that a change of `obj` concerns (none when it does not care). */
  keysFor(obj: KubeObject, view: ClusterView): string[];
  /** Every key, for the periodic resync. */
  allKeys(view: ClusterView): string[];
  /** Pure: the actions that move the cluster towards what `key` declares. */
  reconcile(key: string, ctx: ControllerContext): ReconcileResult;
}
