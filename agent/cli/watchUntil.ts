// Waiting on the agent's watch instead of polling: list-then-watch delivers every existing object, a BOOKMARK
// once they are all out, then each change, so a waiter sees the first state that satisfies it at once.
import type { ApiClient, WatchMessage, WatchQuery } from './apiClient.ts';
import { CliError } from './exitCodes.ts';

export type WaitOutcome<R> = { met: true; value: R } | { met: false };

/**
 * Calls `check` on every message (BOOKMARK included) until it returns a value; `{ met: false }` when
 * `timeoutMs` passes first (undefined: wait as long as it takes). An error `check` throws ends the wait.
 */
export function watchUntil<R>(
  client: ApiClient,
  query: Omit<WatchQuery, 'bookmarks'>,
  check: (message: WatchMessage) => R | undefined,
  timeoutMs?: number,
): Promise<WaitOutcome<R>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      handle.close();
      finish();
    };
    const handle = client.watch({ ...query, bookmarks: true }, (message) => {
      if (settled) return;
      const value = check(message);
      if (value !== undefined) settle(() => resolve({ met: true, value }));
    });
    if (timeoutMs !== undefined) timer = setTimeout(() => settle(() => resolve({ met: false })), timeoutMs);
    handle.done.then(
      () => settle(() => reject(new CliError('error: the agent ended the watch before the wait was over'))),
      (err: unknown) => settle(() => reject(err)),
    );
  });
}
