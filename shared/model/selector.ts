// Label selectors: the structured form of manifests (metav1.LabelSelector), map selectors of Services,
// and kubectl's `-l` strings (k8s.io/apimachinery/pkg/labels), with Kubernetes' rules and messages.
import type { FieldError } from './fieldErrors.ts';
import {
  fieldPath,
  forbidden,
  formatFieldError,
  invalid,
  required,
  unknownField,
  unsupported,
} from './fieldErrors.ts';
import { isRecord, labelValueErrors, qualifiedNameErrors, validateLabels } from './names.ts';

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
export const LABEL_SELECTOR_OPERATORS: readonly LabelSelectorOperator[] = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
];

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** selection.Operator, spelled as in selector strings (`exists` and `!` are the unary ones). */
export type SelectionOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!';

/** One parsed requirement (labels.Requirement). `values` is sorted and free of duplicates. */
export interface LabelRequirement {
  key: string;
  operator: SelectionOperator;
  values: string[];
}

const SELECTOR_FIELDS = new Set(['matchLabels', 'matchExpressions']);
const REQUIREMENT_FIELDS = new Set(['key', 'operator', 'values']);

/** metav1 ValidateLabelSelector. `undefined`/`null` (no selector) is valid here; callers decide if required. */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isRecord(sel)) return [invalid(path, sel, 'must be an object')];
  const errs: FieldError[] = [];
  for (const key of Object.keys(sel)) {
    if (!SELECTOR_FIELDS.has(key)) errs.push(unknownField(fieldPath(path, key)));
  }
  errs.push(...validateLabels(sel.matchLabels, fieldPath(path, 'matchLabels')));
  const exprs = sel.matchExpressions;
  const exprsPath = fieldPath(path, 'matchExpressions');
  if (exprs === undefined || exprs === null) return errs;
  if (!Array.isArray(exprs)) return [...errs, invalid(exprsPath, exprs, 'must be a list')];
  for (const [i, expr] of exprs.entries()) errs.push(...validateRequirement(expr, fieldPath(exprsPath, i)));
  return errs;
}

function validateRequirement(expr: unknown, path: string): FieldError[] {
  if (!isRecord(expr)) return [invalid(path, expr, 'must be an object')];
  const errs: FieldError[] = [];
  for (const key of Object.keys(expr)) {
    if (!REQUIREMENT_FIELDS.has(key)) errs.push(unknownField(fieldPath(path, key)));
  }
  const valuesPath = fieldPath(path, 'values');
  const values = expr.values ?? [];
  const count = Array.isArray(values) ? values.length : 0;
  const op = expr.operator;
  if (op === undefined) errs.push(required(fieldPath(path, 'operator')));
  else if (op === 'In' || op === 'NotIn') {
    if (count === 0) errs.push(required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (count > 0) {
      errs.push(forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  } else errs.push(unsupported(fieldPath(path, 'operator'), op, LABEL_SELECTOR_OPERATORS));

  const keyPath = fieldPath(path, 'key');
  if (expr.key === undefined) errs.push(required(keyPath));
  else if (typeof expr.key !== 'string') errs.push(invalid(keyPath, expr.key, 'must be a string'));
  else for (const msg of qualifiedNameErrors(expr.key)) errs.push(invalid(keyPath, expr.key, msg));

  if (!Array.isArray(values)) return [...errs, invalid(valuesPath, values, 'must be a list of strings')];
  values.forEach((v: unknown, i) => {
    const p = fieldPath(valuesPath, i);
    if (typeof v !== 'string') errs.push(invalid(p, v, 'must be a string'));
    else for (const msg of labelValueErrors(v)) errs.push(invalid(p, v, msg));
  });
  return errs;
}

const OPERATOR_OF: Record<LabelSelectorOperator, SelectionOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: `undefined` (nil) selects nothing, `{}` selects everything, and a
 * selector that is not valid (bad operator, key or values) selects nothing.
 */
function labelSelectorAsRequirements(sel: LabelSelector | undefined): LabelRequirement[] | undefined {
  if (sel === undefined || sel === null) return undefined;
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    reqs.push({ key, operator: '=', values: [value] });
  }
  for (const expr of sel.matchExpressions ?? []) {
    // Stored data may hold any operator; an own-property check keeps `toString` from being one.
    if (!Object.hasOwn(OPERATOR_OF, expr.operator)) return undefined;
    reqs.push({ key: expr.key, operator: OPERATOR_OF[expr.operator], values: [...(expr.values ?? [])] });
  }
  if (reqs.some((r) => requirementError(r) !== undefined)) return undefined;
  return reqs;
}

export function matchesLabelSelector(
  sel: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const reqs = labelSelectorAsRequirements(sel);
  return reqs !== undefined && matchesParsedSelector(reqs, labels);
}

/** Service / ReplicationController selectors: every pair must be present. An empty map matches everything. */
export function matchesEquality(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labelOf(labels, k) === v);
}

/** Own properties only, so a label named `constructor` is not found on every object. */
function labelOf(labels: Record<string, string> | undefined, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** labels.Requirement.Matches. Absent labels satisfy `!=` and `notin`, as in Kubernetes. */
function matchesRequirement(r: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const value = labelOf(labels, r.key);
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && r.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!':
      return value === undefined;
  }
}

/** All requirements hold; no requirements select everything. */
export function matchesParsedSelector(
  reqs: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return reqs.every((r) => matchesRequirement(r, labels));
}

/** validateLabelKey: all of a key's problems in one error. */
function keyError(key: string, path: string): FieldError | undefined {
  const msgs = qualifiedNameErrors(key);
  return msgs.length === 0 ? undefined : invalid(path, key, msgs.join('; '));
}

/** labels.NewRequirement's checks, as one message (`key: Invalid value: ...`), or undefined. */
function requirementError(r: LabelRequirement): string | undefined {
  const errs: FieldError[] = [];
  const keyErr = keyError(r.key, 'key');
  if (keyErr !== undefined) errs.push(keyErr);
  const n = r.values.length;
  if ((r.operator === 'in' || r.operator === 'notin') && n === 0) {
    errs.push(invalid('values', r.values, "for 'in', 'notin' operators, values set can't be empty"));
  } else if ((r.operator === '=' || r.operator === '==' || r.operator === '!=') && n !== 1) {
    errs.push(invalid('values', r.values, 'exact-match compatibility requires one single value'));
  } else if ((r.operator === 'exists' || r.operator === '!') && n !== 0) {
    errs.push(invalid('values', r.values, 'values set must be empty for exists and does not exist'));
  }
  r.values.forEach((v, i) => {
    const msgs = labelValueErrors(v);
    if (msgs.length > 0) errs.push(invalid(`values[${i}][${r.key}]`, v, msgs.join('; ')));
  });
  if (errs.length === 0) return undefined;
  const messages = errs.map(formatFieldError);
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

/** Requirement.String: `a=b`, `!a`, `a in (x,y)`. */
function formatRequirement(r: LabelRequirement): string {
  const values = [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

/** metav1.FormatLabelSelector, as kubectl describe shows it: `app=web,tier in (a,b)`, `<none>`, `<error>`. */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  if (sel !== undefined && sel !== null) {
    const reqs = labelSelectorAsRequirements(sel);
    if (reqs === undefined) return '<error>';
    const s = formatParsedSelector(reqs);
    if (s !== '') return s;
  }
  return '<none>';
}

/** internalSelector.String: requirements sorted by key, joined by commas. */
export function formatParsedSelector(reqs: readonly LabelRequirement[]): string {
  return [...reqs]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(formatRequirement)
    .join(',');
}

// ---- kubectl `-l` strings: a port of the lexer and parser of k8s.io/apimachinery/pkg/labels ----

type TokenKind = 'ident' | 'eos' | ',' | '(' | ')' | '!' | '=' | '==' | '!=' | 'in' | 'notin' | '>' | '<';
interface Token {
  kind: TokenKind;
  lit: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(s: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && WHITESPACE.has(s.charAt(pos))) pos++;
    if (pos >= s.length) {
      tokens.push({ kind: 'eos', lit: '' });
      return tokens;
    }
    const ch = s.charAt(pos);
    if (SPECIAL.has(ch)) {
      // Longest match: `==` and `!=` are the only two-character symbols.
      const two = s.slice(pos, pos + 2);
      const lit = two === '==' || two === '!=' ? two : ch;
      tokens.push({ kind: lit as TokenKind, lit });
      pos += lit.length;
      continue;
    }
    const start = pos;
    while (pos < s.length && !SPECIAL.has(s.charAt(pos)) && !WHITESPACE.has(s.charAt(pos))) pos++;
    const lit = s.slice(start, pos);
    tokens.push({ kind: lit === 'in' || lit === 'notin' ? lit : 'ident', lit });
  }
}

/** `in` and `notin` are keywords only where an operator is expected; elsewhere they are plain words. */
type Context = 'values' | 'operator';

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  lookahead(ctx: Context): Token {
    const t = this.tokens[this.pos] ?? { kind: 'eos', lit: '' };
    return ctx === 'values' && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'ident', lit: t.lit } : t;
  }

  consume(ctx: Context): Token {
    const t = this.lookahead(ctx);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
}

class ParseError extends Error {}
const fail = (message: string): never => {
  throw new ParseError(message);
};

const BINARY_OPERATORS = 'in, notin, =, ==, !=';

function parseRequirement(p: Parser): LabelRequirement {
  let t = p.consume('values');
  let unary: SelectionOperator | undefined;
  if (t.kind === '!') {
    unary = '!';
    t = p.consume('values');
  }
  if (t.kind !== 'ident') fail(`found '${t.lit}', expected: identifier`);
  const key = t.lit;
  const keyErr = keyError(key, '');
  if (keyErr !== undefined) fail(formatFieldError(keyErr));
  const next = p.lookahead('values').kind;
  if (next === 'eos' || next === ',') unary ??= 'exists';
  if (unary !== undefined) return checked({ key, operator: unary, values: [] });

  const op = p.consume('operator');
  switch (op.kind) {
    case 'in':
    case 'notin':
      return checked({ key, operator: op.kind, values: parseValues(p) });
    case '=':
    case '==':
    case '!=':
      return checked({ key, operator: op.kind, values: [parseExactValue(p)] });
    default:
      return fail(`found '${op.lit}', expected: ${BINARY_OPERATORS}`);
  }
}

function checked(r: LabelRequirement): LabelRequirement {
  const err = requirementError(r);
  return err === undefined ? r : fail(err);
}

/** `(a,b)`; `()`, `(,)` and `(a,,b)` stand for the empty value, as in Kubernetes. */
function parseValues(p: Parser): string[] {
  const open = p.consume('values');
  if (open.kind !== '(') fail(`found '${open.lit}' expected: '('`);
  const first = p.lookahead('values');
  if (first.kind === ')') {
    p.consume('values');
    return [''];
  }
  if (first.kind !== 'ident' && first.kind !== ',')
    fail(`found '${first.lit}', expected: ',', ')' or identifier`);
  const values = new Set<string>();
  for (;;) {
    const t = p.consume('values');
    if (t.kind === 'ident') {
      values.add(t.lit);
      const after = p.lookahead('values');
      if (after.kind === ')') break;
      if (after.kind !== ',') fail(`found '${after.lit}', expected: ',' or ')'`);
    } else if (t.kind === ',') {
      if (values.size === 0) values.add('');
      const after = p.lookahead('values');
      if (after.kind === ')') {
        values.add('');
        break;
      }
      if (after.kind === ',') {
        p.consume('values');
        values.add('');
      }
    } else {
      fail(`found '${t.lit}', expected: ',', or identifier`);
    }
  }
  const close = p.consume('values');
  if (close.kind !== ')') fail(`found '${close.lit}', expected: ')'`);
  return [...values].sort();
}

/** The value after `=`, `==` or `!=`; nothing (`a=`) means the empty value. */
function parseExactValue(p: Parser): string {
  const next = p.lookahead('values');
  if (next.kind === 'eos' || next.kind === ',') return '';
  const t = p.consume('values');
  return t.kind === 'ident' ? t.lit : fail(`found '${t.lit}', expected: identifier`);
}

export type LabelSelectorParseResult =
  | { ok: true; selector: LabelRequirement[] }
  | { ok: false; error: string };

/** labels.Parse: `app=web,tier!=db`, `env in (prod,qa)`, `!canary`, `gpu`. The empty string selects everything. */
export function parseLabelSelectorString(s: string): LabelSelectorParseResult {
  const p = new Parser(lex(s));
  const reqs: LabelRequirement[] = [];
  try {
    for (;;) {
      const t = p.lookahead('values');
      if (t.kind === 'eos') break;
      if (t.kind !== 'ident' && t.kind !== '!')
        fail(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(parseRequirement(p));
      } catch (e) {
        throw e instanceof ParseError ? new ParseError(`unable to parse requirement: ${e.message}`) : e;
      }
      const sep = p.consume('values');
      if (sep.kind === 'eos') break;
      if (sep.kind !== ',') fail(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const after = p.lookahead('values');
      if (after.kind !== 'ident' && after.kind !== '!')
        fail(`found '${after.lit}', expected: identifier after ','`);
    }
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
  // Sorted by key like Kubernetes' internalSelector, so equal selectors print the same.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ok: true, selector: reqs };
}
