// Runs one probe (liveness, readiness or startup) of one run of one container, on Kubernetes' schedule:
// the first attempt once initialDelaySeconds have passed since the container started, then one every
// periodSeconds (never two at once: a slow attempt delays the next), each limited to timeoutSeconds.
//
// The result starts as Kubernetes' does (readiness false, liveness true, startup not yet) and changes per
// successThreshold / failureThreshold. A liveness or startup probe that reaches its failureThreshold
// stops probing: the container will be killed, and its next run gets a new worker.
// A startup probe that succeeded stops too: it has done its job for this run.

import type { ContainerRuntime } from '../runtime/ContainerRuntime.ts';
import type { ProbeTarget } from '../sync/podSyncDeps.ts';
import { applyProbeAttempt, type ThresholdState } from './probeThresholds.ts';
import type { Probe, ProbeKind, ProbeOutcome } from './probeTypes.ts';
import { runProbe } from './runProbe.ts';

export interface ProbeWorkerOptions {
  kind: ProbeKind;
  probe: Probe;
  /** The container's latest target: its pod IP may become known after the worker started. */
  target: () => ProbeTarget;
  runtime: ContainerRuntime;
  /** Length of one of the probe's seconds, in ms. */
  msPerSecond: number;
  /** False while a startup probe has not succeeded: liveness and readiness wait for it. */
  mayProbe: () => boolean;
  /** After each attempt, once the thresholds have been applied. */
  onAttempt: (worker: ProbeWorker, outcome: ProbeOutcome) => void;
}

// Kubernetes' defaults, in case a probe reaches the prober without the model's defaults applied.
const DEFAULT_PERIOD_SECONDS = 10;
const DEFAULT_TIMEOUT_SECONDS = 1;
const DEFAULT_FAILURE_THRESHOLD = 3;
const DEFAULT_SUCCESS_THRESHOLD = 1;

export class ProbeWorker {
  readonly kind: ProbeKind;
  readonly #o: ProbeWorkerOptions;
  #state: ThresholdState;
  /** Reached its failureThreshold (liveness, startup): the container must be restarted. */
  #failed = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: AbortController | undefined;

  constructor(options: ProbeWorkerOptions) {
    this.kind = options.kind;
    this.#o = options;
    this.#state = { value: options.kind === 'liveness', run: 0 };
  }

  /** The probe's current result: ready, alive, started. */
  get value(): boolean {
    return this.#state.value;
  }

  /** A liveness or startup probe that failed failureThreshold times in a row. */
  get failed(): boolean {
    return this.#failed;
  }

  start(): void {
    this.#schedule(this.#untilInitialDelay());
  }

  /** Probes as soon as the initial delay allows, rather than at the next period (startup just passed). */
  probeSoon(): void {
    if (!this.#active() || this.#inFlight) return;
    this.#schedule(this.#untilInitialDelay());
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort();
  }

  #active(): boolean {
    return !this.#stopped && !this.#failed && !(this.kind === 'startup' && this.#state.value);
  }

  #untilInitialDelay(): number {
    const due =
      this.#o.target().startedAt.getTime() + (this.#o.probe.initialDelaySeconds ?? 0) * this.#o.msPerSecond;
    return Math.max(0, due - Date.now());
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
    // Probes alone must not keep the agent's process alive.
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    if (!this.#active()) return;
    const began = Date.now();
    if (this.#o.mayProbe()) await this.#attempt();
    const periodMs = (this.#o.probe.periodSeconds ?? DEFAULT_PERIOD_SECONDS) * this.#o.msPerSecond;
    if (this.#active() && this.#timer === undefined) {
      this.#schedule(Math.max(0, began + periodMs - Date.now()));
    }
  }

  async #attempt(): Promise<void> {
    const abort = new AbortController();
    this.#inFlight = abort;
    const target = this.#o.target();
    const probe = this.#o.probe;
    let outcome: ProbeOutcome;
    try {
      outcome = await runProbe({
        probe,
        container: target.container,
        containerId: target.containerId,
        ...(target.podIP !== undefined ? { podIP: target.podIP } : {}),
        runtime: this.#o.runtime,
        timeoutMs: (probe.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * this.#o.msPerSecond,
        signal: abort.signal,
      });
    } catch (err) {
      outcome = { result: 'error', message: err instanceof Error ? err.message : String(err) };
    } finally {
      this.#inFlight = undefined;
    }
    if (this.#stopped) return;
    if (outcome.result !== 'error') {
      const success = outcome.result === 'success';
      const failureThreshold = probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
      this.#state = applyProbeAttempt(this.#state, success, {
        successThreshold: probe.successThreshold ?? DEFAULT_SUCCESS_THRESHOLD,
        failureThreshold,
      });
      if (this.kind !== 'readiness' && !success && this.#state.run >= failureThreshold) this.#failed = true;
    }
    this.#o.onAttempt(this, outcome);
  }
}
