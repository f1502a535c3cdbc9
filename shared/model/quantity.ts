// Resource quantities (`500m`, `128Mi`, `1.5`, `1e3`) as k8s.io/apimachinery/pkg/api/resource parses them.
// Amounts are computed exactly in BigInt nano-units, because Kubernetes rounds non-zero amounts up to the
// nearest nano and MilliValue/Value round up: float arithmetic would get `0.3` cores wrong by one millicore.
import type { FieldError } from './fieldErrors.ts';
import { invalid } from './fieldErrors.ts';

/** A quantity kept exactly as the user wrote it; parse it when the amount is needed. */
export type Quantity = string;

export type QuantityParseResult = { ok: true; value: number } | { ok: false; error: string };

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE_STRING}'`;
const ERR_SUFFIX = "unable to parse quantity's suffix";
const ERR_TOO_LARGE = 'quantity is too large';

// Same grammar as Kubernetes' hand-written scanner (parseQuantityString): sign, digits, optional
// fraction, then suffix letters with an optional signed exponent. Like Kubernetes it accepts `1.`, `.5`, `+`.
const SCAN_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const DECIMAL_SUFFIXES = new Map<string, number>([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
/** Powers of 1024. */
const BINARY_SUFFIXES = new Map<string, number>([
  ['Ki', 1],
  ['Mi', 2],
  ['Gi', 3],
  ['Ti', 4],
  ['Pi', 5],
  ['Ei', 6],
]);

const NANO = 10n ** 9n;
/** Kubernetes caps binary-suffixed amounts at MaxInt64 base units. */
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * NANO;

interface Exact {
  negative: boolean;
  /** Magnitude in nano-units (1e-9 core, 1e-9 byte), rounded up like Kubernetes. */
  nanos: bigint;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function parseExact(input: unknown): Exact | string {
  let str: string;
  if (typeof input === 'number') {
    // A bare YAML/JSON number is parsed from its text, as Quantity.UnmarshalJSON does.
    if (!Number.isFinite(input)) return ERR_FORMAT_WRONG;
    str = String(input);
  } else if (typeof input === 'string') {
    str = input;
  } else {
    return 'quantities must be a string or a number';
  }
  const m = SCAN_RE.exec(str);
  if (str === '' || m === null) return ERR_FORMAT_WRONG;
  const negative = m[1] === '-';
  const num = m[2] ?? '';
  const denom = m[3] ?? '';
  const suffix = m[4] ?? '';

  let exp10 = 0;
  let pow1024 = 0;
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  const binary = BINARY_SUFFIXES.get(suffix);
  if (decimal !== undefined) exp10 = decimal;
  else if (binary !== undefined) pow1024 = binary;
  else if (/^[eE][-+]?[0-9]+$/.test(suffix)) exp10 = Number(suffix.slice(1));
  else return ERR_SUFFIX;

  const digits = BigInt(`0${num}${denom}`);
  if (digits === 0n) return { negative: false, nanos: 0n };
  // value = digits * 1024^pow1024 * 10^(exp10 - denom.length); in nanos, shift by 9 more.
  const shift = exp10 - denom.length + 9;
  if (digits.toString().length + shift > 300 + 9) return ERR_TOO_LARGE;
  const scaled = digits * 1024n ** BigInt(pow1024);
  let nanos: bigint;
  if (shift >= 0) nanos = scaled * 10n ** BigInt(shift);
  // Anything below one nano rounds up to one nano; skip the huge power of ten.
  else if (-shift > scaled.toString().length) nanos = 1n;
  else nanos = ceilDiv(scaled, 10n ** BigInt(-shift));
  if (binary !== undefined && nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
  return { negative, nanos };
}

/** Parses a quantity; `value` is the amount in base units (cores, bytes). */
export function parseQuantity(input: unknown): QuantityParseResult {
  const exact = parseExact(input);
  if (typeof exact === 'string') return { ok: false, error: exact };
  // Through the decimal text, so the number is the closest double to the exact amount.
  return { ok: true, value: Number(`${exact.negative ? '-' : ''}${exact.nanos}e-9`) };
}

/** Rounds a nano amount to `unitNanos`, away from zero, as Kubernetes' ScaledValue does. */
function roundUp(q: string | number, unitNanos: bigint): number {
  const exact = parseExact(q);
  if (typeof exact === 'string') throw new Error(`invalid quantity ${JSON.stringify(q)}: ${exact}`);
  const units = Number(ceilDiv(exact.nanos, unitNanos));
  return exact.negative ? -units : units;
}

/** MilliValue: `250m` is 250, `1.5` is 1500, `1n` is 1. Throws on an invalid quantity; validate first. */
export function toMillicores(q: string | number): number {
  return roundUp(q, 10n ** 6n);
}

/** Value: `128Mi` is 134217728, `1.5` is 2. Throws on an invalid quantity; validate first. */
export function toBytes(q: string | number): number {
  return roundUp(q, NANO);
}

/** A resource quantity in a manifest: well formed and not negative (ValidateNonnegativeQuantity). */
export function validateQuantity(value: unknown, path: string): FieldError[] {
  const exact = parseExact(value);
  if (typeof exact === 'string') return [invalid(path, value, exact)];
  if (exact.negative && exact.nanos > 0n) return [invalid(path, value, 'must be greater than or equal to 0')];
  return [];
}

const BINARY_NAMES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Bytes for display, in the largest binary unit that keeps it exact: `128Mi`, `1536Mi`, `1000`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let m = Math.ceil(Math.abs(n));
  let k = 0;
  while (k < BINARY_NAMES.length - 1 && m >= 1024 && m % 1024 === 0) {
    m /= 1024;
    k++;
  }
  return m === 0 ? '0' : `${sign}${m}${BINARY_NAMES[k]}`;
}

/** Millicores for display as Kubernetes prints CPU: `250m`, `1500m`, `2`. */
export function formatMillicores(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const m = Math.ceil(Math.abs(n));
  if (m === 0) return '0';
  return m % 1000 === 0 ? `${sign}${m / 1000}` : `${sign}${m}m`;
}
