// Kubernetes' crash back-off: a container that keeps exiting is restarted after 10 s, then 20 s, 40 s…
// up to 5 minutes; one that ran for 10 minutes before exiting starts again from 10 s.
//
// Pure: the caller keeps one small record per pod container and passes `now`. Deriving the record from the
// exit that caused it (its `finishedAt`) makes it idempotent: the planner may see the same exit on every
// sync, and it must count it once.

export interface BackOffConfig {
  /** The first delay. Kubernetes: 10 s; tests lower it. */
  baseMs: number;
  /** The delay stops doubling here. Kubernetes: 5 min. */
  maxMs: number;
  /** A run at least this long means the container was healthy: the next delay is the base again. */
  resetAfterMs: number;
}

export const DEFAULT_BACK_OFF: BackOffConfig = {
  baseMs: 10_000,
  maxMs: 300_000,
  resetAfterMs: 600_000,
};

/** The back-off of one pod container, as of its last exit. */
export interface BackOffState {
  /** How long after `finishedAt` the container may be started again. */
  delayMs: number;
  /** When the exit that set this delay happened (ms since the epoch); identifies that exit. */
  finishedAt: number;
}

/** One finished run of a container, in ms since the epoch. */
export interface FinishedRun {
  startedAt?: number;
  finishedAt: number;
}

/** The state after `run` ended; seeing the same run again returns `previous` unchanged. */
export function backOffAfterExit(
  previous: BackOffState | undefined,
  run: FinishedRun,
  config: BackOffConfig = DEFAULT_BACK_OFF,
): BackOffState {
  // The same exit again, or an older one seen late: already counted.
  if (previous !== undefined && run.finishedAt <= previous.finishedAt) return previous;
  const ranLongEnough = run.startedAt !== undefined && run.finishedAt - run.startedAt >= config.resetAfterMs;
  if (previous === undefined || ranLongEnough) {
    return { delayMs: Math.min(config.baseMs, config.maxMs), finishedAt: run.finishedAt };
  }
  return { delayMs: Math.min(previous.delayMs * 2, config.maxMs), finishedAt: run.finishedAt };
}

/** The earliest time (ms since the epoch) the container may be started again. */
export function restartAllowedAt(state: BackOffState): number {
  return state.finishedAt + state.delayMs;
}

export function inBackOff(state: BackOffState, now: number): boolean {
  return now < restartAllowedAt(state);
}

/** Kubernetes' wording, for the status message and the BackOff event. */
export function backOffMessage(state: BackOffState, containerName: string, podKey: string): string {
  return `back-off ${formatDelay(state.delayMs)} restarting failed container=${containerName} pod=${podKey}`;
}

function formatDelay(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${ms < 1000 ? ms / 1000 : seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m0s` : `${minutes}m${rest}s`;
}
