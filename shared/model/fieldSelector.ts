// kubectl `--field-selector` strings (k8s.io/apimachinery/pkg/fields): `status.phase=Running,spec.nodeName!=`.
// Kubernetes only offers a few fields per kind; Shoal reads any dotted path of the object, and a missing
// field reads as the empty string, as an unscheduled pod's `spec.nodeName` does in Kubernetes.
import { isRecord } from './names.ts';

export type FieldSelectorOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  /** Dotted path, e.g. `metadata.name`. */
  field: string;
  operator: FieldSelectorOperator;
  /** Unescaped value. */
  value: string;
}

export type FieldSelectorParseResult =
  | { ok: true; selector: FieldRequirement[] }
  | { ok: false; error: string };

/** `!=` and `==` are tried before `=`, so `a!=b` is not read as `a!` `=` `b`. */
const OPERATORS: readonly FieldSelectorOperator[] = ['!=', '==', '='];
const FIELD_PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Splits on commas that are not escaped with a backslash (splitTerms). */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** UnescapeValue: `\\`, `\,` and `\=` are the only escapes; bare `,` and `=` are refused. */
function unescapeValue(s: string): { ok: true; value: string } | { ok: false; error: string } {
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        return { ok: false, error: `invalid field selector: invalid escape sequence: \\${c}` };
      }
      out += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=') {
      return { ok: false, error: `invalid field selector: unescaped character in value: ${c}` };
    } else out += c;
  }
  if (escaped) return { ok: false, error: 'invalid field selector: invalid escape sequence: \\' };
  return { ok: true, value: out };
}

/** splitTerm: the first operator found splits the term, since field names cannot contain one. */
function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    const operator = OPERATORS.find((op) => term.startsWith(op, i));
    if (operator !== undefined)
      return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
  }
  return undefined;
}

/** fields.ParseSelector. The empty string selects everything. Whitespace is not trimmed, as in Kubernetes. */
export function parseFieldSelector(s: string): FieldSelectorParseResult {
  const selector: FieldRequirement[] = [];
  for (const term of s === '' ? [] : splitTerms(s)) {
    if (term === '') continue;
    const req = splitTerm(term);
    if (req === undefined)
      return { ok: false, error: `invalid selector: '${s}'; can't understand '${term}'` };
    if (!FIELD_PATH_RE.test(req.field))
      return { ok: false, error: `field label not supported: ${req.field}` };
    const value = unescapeValue(req.value);
    if (!value.ok) return value;
    selector.push({ ...req, value: value.value });
  }
  return { ok: true, selector };
}

/** The field as Kubernetes' field sets show it: scalars as text, missing or null as ''; objects match nothing. */
function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isRecord(cur) || !Object.hasOwn(cur, part)) return '';
    cur = cur[part];
  }
  if (cur === undefined || cur === null) return '';
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return undefined;
}

/** All requirements hold; no requirements select everything. */
export function matchesFieldSelector(parsed: readonly FieldRequirement[], obj: unknown): boolean {
  return parsed.every((r) => {
    const equal = fieldValue(obj, r.field) === r.value;
    return r.operator === '!=' ? !equal : equal;
  });
}
