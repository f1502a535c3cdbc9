// Entry points of validation. The full per-kind schemas land in ./schemas; until then only the envelope is checked.
import type { FieldError } from './fieldErrors.ts';
import { required, unsupported } from './fieldErrors.ts';
import { KINDS, isKind } from './kinds.ts';
import type { KubeObject } from './meta.ts';

export type ValidationResult = { ok: true; object: KubeObject } | { ok: false; errors: FieldError[] };

/** Checks an object as stored (already defaulted). Used on every value read from the cluster document. */
export function validateObject(raw: unknown): ValidationResult {
  const errors: FieldError[] = [];
  if (typeof raw !== 'object' || raw === null) return { ok: false, errors: [required('')] };
  const o = raw as Record<string, unknown>;
  if (!isKind(o.kind)) errors.push(unsupported('kind', o.kind, KINDS));
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof meta?.name !== 'string' || meta.name === '') errors.push(required('metadata.name'));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, object: raw as KubeObject };
}
