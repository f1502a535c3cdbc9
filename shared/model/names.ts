// Names, label keys and values, ports: the rules and messages of k8s.io/apimachinery/pkg/util/validation,
// so a name Kubernetes refuses is refused here with the same words, and the other way round.
import type { FieldError } from './fieldErrors.ts';
import { fieldPath, invalid, tooLong } from './fieldErrors.ts';

/** A non-null, non-array object: what a YAML/JSON mapping decodes to. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const encoder = new TextEncoder();
/** Go's len(): Kubernetes counts bytes of UTF-8, not UTF-16 code units. */
function byteLength(s: string): number {
  return encoder.encode(s).length;
}

const maxLenError = (n: number): string => `must be no more than ${n} characters`;
const emptyError = 'must be non-empty';

/** validation.RegexError, including its quirky `'a',  or 'b', ` punctuation. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

/** IsDNS1123Label: namespaces, most object names that become DNS labels. Empty list means valid. */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label can only be wrong because of its dots.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          dns1123LabelFmt,
          'my-name',
          '123-abc',
        ),
      );
  }
  return errs;
}

/** IsDNS1123Subdomain: most object names (Deployments, ConfigMaps, ...) and label key prefixes. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123SubdomainFmt,
        'example.com',
      ),
    );
  }
  return errs;
}

/** IsDNS1035Label: Service names, which must start with a letter. */
export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) {
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFmt,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errs;
}

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** IsQualifiedName: label and annotation keys, `[prefix/]name`. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push(`prefix part ${emptyError}`);
    else for (const msg of dns1123SubdomainErrors(prefix)) errs.push(`prefix part ${msg}`);
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError}`);
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) {
    errs.push(
      `name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errs;
}

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/** IsValidLabelValue: like a qualified name part, but may be empty. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValueFmt,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

// Kubernetes reports label and annotation errors at the map itself; Shoal names the key
// (`metadata.labels[app.kubernetes.io/name]`) so the offending entry is easy to find.

/** metav1 ValidateLabels. `undefined`/`null` mean "no labels". */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isRecord(labels)) return [invalid(path, labels, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const p = fieldPath(path, key);
    for (const msg of qualifiedNameErrors(key)) errs.push(invalid(p, key, msg));
    if (typeof value !== 'string') {
      errs.push(invalid(p, value, 'must be a string'));
      continue;
    }
    for (const msg of labelValueErrors(value)) errs.push(invalid(p, value, msg));
  }
  return errs;
}

/** TotalAnnotationSizeLimitB: keys and values together, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** apimachinery ValidateAnnotations: keys are qualified names in any case; total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isRecord(annotations)) {
    return [invalid(path, annotations, 'must be a map of string keys to string values')];
  }
  const errs: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const p = fieldPath(path, key);
    // The rule is a qualified name except that case doesn't matter.
    for (const msg of qualifiedNameErrors(key.toLowerCase())) errs.push(invalid(p, key, msg));
    size += byteLength(key);
    if (typeof value !== 'string') errs.push(invalid(p, value, 'must be a string'));
    else size += byteLength(value);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** IsValidPortNum, for container, host and service ports. */
export function validatePortNumber(port: unknown, path: string): FieldError[] {
  if (typeof port !== 'number' || !Number.isInteger(port)) return [invalid(path, port, 'must be an integer')];
  if (port < 1 || port > 65535) return [invalid(path, port, 'must be between 1 and 65535, inclusive')];
  return [];
}

/** IsValidPortName (IANA_SVC_NAME, RFC 6335): named container and service ports. */
export function validatePortName(name: unknown, path: string): FieldError[] {
  if (typeof name !== 'string') return [invalid(path, name, 'must be a string')];
  const msgs: string[] = [];
  if (byteLength(name) > 15) msgs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(name))
    msgs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) msgs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) msgs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) msgs.push('must not begin or end with a hyphen');
  return msgs.map((msg) => invalid(path, name, msg));
}
