// Runs the leader's controllers while this agent leads (DESIGN.md: level-triggered, one batched change per
// tick). Document changes only enqueue keys; a tick takes every dirty key, reconciles it against the
// store's current snapshot, and applies all the actions of the tick together. Keys whose writes failed
// (a conflict with a newer object, say) are reconciled again on the next tick; every key is resynced
// periodically, and a controller may ask for a key again after a delay (deadlines, minReadySeconds).
//
// Stepping down stops the ticks at once: a deposed leader writes nothing more (its term also fences what
// it wrote last, see agent/kubelet/sync/fencing.ts).

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { EventRecorder } from '../events/EventRecorder.ts';
import { applyActions, describeAction } from './applyActions.ts';
import type { Controller, ControllerAction, ControllerContext } from './controllerTypes.ts';

export interface ControllerManagerOptions {
  store: ClusterStore;
  recorder: EventRecorder;
  logger: Logger;
  controllers: readonly Controller[];
  /** Every key of every controller is reconciled this often; default 10 s. */
  resyncMs?: number;
  now?: () => Date;
}

const DEFAULT_RESYNC_MS = 10_000;
const FAILED_WRITE_RETRY_MS = 200;
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // Kubernetes' name-suffix alphabet: no vowels, no look-alikes

export function randomSuffix(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export class ControllerManager {
  readonly #o: ControllerManagerOptions;
  readonly #dirty = new Map<Controller, Set<string>>();
  readonly #delayed = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  #term = 0;
  #leading = false;
  #unwatch: (() => void) | undefined;
  #resync: NodeJS.Timeout | undefined;
  #scheduled: NodeJS.Immediate | undefined;
  #ticking: Promise<void> | undefined;

  constructor(opts: ControllerManagerOptions) {
    this.#o = opts;
    for (const c of opts.controllers) this.#dirty.set(c, new Set());
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** Starts reconciling as the leader of `term`; idempotent (a new term just updates the stamp). */
  lead(term: number): void {
    this.#term = term;
    if (this.#leading) return;
    this.#leading = true;
    this.#unwatch = this.#o.store.watch(undefined, (event) => {
      for (const c of this.#o.controllers) {
        for (const key of c.keysFor(event.object, this.#o.store)) this.#enqueue(c, key);
      }
    });
    this.#resync = setInterval(() => this.#enqueueAll(), this.#o.resyncMs ?? DEFAULT_RESYNC_MS);
    this.#resync.unref();
    this.#enqueueAll();
  }

  /** Stops at once; a tick in progress writes nothing more after its current batch. */
  stepDown(): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#unwatch?.();
    clearInterval(this.#resync);
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const keys of this.#dirty.values()) keys.clear();
  }

  /** Resolves once no tick is running (tests). */
  async idle(): Promise<void> {
    while (this.#ticking || this.#scheduled) await (this.#ticking ?? new Promise((r) => setImmediate(r)));
  }

  #enqueueAll(): void {
    for (const c of this.#o.controllers) for (const key of c.allKeys(this.#o.store)) this.#enqueue(c, key);
  }

  #enqueue(controller: Controller, key: string): void {
    if (!this.#leading) return;
    this.#dirty.get(controller)?.add(key);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#ticking || !this.#leading) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
        if ([...this.#dirty.values()].some((keys) => keys.size > 0)) this.#schedule();
      });
    });
  }

  async #tick(): Promise<void> {
    const now = this.#o.now?.() ?? new Date();
    const ctx: ControllerContext = { view: this.#o.store, now, term: this.#term, randomSuffix };
    const planned: Array<{ controller: Controller; key: string; actions: ControllerAction[] }> = [];
    for (const [controller, keys] of this.#dirty) {
      const batch = [...keys];
      keys.clear();
      for (const key of batch) {
        try {
          const result = controller.reconcile(key, ctx);
          if (result.actions.length > 0) planned.push({ controller, key, actions: result.actions });
          if (result.requeueAfterMs !== undefined) this.#requeueAfter(controller, key, result.requeueAfterMs);
        } catch (err) {
          // A bug or an object the planner cannot handle: say so, and do not let it stop the others.
          this.#o.logger.error({ err, controller: controller.name, key }, 'reconcile failed');
        }
      }
    }
    if (!this.#leading || planned.length === 0) return;
    const actions = planned.flatMap((p) => p.actions);
    const failures = await applyActions(this.#o.store, this.#o.recorder, actions);
    for (const f of failures) {
      const owner = planned.find((p) => p.actions.includes(f.action));
      this.#o.logger.debug({ err: f.error, action: describeAction(f.action) }, 'controller write failed');
      // Again soon, not at once: a write that keeps failing must not spin the leader.
      if (owner) this.#requeueAfter(owner.controller, owner.key, FAILED_WRITE_RETRY_MS);
    }
  }

  /** One pending timer per key, the earliest asked for: resyncs must not pile up timers. */
  #requeueAfter(controller: Controller, key: string, ms: number): void {
    const id = `${controller.name}\u0000${key}`;
    const at = Date.now() + Math.max(0, ms);
    const pending = this.#delayed.get(id);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(id);
      this.#enqueue(controller, key);
    }, at - Date.now());
    timer.unref();
    this.#delayed.set(id, { timer, at });
  }
}
