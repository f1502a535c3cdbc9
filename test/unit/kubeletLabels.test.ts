import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContainerIdentity,
  containerLabels,
  engineContainerName,
  groupByPod,
  LABELS,
  parseContainerLabels,
  parseObservedContainers,
  podContainersFilter,
  SANDBOX_CONTAINER_NAME,
} from '../../agent/kubelet/plan/labels.ts';
import type { ObservedContainer } from '../../agent/kubelet/runtime/ContainerRuntime.ts';

const identity: ContainerIdentity = {
  podUid: '6f1c-22',
  podName: 'web',
  namespace: 'default',
  containerName: 'app',
  node: 'node-a',
  role: 'app',
  attempt: 2,
};

const observed = (labels: Record<string, string>, id = 'c1'): ObservedContainer => ({
  id,
  name: id,
  labels,
  image: 'nginx',
  imageId: 'sha256:1',
  state: 'running',
});

describe('container labels', () => {
  it('round-trips an identity', () => {
    expect(parseContainerLabels(containerLabels(identity))).toEqual({ ok: true, identity });
  });

  it('round-trips any identity', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.record({
          podUid: text,
          podName: text,
          namespace: text,
          containerName: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
          node: text,
          role: fc.constantFrom<'init' | 'app'>('init', 'app'),
          attempt: fc.nat(100_000),
        }),
        (id) => {
          expect(parseContainerLabels(containerLabels(id))).toEqual({ ok: true, identity: id });
          expect(engineContainerName(id)).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
        },
      ),
    );
  });

  it('ignores malformed labels, saying why', () => {
    const good = containerLabels(identity);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing/],
      [{ ...good, [LABELS.podUid]: '' }, /podUid/],
      [{ ...good, [LABELS.role]: 'daemon' }, /role/],
      [{ ...good, [LABELS.attempt]: '-1' }, /attempt/],
      [{ ...good, [LABELS.attempt]: '01' }, /attempt/],
      [{ ...good, [LABELS.attempt]: '1e3' }, /attempt/],
      [{ ...good, [LABELS.role]: 'sandbox' }, /does not match/],
      [{ ...good, [LABELS.containerName]: SANDBOX_CONTAINER_NAME }, /does not match/],
    ];
    for (const [labels, reason] of cases) {
      const parsed = parseContainerLabels(labels);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    }
  });

  it('splits observed containers into usable and ignored, and groups them by pod', () => {
    const other = { ...identity, podUid: 'other' };
    const { labelled, ignored } = parseObservedContainers([
      observed(containerLabels(identity), 'a'),
      observed({ foo: 'bar' }, 'b'),
      observed(containerLabels(other), 'c'),
    ]);
    expect(labelled.map((c) => c.container.id)).toEqual(['a', 'c']);
    expect(ignored.map((c) => c.container.id)).toEqual(['b']);
    expect([...groupByPod(labelled).keys()]).toEqual(['6f1c-22', 'other']);
    expect(podContainersFilter('6f1c-22')).toEqual({ labels: { [LABELS.podUid]: '6f1c-22' } });
  });

  it('names engine containers uniquely per attempt', () => {
    expect(engineContainerName(identity)).toBe('shoal_app_web_default_6f1c-22_2');
    expect(engineContainerName({ ...identity, attempt: 3 })).not.toBe(engineContainerName(identity));
  });
});
