// Cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParse and friends).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import {
  formatBytes,
  formatMillicores,
  parseQuantity,
  toBytes,
  toMillicores,
  validateQuantity,
} from '../../shared/model/quantity.ts';

const FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const Ki = 1024;
const Mi = Ki * 1024;
const Gi = Mi * 1024;
const Ti = Gi * 1024;
/** Binary quantities are capped at MaxInt64 bytes; as a double that is 2^63. */
const MAX_INT64 = Number(2n ** 63n - 1n);

function value(q: unknown): number {
  const r = parseQuantity(q);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('parseQuantity', () => {
  it.each([
    ...['0', '0n', '0u', '0m', '0Ki', '0k', '0Mi', '0M', '0Gi', '0G', '0Ti', '0T', '-0', '000'].map((s) => [
      s,
      0,
    ]),
    ['1', 1],
    ['1Ki', Ki],
    ['8Ki', 8 * Ki],
    ['7Mi', 7 * Mi],
    ['6Gi', 6 * Gi],
    ['5Ti', 5 * Ti],
    ['4Pi', 4 * Ti * Ki],
    ['3Ei', 3 * Ti * Mi],
    ['100Ti', 100 * Ti],
    ['5n', 5e-9],
    ['4u', 4e-6],
    ['3m', 0.003],
    ['9', 9],
    ['8k', 8000],
    ['50k', 50000],
    ['7M', 7e6],
    ['6G', 6e9],
    ['5T', 5e12],
    ['300T', 3e14],
    ['2P', 2e15],
    ['1E', 1e18],
    ['1E-3', 0.001],
    ['1e3', 1000],
    ['1E6', 1e6],
    ['1e9', 1e9],
    ['1E18', 1e18],
    ['100.035k', 100035],
    ['0.001', 0.001],
    ['0.0005k', 0.5],
    ['0.5', 0.5],
    ['0.00050k', 0.5],
    ['0.5e-2', 0.005],
    ['10.035M', 10035000],
    ['1.2e3', 1200],
    ['1.3E+6', 1.3e6],
    ['1.40e9', 1.4e9],
    ['1.53E12', 1.53e12],
    ['1.7E18', 1.7e18],
    ['9.01', 9.01],
    ['8.1k', 8100],
    ['7.123456M', 7123456],
    ['6.987654321G', 6987654321],
    ['5.444T', 5.444e12],
    ['2.5P', 2.5e15],
    ['1.01E', 1.01e18],
    ['12E', 12e18],
    // Things that saturate or round: up to the nano, binary capped at MaxInt64.
    ['3.001n', 4e-9],
    ['1.1E-9', 2e-9],
    ['0.0000000001', 1e-9],
    ['0.5e-9', 1e-9],
    ['0.9n', 1e-9],
    ['0.00000012345', 124e-9],
    ['9Ei', MAX_INT64],
    ['9223372036854775807Ki', MAX_INT64],
    ['100.035Ki', 102435.84],
    ['0.5Mi', 0.5 * Mi],
    ['0.05Gi', 53687091.2],
    ['0.025Ti', 27487790694.4],
    // Things written by trolls.
    ['0.000000000001Ki', 2e-9],
    ['.001', 0.001],
    ['.0001k', 0.1],
    ['1.', 1],
    ['1.G', 1e9],
    ['+5', 5],
    ['-5m', -0.005],
  ] as [string, number][])('%s is %d', (input, expected) => {
    expect(value(input)).toBe(expected);
  });

  it.each([
    [0.5, 0.5],
    [2, 2],
    [1e21, 1e21],
    [1e-7, 1e-7],
    [-1, -1],
  ])('accepts the number %d', (n, expected) => expect(value(n)).toBe(expected));

  it.each([
    ['1.1.M', FORMAT_WRONG],
    ['1+1.0M', FORMAT_WRONG],
    ['0.1mi', "unable to parse quantity's suffix"],
    ['0.1am', FORMAT_WRONG],
    ['aoeu', FORMAT_WRONG],
    ['.5i', "unable to parse quantity's suffix"],
    ['1i', "unable to parse quantity's suffix"],
    ['-3.01i', "unable to parse quantity's suffix"],
    ['-3.01e-', "unable to parse quantity's suffix"],
    ['1K', "unable to parse quantity's suffix"],
    ['1KB', FORMAT_WRONG],
    ['1e', "unable to parse quantity's suffix"],
    [' 1', FORMAT_WRONG],
    ['1 ', FORMAT_WRONG],
    ['', FORMAT_WRONG],
    ['1Gi\n', FORMAT_WRONG],
  ])('refuses %j', (input, error) => {
    expect(parseQuantity(input)).toEqual({ ok: false, error });
  });

  it('refuses what is not a string or a number', () => {
    for (const v of [null, undefined, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(parseQuantity(v).ok).toBe(false);
    }
  });
});

describe('toMillicores and toBytes round up like MilliValue and Value', () => {
  it.each([
    ['250m', 250],
    ['1.5', 1500],
    ['0.3', 300],
    ['0.1', 100],
    ['2', 2000],
    [0.5, 500],
    ['1n', 1],
    ['100u', 1],
    ['1e3', 1_000_000],
  ] as [string | number, number][])('%j is %d millicores', (q, m) => expect(toMillicores(q)).toBe(m));

  it.each([
    ['128Mi', 128 * Mi],
    ['1Gi', Gi],
    ['1.5', 2],
    ['1k', 1000],
    ['0.1Gi', 107374183],
    ['500m', 1],
    [1024, 1024],
  ] as [string | number, number][])('%j is %d bytes', (q, b) => expect(toBytes(q)).toBe(b));

  it('throws on an invalid quantity', () => {
    expect(() => toBytes('1 GB')).toThrow(/quantities must match/);
  });
});

describe('validateQuantity', () => {
  it('accepts resource amounts', () => {
    for (const q of ['500m', '1', 2, '128Mi', '0']) expect(validateQuantity(q, 'cpu')).toEqual([]);
  });
  it("gives Kubernetes' message for a malformed quantity", () => {
    expect(
      validateQuantity('1 GB', 'spec.containers[0].resources.limits.memory').map(formatFieldError),
    ).toEqual([`spec.containers[0].resources.limits.memory: Invalid value: "1 GB": ${FORMAT_WRONG}`]);
  });
  it('refuses negative quantities', () => {
    expect(validateQuantity('-1', 'cpu').map(formatFieldError)).toEqual([
      'cpu: Invalid value: "-1": must be greater than or equal to 0',
    ]);
    expect(validateQuantity(-0.5, 'cpu')).toHaveLength(1);
  });
});

describe('formatting for display', () => {
  it.each([
    [0, '0'],
    [128 * Mi, '128Mi'],
    [1.5 * Gi, '1536Mi'],
    [Gi, '1Gi'],
    [1000, '1000'],
    [1023, '1023'],
    [2048, '2Ki'],
    [1.5, '2'],
  ])('formatBytes(%d) is %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it.each([
    [0, '0'],
    [250, '250m'],
    [1000, '1'],
    [1500, '1500m'],
    [2000, '2'],
  ])('formatMillicores(%d) is %s', (n, s) => expect(formatMillicores(n)).toBe(s));

  it('formatBytes round-trips through parsing', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => toBytes(formatBytes(n)) === n));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 23 }), fc.integer({ min: 0, max: 30 }), (m, shift) => {
        const n = m * 2 ** shift;
        return toBytes(formatBytes(n)) === n;
      }),
    );
  });

  it('formatMillicores round-trips through parsing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => toMillicores(formatMillicores(n)) === n),
    );
  });

  it('a decimal number of cores is read exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (m) => {
        const text = `${Math.floor(m / 1000)}.${String(m % 1000).padStart(3, '0')}`;
        return toMillicores(text) === m;
      }),
    );
  });
});
