// The editor's validation: exactly what `shoal apply` does with a file (shared/manifest/parseManifests.ts,
// which admits every object with shared/model/validate.ts), plus where each error sits in the text so the
// editor can underline the line of the field it names.
import { type Document, parseAllDocuments } from 'yaml';
import { parseManifests } from '../../../../shared/manifest/parseManifests.ts';
import { formatFieldError } from '../../../../shared/model/fieldErrors.ts';
import type { AnyObject } from '../../../../shared/model/types.ts';
import { admitObject } from '../../../../shared/model/validate.ts';
import { locateFieldPath, type PathSegment, parseFieldPath } from './fieldPathLocation.ts';

export interface ManifestError {
  /** As the CLI prints it after the location: `spec.replicas: Invalid value: -1: must be …`. */
  readonly message: string;
  /** The field the message names; '' when it names none (a YAML syntax error, a whole-object error). */
  readonly path: string;
  /** `Deployment "web"`, when the document says that much. */
  readonly subject?: string;
  /** Index of the YAML document, from 0. */
  readonly document: number;
  /** 1-based line of the field (or of its nearest existing parent). */
  readonly line: number;
  /** Offsets in the text: from the field to the end of its line. */
  readonly from: number;
  readonly to: number;
}

export interface ManifestCheck {
  /** The admitted (defaulted) objects, ready for connection.apply; only meaningful when errors is empty. */
  readonly objects: AnyObject[];
  readonly errors: ManifestError[];
}

export interface CheckOptions {
  /** Namespace for objects that name none (the CLI's `-n`, without enforcing it). */
  readonly namespace?: string;
}

// The same YAML options as parseManifests, so document indexes and error positions agree.
const YAML_OPTIONS = { version: '1.1', prettyErrors: true, uniqueKeys: true } as const;

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 1-based line of an offset. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  lineEnd(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl === -1 ? this.text.length : nl;
  }
}

/** The field path of each admission message, recovered by admitting the document's object again. */
function pathsOfMessages(raw: unknown, namespace: string): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const result = admitObject(raw, namespace);
  if (result.ok) return paths;
  for (const e of result.errors) {
    const message = formatFieldError(e);
    paths.set(message, [...(paths.get(message) ?? []), e.path]);
  }
  return paths;
}

/** A message the admission did not produce (`items: Required value`): its leading `path: `, if any. */
function leadingPath(message: string): string {
  return /^([^\s:]+): /.exec(message)?.[1] ?? '';
}

function documentStart(doc: Document.Parsed | undefined): number {
  return doc?.contents?.range?.[0] ?? doc?.range?.[0] ?? 0;
}

/** Validation that threw instead of reporting (a bug): shown as an error at the top, never a crash of the view. */
function internalFailure(err: unknown): ManifestCheck {
  const message = `the manifest could not be checked: ${err instanceof Error ? err.message : String(err)}`;
  return { objects: [], errors: [{ message, path: '', document: 0, line: 1, from: 0, to: 0 }] };
}

export function checkManifestText(text: string, opts: CheckOptions = {}): ManifestCheck {
  try {
    return locateProblems(text, opts);
  } catch (err) {
    return internalFailure(err);
  }
}

function locateProblems(text: string, opts: CheckOptions): ManifestCheck {
  const parsed = parseManifests(text, 'editor', { namespace: opts.namespace });
  const problems = parsed.problems;
  if (problems.length === 0) return { objects: parsed.objects.map((o) => o.object), errors: [] };

  const streamed = parseAllDocuments(text, YAML_OPTIONS);
  const docs: Document.Parsed[] = Array.isArray(streamed) ? streamed : [];
  const lines = new LineIndex(text);
  const namespace = opts.namespace ?? 'default';
  const errors: ManifestError[] = [];
  const at = (offset: number) => ({
    line: lines.lineAt(offset),
    from: offset,
    to: Math.max(offset, lines.lineEnd(offset)),
  });

  for (const problem of problems) {
    const { document, item } = problem.location;
    const doc = docs[document];
    if (doc && doc.errors.length > 0) {
      // YAML syntax errors: parseManifests lists them in the document's order, one message each.
      problem.messages.forEach((message, i) => {
        const offset = doc.errors[i]?.pos[0] ?? documentStart(doc);
        errors.push({ message, path: '', subject: problem.subject, document, ...at(offset) });
      });
      continue;
    }
    const root: unknown = doc?.toJS({ maxAliasCount: 100 });
    const raw = item === undefined ? root : (root as { items?: unknown[] } | null | undefined)?.items?.[item];
    const prefix: PathSegment[] = item === undefined ? [] : ['items', item];
    const paths = pathsOfMessages(raw, namespace);
    for (const message of problem.messages) {
      const path = paths.get(message)?.shift() ?? leadingPath(message);
      const offset = doc ? locateFieldPath(doc, [...prefix, ...parseFieldPath(path)]) : undefined;
      errors.push({
        message,
        path,
        subject: problem.subject,
        document,
        ...at(offset ?? documentStart(doc)),
      });
    }
  }
  errors.sort((a, b) => a.from - b.from);
  return { objects: parsed.objects.map((o) => o.object), errors };
}
