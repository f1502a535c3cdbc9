// The engine's container states, folded into the few the kubelet decides on.

import type { ObservedContainer } from '../runtime/ContainerRuntime.ts';

/**
 * - `running`: the process is alive (paused and engine-restarting count: they hold the pod's slot).
 * - `created`: created, never started; the kubelet starts it rather than creating another.
 * - `exited`: ran and stopped (or died); it has an exit code to judge.
 * - `gone`: being removed; treated as absent.
 */
export type RunState = 'running' | 'created' | 'exited' | 'gone';

export function runState(c: ObservedContainer): RunState {
  switch (c.state) {
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'created':
      return 'created';
    case 'exited':
    case 'dead':
      return 'exited';
    case 'removing':
      return 'gone';
  }
}

/** A dead container without an exit code did not succeed. */
export function exitCodeOf(c: ObservedContainer): number {
  return c.exitCode ?? (c.oomKilled ? 137 : 1);
}
