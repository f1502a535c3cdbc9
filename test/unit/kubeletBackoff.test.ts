import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BackOffState,
  backOffAfterExit,
  backOffMessage,
  DEFAULT_BACK_OFF,
  inBackOff,
  restartAllowedAt,
} from '../../agent/kubelet/plan/backoff.ts';

/** Crashes after running `ranMs`, one after the other, and returns the delays. */
function delays(runs: number[]): number[] {
  let state: BackOffState | undefined;
  let t = 1_000_000;
  const out: number[] = [];
  for (const ranMs of runs) {
    const startedAt = state ? restartAllowedAt(state) : t;
    t = startedAt + ranMs;
    state = backOffAfterExit(state, { startedAt, finishedAt: t });
    out.push(state.delayMs);
  }
  return out;
}

describe('crash back-off', () => {
  it('starts at 10 s and doubles up to 5 minutes', () => {
    expect(delays(Array(8).fill(1000))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('starts over after a run of 10 minutes', () => {
    expect(delays([1000, 1000, 1000, 600_000, 1000])).toEqual([10_000, 20_000, 40_000, 10_000, 20_000]);
  });

  it('counts each exit once, however often it is seen', () => {
    const first = backOffAfterExit(undefined, { startedAt: 0, finishedAt: 5000 });
    expect(backOffAfterExit(first, { startedAt: 0, finishedAt: 5000 })).toBe(first);
    // An older exit seen late changes nothing either.
    expect(backOffAfterExit(first, { startedAt: 0, finishedAt: 4000 })).toBe(first);
  });

  it('holds the restart until the delay has passed', () => {
    const state = backOffAfterExit(undefined, { finishedAt: 50_000 });
    expect(inBackOff(state, 59_999)).toBe(true);
    expect(inBackOff(state, 60_000)).toBe(false);
  });

  it('takes a configurable base so tests run fast', () => {
    const config = { ...DEFAULT_BACK_OFF, baseMs: 50 };
    const first = backOffAfterExit(undefined, { finishedAt: 1 }, config);
    expect(backOffAfterExit(first, { finishedAt: 100 }, config).delayMs).toBe(100);
  });

  it('never exceeds the cap, whatever the runs', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1_000_000), { maxLength: 30 }), (runs) => {
        for (const d of delays(runs)) {
          expect(d).toBeGreaterThanOrEqual(DEFAULT_BACK_OFF.baseMs);
          expect(d).toBeLessThanOrEqual(DEFAULT_BACK_OFF.maxMs);
        }
      }),
    );
  });

  it('words the message as Kubernetes does', () => {
    expect(backOffMessage({ delayMs: 20_000, finishedAt: 0 }, 'app', 'default/web')).toBe(
      'back-off 20s restarting failed container=app pod=default/web',
    );
    expect(backOffMessage({ delayMs: 300_000, finishedAt: 0 }, 'app', 'default/web')).toMatch(
      /back-off 5m0s/,
    );
  });
});
