// Turns the JSON sections of a document entry into a validated, frozen KubeObject, and objects back into
// JSON sections. Everything read here came from some peer: every failure is a FieldError, never a throw.
import type { FieldError } from '../model/fieldErrors.ts';
import { invalid, required } from '../model/fieldErrors.ts';
import { KIND_INFO } from '../model/kinds.ts';
import type { KubeObject, ObjectMeta } from '../model/meta.ts';
import { validateObject } from '../model/validate.ts';
import type { ParsedKey } from './documentSchema.ts';

export type ParsedSection = { ok: true; value: unknown } | { ok: false; error: FieldError };

export function parseSection(path: string, text: string | undefined): ParsedSection {
  if (text === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: invalid(path, text.slice(0, 40), `not valid JSON (${(e as Error).message})`) };
  }
}

export type AssembleResult = { ok: true; object: KubeObject } | { ok: false; errors: FieldError[] };

const RESOURCE_VERSION = /^(0|[1-9][0-9]{0,15})$/;

/** Fields an object has outside its body section. */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** Every top-level field but apiVersion, kind, metadata and status; undefined when there is none. */
export function bodyOf(obj: object): Record<string, unknown> | undefined {
  const body = Object.fromEntries(
    Object.entries(obj).filter(([field, value]) => !ENVELOPE_FIELDS.has(field) && value !== undefined),
  );
  return Object.keys(body).length > 0 ? body : undefined;
}

/**
 * Builds the object an entry stands for. The key is the identity: metadata must agree with it. The object's
 * resourceVersion is the larger of the metadata's and the status's (see documentSchema.ts).
 */
export function assembleObject(
  key: ParsedKey,
  metadata: unknown,
  body: unknown,
  status: unknown,
  statusResourceVersion: number,
): AssembleResult {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return { ok: false, errors: [required('metadata', 'must be an object')] };
  }
  const meta = metadata as ObjectMeta;
  const errors: FieldError[] = [];
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    errors.push(invalid('body', typeof body, 'must be an object of top-level fields'));
  } else {
    for (const field of Object.keys(body ?? {}).filter((f) => ENVELOPE_FIELDS.has(f))) {
      errors.push(invalid(field, field, 'must not be stored in the body section'));
    }
  }
  if (meta.name !== key.name)
    errors.push(invalid('metadata.name', meta.name, `must be "${key.name}" as in its key`));
  if ((meta.namespace || undefined) !== key.namespace) {
    errors.push(
      invalid('metadata.namespace', meta.namespace, `must be ${JSON.stringify(key.namespace)} as in its key`),
    );
  }
  const rv = meta.resourceVersion;
  if (typeof rv !== 'string' || !RESOURCE_VERSION.test(rv)) {
    errors.push(invalid('metadata.resourceVersion', rv, 'must be a decimal integer'));
  }
  if (errors.length > 0) return { ok: false, errors };
  const objectRv = Math.max(Number(rv), statusResourceVersion);
  const raw: Record<string, unknown> = {
    apiVersion: KIND_INFO[key.kind].apiVersion,
    kind: key.kind,
    metadata: { ...meta, resourceVersion: String(objectRv) },
    ...(body as Record<string, unknown> | undefined),
  };
  if (status !== undefined) raw.status = status;
  const checked = validateObject(raw);
  if (!checked.ok) return checked;
  return { ok: true, object: deepFreeze(checked.object) };
}

/** JSON text of a section, or an InvalidObjectError-ready FieldError for values JSON cannot represent. */
export function encodeSection(
  path: string,
  value: unknown,
): { ok: true; text: string } | { ok: false; error: FieldError } {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return { ok: true, text };
  } catch {
    // BigInt or a cycle: reported below like any other unrepresentable value.
  }
  return { ok: false, error: invalid(path, typeof value, 'must be representable as JSON') };
}

/** Frozen so that a caller editing a returned object cannot corrupt the index every reader shares. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Key-order-insensitive JSON equality, with JSON's view of undefined properties (absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
