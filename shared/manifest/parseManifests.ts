// Manifest text (multi-document YAML, JSON, `kind: List`) to admitted objects, with every error located by
// source, document index and field path. Pure: no file system, so the desktop editor validates the same way.
import { parseAllDocuments } from 'yaml';
import { formatFieldError } from '../model/fieldErrors.ts';
import type { AnyObject } from '../model/types.ts';
import { admitObject } from '../model/validate.ts';

export interface ManifestLocation {
  /** File path, `-` for standard input, or a name the caller chose. */
  readonly source: string;
  /** Index of the YAML document in the source, from 0. */
  readonly document: number;
  /** Index in a `kind: List`'s items, when the object came from one. */
  readonly item?: number;
  /** 1-based line of the document's (or item's) start, when known. */
  readonly line?: number;
}

export interface ManifestObject {
  readonly location: ManifestLocation;
  readonly object: AnyObject;
}

export interface ManifestProblem {
  readonly location: ManifestLocation;
  /** `Deployment "web"`, when the document says that much. */
  readonly subject?: string;
  readonly messages: readonly string[];
}

export interface ParsedManifests {
  readonly objects: ManifestObject[];
  readonly problems: ManifestProblem[];
}

export interface ParseOptions {
  /** Namespace given for objects that name none (kubectl's `-n`). */
  readonly namespace?: string;
  /** With an explicit `-n`, an object in another namespace is an error, as in kubectl. */
  readonly enforceNamespace?: boolean;
}

function describeSubject(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as { kind?: unknown; metadata?: { name?: unknown } };
  if (typeof o.kind !== 'string') return undefined;
  return typeof o.metadata?.name === 'string' ? `${o.kind} "${o.metadata.name}"` : o.kind;
}

export function formatLocation(l: ManifestLocation): string {
  const item = l.item === undefined ? '' : `, item ${l.item}`;
  const line = l.line === undefined ? '' : ` (line ${l.line})`;
  return `${l.source}: document ${l.document}${item}${line}`;
}

/** `deploy.yaml: document 1 (line 12), Deployment "web": spec.replicas: Invalid value: -1: ...` */
export function formatProblem(p: ManifestProblem): string[] {
  const where = p.subject ? `${formatLocation(p.location)}, ${p.subject}` : formatLocation(p.location);
  return p.messages.map((m) => `${where}: ${m}`);
}

function admit(raw: unknown, location: ManifestLocation, opts: ParseOptions, out: ParsedManifests): void {
  const namespace = opts.namespace ?? 'default';
  const result = admitObject(raw, namespace);
  const subject = describeSubject(raw);
  if (!result.ok) {
    out.problems.push({ location, subject, messages: result.errors.map(formatFieldError) });
    return;
  }
  const ns = result.object.metadata.namespace;
  if (opts.enforceNamespace && ns !== undefined && ns !== namespace) {
    out.problems.push({
      location,
      subject,
      messages: [
        `the namespace from the provided object "${ns}" does not match the namespace "${namespace}". You must pass '--namespace=${ns}' to perform this operation.`,
      ],
    });
    return;
  }
  out.objects.push({ location, object: result.object });
}

export function parseManifests(text: string, source: string, opts: ParseOptions = {}): ParsedManifests {
  const out: ParsedManifests = { objects: [], problems: [] };
  // YAML 1.1, as Kubernetes reads manifests: `defaultMode: 0644` is octal, `yes` is true.
  const docs = parseAllDocuments(text, { version: '1.1', prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
  let index = 0;
  for (const doc of list) {
    const document = index++;
    const location: ManifestLocation = {
      source,
      document,
      line: lineOf(doc.contents?.range?.[0] ?? doc.range?.[0]),
    };
    if (doc.errors.length > 0) {
      out.problems.push({ location, messages: doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`) });
      continue;
    }
    const raw: unknown = doc.toJS({ maxAliasCount: 100 });
    if (raw === null || raw === undefined) continue; // an empty document, e.g. after a trailing `---`
    const o = raw as { kind?: unknown; items?: unknown };
    if (
      typeof raw === 'object' &&
      (o.kind === 'List' || (typeof o.kind === 'string' && o.kind.endsWith('List')))
    ) {
      if (!Array.isArray(o.items)) {
        out.problems.push({ location, subject: String(o.kind), messages: ['items: Required value'] });
        continue;
      }
      for (const [item, child] of o.items.entries()) admit(child, { ...location, item }, opts, out);
      continue;
    }
    admit(raw, location, opts, out);
  }
  return out;
}
