// A single-consumer async queue: producers push, one `for await` pulls. It is how streams that push (Node
// streams, WebSockets, mux frames) become pull-based, so that back-pressure is "the consumer has not taken
// it yet": `onTaken` lets the producer resume or grant credit as items leave the queue.

export interface EventQueueOptions<T> {
  /** Called after the consumer took an item (resume a paused source, grant credit...). */
  onTaken?(item: T): void;
  /** Called once when the consumer stops early (break, return, throw): the producer should stop too. */
  onAbandon?(): void;
}

export class EventQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #o: EventQueueOptions<T>;
  #ended = false;
  #error: unknown;
  #failed = false;
  #wake?: () => void;
  #iterating = false;

  constructor(opts: EventQueueOptions<T> = {}) {
    this.#o = opts;
  }

  get length(): number {
    return this.#items.length;
  }

  get finished(): boolean {
    return this.#ended || this.#failed;
  }

  push(item: T): void {
    if (this.finished) return;
    this.#items.push(item);
    this.#wakeUp();
  }

  /** No more items: the consumer sees the end after the queued ones. */
  end(): void {
    if (this.finished) return;
    this.#ended = true;
    this.#wakeUp();
  }

  /** The consumer gets the queued items, then this error. */
  fail(err: unknown): void {
    if (this.finished) return;
    this.#failed = true;
    this.#error = err;
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new Error('an EventQueue has one consumer');
    this.#iterating = true;
    let done = false;
    try {
      for (;;) {
        const item = this.#items.shift();
        if (item !== undefined) {
          this.#o.onTaken?.(item);
          yield item;
          continue;
        }
        if (this.#failed) throw this.#error;
        if (this.#ended) {
          done = true;
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      if (!done && !this.#failed) {
        this.#ended = true;
        this.#items.length = 0;
        this.#o.onAbandon?.();
      }
    }
  }
}
