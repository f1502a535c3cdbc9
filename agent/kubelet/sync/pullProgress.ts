// Sums the engine's per-layer pull progress into one line a person can follow (`12.3 MB of 40.1 MB, 3 of 5
// layers done`), and says when it is worth telling again (at most once a second), so the kubelet can keep
// one `Pulling` event up to date while a large image downloads.

import type { PullProgress } from '../runtime/ContainerRuntime.ts';

const MB = 1024 * 1024;

export class PullProgressLine {
  readonly #layers = new Map<string, { current: number; total: number; done: boolean }>();
  readonly #intervalMs: number;
  #lastTold = Number.NEGATIVE_INFINITY;

  constructor(intervalMs = 1000) {
    this.#intervalMs = intervalMs;
  }

  /** Takes one engine event; returns the line when it is time to tell it, else undefined. */
  update(event: PullProgress, now = Date.now()): string | undefined {
    if (event.layer) {
      const layer = this.#layers.get(event.layer) ?? { current: 0, total: 0, done: false };
      if (event.total !== undefined && event.total > 0) layer.total = event.total;
      if (event.current !== undefined && /download/i.test(event.status)) layer.current = event.current;
      if (/complete|already exists/i.test(event.status)) layer.done = true;
      this.#layers.set(event.layer, layer);
    }
    if (now - this.#lastTold < this.#intervalMs) return undefined;
    const line = this.line();
    if (line === undefined) return undefined;
    this.#lastTold = now;
    return line;
  }

  line(): string | undefined {
    if (this.#layers.size === 0) return undefined;
    let current = 0;
    let total = 0;
    let done = 0;
    for (const l of this.#layers.values()) {
      total += l.total;
      current += l.done ? l.total : Math.min(l.current, l.total);
      if (l.done) done++;
    }
    const layers = `${done} of ${this.#layers.size} layers done`;
    return total > 0 ? `${(current / MB).toFixed(1)} MB of ${(total / MB).toFixed(1)} MB, ${layers}` : layers;
  }
}
