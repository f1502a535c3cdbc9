// Batches the kubelet's pod status writes: statuses computed by different pod workers within a short window
// go into the document as one change (DESIGN.md: one change costs 1.6–3 ms whatever its size). A status
// that equals the stored one is not written at all, and a status is only written to the pod it was computed
// for (same uid): a pod deleted and re-created under the same name is left alone.

import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Pod, PodStatus } from '../../../shared/model/types.ts';
import { type ClusterStore, NotFoundError } from '../../../shared/store/ClusterStore.ts';

interface Pending {
  namespace: string;
  name: string;
  uid: string;
  status: PodStatus;
}

export class StatusWriter {
  readonly #store: ClusterStore;
  readonly #log: Logger;
  readonly #delayMs: number;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<void> = Promise.resolve();

  constructor(store: ClusterStore, logger: Logger, delayMs = 50) {
    this.#store = store;
    this.#log = logger;
    this.#delayMs = delayMs;
  }

  /** Queues `status` for the pod; a later call for the same pod replaces it. */
  set(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata.uid;
    if (!uid) return;
    const namespace = pod.metadata.namespace ?? 'default';
    if (isDeepStrictEqual(pod.status, status) && !this.#pending.has(uid)) return;
    this.#pending.set(uid, { namespace, name: pod.metadata.name, uid, status });
    this.#timer ??= setTimeout(() => void this.flush(), this.#delayMs);
  }

  /** Writes what is queued (in one change) and resolves once it is durable. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    const writes = batch.flatMap((p) => {
      const current = this.#store.get('Pod', p.namespace, p.name) as Pod | undefined;
      if (current?.metadata.uid !== p.uid || isDeepStrictEqual(current.status, p.status)) return [];
      // Issued in one macrotask, so the store commits them as one change.
      return [
        this.#store.updateStatus('Pod', p.namespace, p.name, p.status).catch((err: unknown) => {
          if (err instanceof NotFoundError) return; // deleted meanwhile
          this.#log.warn({ err, pod: `${p.namespace}/${p.name}` }, 'could not write pod status');
        }),
      ];
    });
    this.#inflight = Promise.all([this.#inflight, ...writes]).then(() => {});
    return this.#inflight;
  }

  close(): Promise<void> {
    return this.flush();
  }
}
