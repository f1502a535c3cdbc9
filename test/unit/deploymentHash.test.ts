import { describe, expect, it } from 'vitest';
import {
  resolveFenceposts,
  valueFromIntOrPercent,
} from '../../agent/controllers/deployment/rolloutBounds.ts';
import {
  canonicalJson,
  computeHash,
  equalIgnoreHash,
  fnv32a,
  POD_TEMPLATE_HASH_LABEL,
  safeEncodeString,
} from '../../agent/controllers/podTemplateHash.ts';
import type { PodTemplate } from '../../shared/model/types.ts';
import { deploymentManifest } from './deploymentFixtures.ts';

const template = (image = 'shoal.test/busybox:1'): PodTemplate => ({
  metadata: { labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'app', image }] },
});

const bytes = (s: string) => new TextEncoder().encode(s);

describe('pod-template hash', () => {
  it('is FNV-32a', () => {
    expect(fnv32a(0x811c9dc5, bytes(''))).toBe(0x811c9dc5);
    expect(fnv32a(0x811c9dc5, bytes('a'))).toBe(0xe40c292c);
    expect(fnv32a(0x811c9dc5, bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('renders digits with the vowel-free alphabet (SafeEncodeString)', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    expect(computeHash(template())).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('depends on the template only, not on the order its fields were written in', () => {
    const reordered: PodTemplate = {
      spec: { containers: [{ image: 'shoal.test/busybox:1', name: 'app' }] },
      metadata: { labels: { tier: 'front', app: 'web' } },
    };
    expect(computeHash(reordered)).toBe(computeHash(template()));
    expect(canonicalJson(reordered)).toBe(canonicalJson(template()));
    expect(computeHash(template('shoal.test/busybox:2'))).not.toBe(computeHash(template()));
  });

  it('changes with the collision count', () => {
    const hashes = new Set([undefined, 0, 1, 2].map((n) => computeHash(template(), n)));
    expect(hashes.size).toBe(4);
    expect(computeHash(template(), 1)).toBe(computeHash(template(), 1));
  });

  it('counts a restart annotation as a template change, and ignores its own label when comparing', () => {
    const restarted = template();
    restarted.metadata = {
      ...restarted.metadata,
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-06-01T12:00:00Z' },
    };
    expect(computeHash(restarted)).not.toBe(computeHash(template()));
    expect(equalIgnoreHash(restarted, template())).toBe(false);
    const hashed = template();
    hashed.metadata = { labels: { ...hashed.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: 'abc' } };
    expect(equalIgnoreHash(hashed, template())).toBe(true);
  });

  it('keeps an empty map distinct from a missing one (emptyDir: {})', () => {
    const withVolume = (emptyDir: boolean): PodTemplate => ({
      ...template(),
      spec: {
        containers: [{ name: 'app', image: 'x' }],
        volumes: [{ name: 'scratch', ...(emptyDir ? { emptyDir: {} } : {}) }],
      },
    });
    expect(computeHash(withVolume(true))).not.toBe(computeHash(withVolume(false)));
  });
});

describe('rollout bounds', () => {
  it('rounds surge up and unavailability down', () => {
    expect(valueFromIntOrPercent('25%', 10, true)).toBe(3);
    expect(valueFromIntOrPercent('25%', 10, false)).toBe(2);
    expect(valueFromIntOrPercent(4, 10, false)).toBe(4);
    expect(valueFromIntOrPercent('0%', 10, true)).toBe(0);
  });

  it('makes maxUnavailable 1 when both resolve to 0', () => {
    const strategy = { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 0, maxUnavailable: '1%' } };
    expect(resolveFenceposts(deploymentManifest({ replicas: 10, strategy }))).toEqual({
      maxSurge: 0,
      maxUnavailable: 1,
    });
    expect(resolveFenceposts(deploymentManifest({ replicas: 4 }))).toEqual({
      maxSurge: 1,
      maxUnavailable: 1,
    });
  });
});
