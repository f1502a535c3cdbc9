// Back-pressure between main and a window. Main pushes a relay's events with webContents.send, which never
// blocks, so a window that cannot keep up (a huge log followed, a hung renderer) would pile events up in
// main's memory. The window acknowledges the bytes it has handed to its listener; past `highWater`
// unacknowledged bytes the relay stops reading its source until acknowledgements bring it under `lowWater`.
export const DEFAULT_HIGH_WATER = 512 * 1024;
export const DEFAULT_LOW_WATER = 128 * 1024;

export class Credit {
  #unacked = 0;
  #waiters: Array<() => void> = [];

  constructor(
    readonly highWater = DEFAULT_HIGH_WATER,
    readonly lowWater = DEFAULT_LOW_WATER,
  ) {}

  get unacked(): number {
    return this.#unacked;
  }

  /** Whether the source should stop being read. */
  get saturated(): boolean {
    return this.#unacked >= this.highWater;
  }

  sent(bytes: number): void {
    this.#unacked += bytes;
  }

  /** Returns true when this acknowledgement brought the relay back under its low-water mark. */
  acked(bytes: number): boolean {
    const wasSaturated = this.#unacked >= this.lowWater;
    this.#unacked = Math.max(0, this.#unacked - bytes);
    if (this.#unacked < this.lowWater) {
      for (const wake of this.#waiters.splice(0)) wake();
      return wasSaturated;
    }
    return false;
  }

  /** Resolves once the window has caught up (at once when it has). */
  drained(): Promise<void> {
    if (this.#unacked < this.lowWater) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Releases every waiter (the relay is over). */
  release(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/**
 * What an event costs against a relay's credit, and what the window acknowledges for it: UTF-16 units for
 * text (the preload runs sandboxed, without Buffer, and measuring must be cheap on both sides), bytes for
 * binary data.
 */
export function eventCost(data: string | Uint8Array): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}
