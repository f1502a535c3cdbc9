// What the kubelet remembers about images between syncs: which are present (so a sync does not ask the engine
// about every image every time) and which failed to pull, with Kubernetes' back-off for pulls (10 s doubling
// to 5 min), so a missing image shows ErrImagePull once, then ImagePullBackOff until the next try.

import type { BackOffConfig } from '../plan/backoff.ts';
import type { PullFailure } from '../plan/podSyncTypes.ts';
import type { ContainerRuntime } from '../runtime/ContainerRuntime.ts';

/** A present image is re-checked after this long: someone may `docker rmi` it. */
const PRESENT_TTL_MS = 10_000;

interface FailureState extends PullFailure {
  delayMs: number;
}

export class ImagePulls {
  readonly #runtime: ContainerRuntime;
  readonly #backOff: BackOffConfig;
  readonly #now: () => number;
  readonly #present = new Map<string, number>();
  readonly #failures = new Map<string, FailureState>();

  constructor(runtime: ContainerRuntime, backOff: BackOffConfig, now: () => number = Date.now) {
    this.#runtime = runtime;
    this.#backOff = backOff;
    this.#now = now;
  }

  /** The subset of `refs` present on the engine. */
  async presentOf(refs: Iterable<string>): Promise<Set<string>> {
    const now = this.#now();
    const present = new Set<string>();
    await Promise.all(
      [...new Set(refs)].map(async (ref) => {
        const checked = this.#present.get(ref);
        if (checked !== undefined && now - checked < PRESENT_TTL_MS) {
          present.add(ref);
          return;
        }
        if (await this.#runtime.imagePresent(ref).catch(() => false)) {
          this.#present.set(ref, now);
          present.add(ref);
        } else this.#present.delete(ref);
      }),
    );
    return present;
  }

  get failures(): ReadonlyMap<string, PullFailure> {
    return this.#failures;
  }

  pulled(ref: string): void {
    this.#failures.delete(ref);
    this.#present.set(ref, this.#now());
  }

  /** A pull failed: the next try waits twice as long as the last, up to the maximum. */
  failed(ref: string, message: string): void {
    const previous = this.#failures.get(ref);
    const delayMs = previous
      ? Math.min(previous.delayMs * 2, this.#backOff.maxMs)
      : Math.min(this.#backOff.baseMs, this.#backOff.maxMs);
    this.#failures.set(ref, { message, delayMs, retryAt: new Date(this.#now() + delayMs) });
    this.#present.delete(ref);
  }

  /** A container was created from it: it is present (the engine refuses otherwise). */
  used(ref: string): void {
    this.#present.set(ref, this.#now());
  }

  /** The engine said the image is missing after all. */
  missing(ref: string): void {
    this.#present.delete(ref);
  }
}
