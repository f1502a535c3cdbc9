// A streamed HTTP body (followed pod logs) relayed from the embedded peer's API to a window, as text chunks.
// Reading stops while the window has too much unacknowledged text (Credit), so following a chatty container
// into a hung window costs at most the credit's high-water mark in main.
import type { BridgeStreamEvent } from '../shoalBridge.ts';
import { Credit, eventCost } from './credit.ts';

export interface StreamRelayOptions {
  /** `http://127.0.0.1:PORT/path?query` */
  url: string;
  token: string;
  emit(event: BridgeStreamEvent): void;
  credit?: Credit;
}

function errorText(status: number, text: string): string {
  try {
    const parsed = JSON.parse(text) as { kind?: unknown; message?: unknown };
    if (parsed.kind === 'Status' && typeof parsed.message === 'string') return parsed.message;
  } catch {}
  return `the agent answered HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, 300)}` : ''}`;
}

export class StreamRelay {
  readonly #abort = new AbortController();
  readonly #emit: (event: BridgeStreamEvent) => void;
  readonly #credit: Credit;
  #finished = false;
  /** Settles when the relay is over (for tests and orderly shutdown). */
  readonly done: Promise<void>;

  constructor(o: StreamRelayOptions) {
    this.#emit = o.emit;
    this.#credit = o.credit ?? new Credit();
    this.done = this.#run(o.url, o.token).catch((err: unknown) => {
      if (this.#abort.signal.aborted) this.#finish();
      else this.#finish(`the log stream broke: ${causeOf(err)}`);
    });
  }

  async #run(url: string, token: string): Promise<void> {
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}` },
      signal: this.#abort.signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      this.#finish(errorText(res.status, text));
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text !== '' && !this.#finished) {
        this.#emit({ type: 'chunk', text });
        this.#credit.sent(eventCost(text));
      }
      if (this.#credit.saturated) await this.#credit.drained();
      if (this.#finished) {
        await reader.cancel().catch(() => {});
        return;
      }
    }
    const rest = decoder.decode();
    if (rest !== '' && !this.#finished) this.#emit({ type: 'chunk', text: rest });
    this.#finish();
  }

  ack(units: number): void {
    this.#credit.acked(units);
  }

  cancel(): void {
    this.#finish();
    this.#abort.abort();
  }

  #finish(error?: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#credit.release();
    this.#emit(error === undefined ? { type: 'end' } : { type: 'end', error });
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
