// A peer that joins with only the swarm key knows the cluster document's id but has no copy yet; the repo
// answers "unavailable" until some connected peer has it. Ask again until one does.
import type { DocHandle, DocumentId, Repo } from '@automerge/automerge-repo';

export async function waitForDocument<T>(
  repo: Repo,
  docId: DocumentId,
  opts: { signal?: AbortSignal; retryMs?: number; onWaiting?: (attempt: number) => void } = {},
): Promise<DocHandle<T>> {
  const retryMs = opts.retryMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await repo.find<T>(docId, { signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (!/unavailable/i.test((err as Error).message)) throw err;
      opts.onWaiting?.(attempt);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
