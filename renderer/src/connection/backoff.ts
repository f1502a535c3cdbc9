// Reconnection delays: 0.5 s, doubling, at most 10 s; back to 0.5 s once a connection worked.
export const FIRST_RETRY_MS = 500;
export const MAX_RETRY_MS = 10_000;

export class Backoff {
  #next = FIRST_RETRY_MS;

  /** The delay before the next attempt; each call doubles the one after. */
  next(): number {
    const delay = this.#next;
    this.#next = Math.min(this.#next * 2, MAX_RETRY_MS);
    return delay;
  }

  reset(): void {
    this.#next = FIRST_RETRY_MS;
  }
}
