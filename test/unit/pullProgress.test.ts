// Pull progress: the engine's per-layer events summed into one line, told at most once per interval; and
// how `shoal apply --wait` judges a pod from its status.
import { describe, expect, it } from 'vitest';
import { judgePod } from '../../agent/cli/waitForPods.ts';
import { PullProgressLine } from '../../agent/kubelet/sync/pullProgress.ts';
import type { Pod } from '../../shared/model/types.ts';

const MB = 1024 * 1024;

describe('PullProgressLine', () => {
  it('sums downloads over layers and counts finished ones', () => {
    const p = new PullProgressLine(1000);
    expect(p.update({ status: 'Pulling fs layer', layer: 'a' }, 0)).toBe('0 of 1 layers done');
    expect(
      p.update({ status: 'Downloading', layer: 'a', current: 5 * MB, total: 10 * MB }, 100),
    ).toBeUndefined();
    p.update({ status: 'Downloading', layer: 'b', current: 1 * MB, total: 30 * MB }, 200);
    expect(p.update({ status: 'Pull complete', layer: 'a' }, 1500)).toBe(
      '11.0 MB of 40.0 MB, 1 of 2 layers done',
    );
  });

  it('says nothing before any layer is known', () => {
    expect(new PullProgressLine().update({ status: 'Pulling from x' }, 0)).toBeUndefined();
  });
});

function pod(status: Pod['status']): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] }, status } as Pod;
}

describe('judgePod', () => {
  it('is done when Running and Ready, or Succeeded', () => {
    expect(judgePod(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })).state).toBe(
      'ok',
    );
    expect(judgePod(pod({ phase: 'Succeeded' })).state).toBe('ok');
  });
  it('keeps waiting through back-off, and names the reason', () => {
    const p = pod({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'a',
          ready: false,
          restartCount: 0,
          image: 'x',
          state: { waiting: { reason: 'ImagePullBackOff' } },
        },
      ],
    });
    expect(judgePod(p)).toEqual({ state: 'waiting', line: 'ImagePullBackOff' });
  });
  it('gives up on a pod that cannot start without the user', () => {
    const p = pod({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'a',
          ready: false,
          restartCount: 0,
          image: 'x',
          state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "c" not found' } },
        },
      ],
    });
    expect(judgePod(p)).toEqual({
      state: 'failed',
      line: 'CreateContainerConfigError: configmap "c" not found',
    });
    expect(judgePod(pod({ phase: 'Failed' })).state).toBe('failed');
  });
});
