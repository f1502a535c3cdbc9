// Field errors in the words Kubernetes uses (k8s.io/apimachinery/pkg/util/validation/field),
// so a message reads `spec.template.spec.containers[0].image: Required value` on Shoal as on Kubernetes.

export type FieldErrorType =
  | 'Required'
  | 'Invalid'
  | 'Unsupported'
  | 'Forbidden'
  | 'TooLong'
  | 'Duplicate'
  | 'NotFound'
  | 'Unknown';

export interface FieldError {
  /** Path of the field, e.g. `spec.template.spec.containers[0].image`. Empty for the document itself. */
  readonly path: string;
  readonly type: FieldErrorType;
  /** Offending value, shown for Invalid/Unsupported/Duplicate. */
  readonly value?: unknown;
  /** Why it is wrong, or the supported values. */
  readonly detail?: string;
}

/** Appends a key or index to a field path: `field(field('spec', 'containers'), 0)` is `spec.containers[0]`. */
export function fieldPath(parent: string, child: string | number): string {
  if (typeof child === 'number') return `${parent}[${child}]`;
  // Keys that are not plain identifiers (label keys, annotation keys) are shown in brackets, as Kubernetes does.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(child)) return `${parent}[${child}]`;
  return parent === '' ? child : `${parent}.${child}`;
}

export const required = (path: string, detail?: string): FieldError => ({ path, type: 'Required', detail });
export const invalid = (path: string, value: unknown, detail: string): FieldError => ({
  path,
  type: 'Invalid',
  value,
  detail,
});
export const unsupported = (path: string, value: unknown, supported: readonly string[]): FieldError => ({
  path,
  type: 'Unsupported',
  value,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
export const forbidden = (path: string, detail: string): FieldError => ({ path, type: 'Forbidden', detail });
export const duplicate = (path: string, value: unknown): FieldError => ({ path, type: 'Duplicate', value });
export const tooLong = (path: string, value: unknown, max: number): FieldError => ({
  path,
  type: 'TooLong',
  value,
  detail: `must have at most ${max} bytes`,
});
export const notFound = (path: string, value: unknown): FieldError => ({ path, type: 'NotFound', value });
/** A field Shoal does not know or does not support; never silently dropped. */
export const unknownField = (path: string, detail = 'field not supported by Shoal'): FieldError => ({
  path,
  type: 'Unknown',
  detail,
});

function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

const typeWords: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  Unsupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  Duplicate: 'Duplicate value',
  NotFound: 'Not found',
  Unknown: 'Unknown field',
};

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0` */
export function formatFieldError(e: FieldError): string {
  const words = typeWords[e.type];
  const parts = [words];
  if (e.type === 'Invalid' || e.type === 'Unsupported' || e.type === 'Duplicate' || e.type === 'NotFound') {
    parts.push(showValue(e.value));
  }
  if (e.detail) parts.push(e.detail);
  const message = parts.join(': ');
  return e.path === '' ? message : `${e.path}: ${message}`;
}
