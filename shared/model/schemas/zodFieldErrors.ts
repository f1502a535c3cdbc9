// Turns zod's issues into Kubernetes-style field errors, and lets leaf checks written as
// `(value) => FieldError[]` run inside a zod schema so that every error of a manifest is reported at once.
import type { z } from 'zod';
import type { FieldError } from '../fieldErrors.ts';
import { formatFieldError, invalid, required, unknownField, unsupported } from '../fieldErrors.ts';

/** Joins a zod path and a path relative to it (`[app]`, `image`, `` ``) into `spec.containers[0].image`. */
export function joinPath(zodPath: readonly PropertyKey[], relative = ''): string {
  let out = '';
  for (const key of zodPath) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const k = String(key);
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (out === '' ? k : `.${k}`) : `[${k}]`;
    }
  }
  if (relative === '') return out;
  if (relative.startsWith('[') || out === '') return out + relative;
  return `${out}.${relative}`;
}

/** Attaches a check that reports Kubernetes field errors (paths relative to the checked value). */
export function withCheck<T extends z.ZodType>(schema: T, check: (value: z.output<T>) => FieldError[]): T {
  return schema.superRefine((value, ctx) => {
    for (const error of check(value)) {
      ctx.addIssue({ code: 'custom', message: formatFieldError(error), params: { fieldError: error } });
    }
  }) as unknown as T;
}

function describeExpected(expected: string): string {
  if (expected === 'int') return 'must be an integer';
  if (expected === 'record' || expected === 'object') return 'must be an object';
  if (expected === 'array') return 'must be a list';
  return `must be a ${expected}`;
}

export function issueToFieldErrors(issue: z.core.$ZodIssue): FieldError[] {
  const path = joinPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return [required(path)];
      return [invalid(path, issue.input, describeExpected(issue.expected))];
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownField(joinPath([...issue.path, key])));
    case 'invalid_value':
      return [
        unsupported(
          path,
          issue.input,
          issue.values.map((v) => String(v)),
        ),
      ];
    case 'too_small':
      return [
        invalid(
          path,
          issue.input,
          issue.origin === 'array'
            ? `must have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`
            : issue.origin === 'string'
              ? 'must not be empty'
              : `must be greater than ${issue.inclusive ? 'or equal to ' : ''}${issue.minimum}`,
        ),
      ];
    case 'too_big':
      return [
        invalid(
          path,
          issue.input,
          `must be less than ${issue.inclusive ? 'or equal to ' : ''}${issue.maximum}`,
        ),
      ];
    case 'custom': {
      const fe = issue.params?.fieldError as FieldError | undefined;
      if (fe) return [{ ...fe, path: joinPath(issue.path, fe.path) }];
      return [invalid(path, issue.input, issue.message)];
    }
    case 'invalid_union':
      return [invalid(path, issue.input, issue.message)];
    default:
      return [invalid(path, issue.input, issue.message)];
  }
}

/** Kubernetes decodes `null` as "not set": drop null members of objects before structural checks. */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = stripNulls(v);
    return out;
  }
  return value;
}
