// Collects items and hands them over once per animation frame (after 16 ms where there are no frames, as
// in tests; after 100 ms at most in a hidden tab), so a burst of watch events costs one store update and
// one render, not hundreds.
export class FrameBatcher<T> {
  #items: T[] = [];
  #scheduled = false;
  #cancel: (() => void) | undefined;

  constructor(private readonly flushTo: (items: T[]) => void) {}

  push(item: T): void {
    this.#items.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const run = () => this.flush();
    // A hidden tab gets no animation frames: the timer bounds the wait there (browsers slow it to 1 s).
    const timer = setTimeout(run, typeof requestAnimationFrame === 'function' ? 100 : 16);
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : undefined;
    this.#cancel = () => {
      clearTimeout(timer);
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }

  /** Hands over what is pending now (e.g. before a new snapshot, so no change is delivered after it). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#scheduled = false;
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.flushTo(items);
  }

  /** Drops what is pending (the watch was stopped). */
  clear(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#scheduled = false;
    this.#items = [];
  }
}
