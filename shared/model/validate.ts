// The one place an object from outside becomes a typed Shoal object: structure (zod schemas, every error at
// once), then Kubernetes' defaults, then the rules that tie fields together.

import { applyDefaults } from './defaults.ts';
import type { FieldError } from './fieldErrors.ts';
import { forbidden, required, unsupported } from './fieldErrors.ts';
import { isKind, KIND_INFO, KINDS, type Kind } from './kinds.ts';
import { OBJECT_SCHEMAS } from './schemas/objects.ts';
import { issueToFieldErrors, stripNulls } from './schemas/zodFieldErrors.ts';
import { validatePodSpec } from './semantics/pod.ts';
import { validateService } from './semantics/service.ts';
import {
  validateDaemonSet,
  validateDeployment,
  validateJob,
  validateReplicaSet,
} from './semantics/workloads.ts';
import type { AnyObject } from './types.ts';

export type ValidationResult = { ok: true; object: AnyObject } | { ok: false; errors: FieldError[] };

function checkStructure(raw: unknown): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      errors: [{ path: '', type: 'Invalid', value: raw, detail: 'an object must be a mapping' }],
    };
  }
  const o = raw as Record<string, unknown>;
  if (o.kind === undefined) return { ok: false, errors: [required('kind')] };
  if (!isKind(o.kind)) return { ok: false, errors: [unsupported('kind', o.kind, KINDS)] };
  const info = KIND_INFO[o.kind];
  if (o.apiVersion === undefined) return { ok: false, errors: [required('apiVersion')] };
  if (o.apiVersion !== info.apiVersion)
    return { ok: false, errors: [unsupported('apiVersion', o.apiVersion, [info.apiVersion])] };
  const schema = OBJECT_SCHEMAS[o.kind];
  // Valid objects (every read from the document) take the fast path; only a failure is parsed again with
  // the offending values attached, which error messages need and which costs ~40% more.
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detailed = schema.safeParse(raw, { reportInput: true });
    const issues = detailed.success ? parsed.error.issues : detailed.error.issues;
    return { ok: false, errors: issues.flatMap(issueToFieldErrors) };
  }
  return { ok: true, object: parsed.data as AnyObject };
}

function checkMetadata(obj: AnyObject, kind: Kind): FieldError[] {
  const errors: FieldError[] = [];
  if (!obj.metadata.name && !obj.metadata.generateName) {
    errors.push(required('metadata.name', 'name or generateName is required'));
  }
  if (!KIND_INFO[kind].namespaced && obj.metadata.namespace) {
    errors.push(forbidden('metadata.namespace', `not allowed: ${kind} is not namespaced`));
  }
  return errors;
}

function checkRules(obj: AnyObject): FieldError[] {
  const errors = checkMetadata(obj, obj.kind);
  switch (obj.kind) {
    case 'Pod':
      return [...errors, ...validatePodSpec(obj.spec, 'spec')];
    case 'ReplicaSet':
      return [...errors, ...validateReplicaSet(obj)];
    case 'Deployment':
      return [...errors, ...validateDeployment(obj)];
    case 'DaemonSet':
      return [...errors, ...validateDaemonSet(obj)];
    case 'Job':
      return [...errors, ...validateJob(obj)];
    case 'Service':
      return [...errors, ...validateService(obj)];
    default:
      return errors;
  }
}

/**
 * Runs the cross-field rules on an object whose structure is wrong, so that a user sees every problem at once
 * (a selector that does not match its template as well as a missing image). A rule that trips over a part the
 * structural errors already name is skipped; errors on paths already reported are not repeated.
 */
function bestEffortRules(input: unknown, reported: readonly FieldError[]): FieldError[] {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (!isKind(kind) || reported.some((e) => e.path === 'kind' || e.path === 'apiVersion')) return [];
  let extra: FieldError[];
  try {
    extra = checkRules(applyDefaults(input as AnyObject));
  } catch {
    return [];
  }
  const seen = new Set(reported.map((e) => e.path));
  return extra.filter(
    (e) => ![...seen].some((p) => e.path === p || e.path.startsWith(`${p}.`) || e.path.startsWith(`${p}[`)),
  );
}

/**
 * Admits an object a user wrote (a manifest document): nulls mean "not set", defaults are applied,
 * and every error is returned at once with its field path.
 */
export function admitObject(raw: unknown, defaultNamespace = 'default'): ValidationResult {
  const input = stripNulls(raw);
  const structural = checkStructure(input);
  if (!structural.ok)
    return { ok: false, errors: [...structural.errors, ...bestEffortRules(input, structural.errors)] };
  const object = applyDefaults(structural.object, defaultNamespace);
  const errors = checkRules(object);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, object };
}

/** Checks an object as stored (already admitted and defaulted). Used on every value read from the document. */
export function validateObject(raw: unknown): ValidationResult {
  const structural = checkStructure(raw);
  if (!structural.ok) return structural;
  const errors = checkRules(structural.object);
  if (!structural.object.metadata.name) errors.push(required('metadata.name'));
  return errors.length > 0 ? { ok: false, errors } : structural;
}
