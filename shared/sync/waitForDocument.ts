// A peer that joins with only the swarm key knows the cluster document's id but has no copy yet; the repo
// answers "unavailable" until some connected peer has it. Ask again until one does.
import type { DocHandle, DocumentId, Repo } from '@automerge/automerge-repo';

export interface WaitForDocumentOptions {
  signal?: AbortSignal;
  retryMs?: number;
  /** Give up (rethrow "unavailable") after this many tries; unbounded by default. */
  attempts?: number;
  onWaiting?: (attempt: number) => void;
}

export async function waitForDocument<T>(
  repo: Repo,
  docId: DocumentId,
  opts: WaitForDocumentOptions = {},
): Promise<DocHandle<T>> {
  const retryMs = opts.retryMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    // repo.find() (automerge-repo 2.5.6) races the load against a never-settling module-level promise, and a
    // Promise.race against a promise that never settles retains its result forever (nodejs/node#17469): the
    // loaded document and its wasm memory would stay for the life of the process. Aborting after the find
    // settles the raced promise and releases it.
    const settled = new AbortController();
    const onAbort = () => settled.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await repo.find<T>(docId, { signal: settled.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (!/unavailable/i.test((err as Error).message)) throw err;
      if (opts.attempts !== undefined && attempt >= opts.attempts) throw err;
      opts.onWaiting?.(attempt);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    } finally {
      settled.abort();
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
