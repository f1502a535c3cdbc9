// The one interface every process uses to read and write cluster objects. Two implementations run the same
// contract suite: AutomergeClusterStore (the replicated, persisted document) and MemoryClusterStore (tests).
//
// Semantics, shared by both:
// - Reads are synchronous, from an in-memory index of validated objects. Returned objects are deep-frozen:
//   copy them (`structuredClone`) before editing.
// - Writes issued in the same macrotask are committed together as one document change; a write's promise
//   resolves once that change is durable (on disk for the Automerge store).
// - Objects in the document that fail validation are skipped by get/list/watch and listed by problems().
// - watch() reports every change to the indexed objects, local or remote, after it reaches the index.
import type { Kind } from '../model/kinds.ts';
import type { KubeObject } from '../model/meta.ts';

export {
  AlreadyExistsError,
  ConflictError,
  InvalidObjectError,
  NotFoundError,
  StoreClosedError,
  StoreError,
} from './storeErrors.ts';

export interface ListOptions {
  /** Only objects in this namespace; all namespaces when absent. */
  namespace?: string;
  /** An already-parsed label selector (`matchesParsedSelector` bound to its requirements). */
  labelSelector?: (labels: Readonly<Record<string, string>>) => boolean;
  /** An already-parsed field selector (`matchesFieldSelector` bound to its requirements). */
  fieldSelector?: (obj: KubeObject) => boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETED: the last valid state the store knew. */
  object: KubeObject;
}

export type WatchHandler = (event: WatchEvent) => void;

export interface WriteOptions {
  /** Precondition: fail with ConflictError unless the stored object has this resourceVersion. */
  resourceVersion?: string;
}

/** A value in the document that the store skips, keyed by its document key (`Pod/default/web`). */
export interface StoreProblem {
  key: string;
  errors: string[];
}

export interface ClusterStore {
  get(kind: Kind, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Sorted by namespace then name, like kubectl. */
  list(kind: Kind, opts?: ListOptions): KubeObject[];
  /** Changes from now on, for one kind or all (`undefined`); returns the unsubscribe function. */
  watch(kind: Kind | undefined, handler: WatchHandler): () => void;

  /** Assigns uid, creationTimestamp, generation 1, resourceVersion. AlreadyExistsError, InvalidObjectError. */
  create(obj: KubeObject): Promise<KubeObject>;
  /**
   * Replaces metadata (labels, annotations, owners, finalizers...) and spec, or for kinds without a spec
   * every top-level field but status (ConfigMap data, ...). uid, creationTimestamp and status are kept.
   * Bumps generation when the spec changed; an update that changes nothing writes nothing.
   * obj.metadata.resourceVersion is ignored; pass opts.resourceVersion to make the write conditional.
   * NotFoundError, ConflictError, InvalidObjectError.
   */
  updateSpec(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** Replaces status only; spec, metadata and generation are untouched. No write when nothing changed. */
  updateStatus(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    status: unknown,
    opts?: WriteOptions,
  ): Promise<KubeObject>;
  /** Also removes an object the store skips as invalid, so a bad value can be cleaned up. */
  delete(kind: Kind, namespace: string | undefined, name: string): Promise<void>;

  problems(): StoreProblem[];
  /** Resolves when every write issued so far, and every change received so far, is durable. */
  flush(): Promise<void>;
  /** Flushes, then stops: later writes fail with StoreClosedError and watchers get nothing more. */
  close(): Promise<void>;
}
