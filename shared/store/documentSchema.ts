// The shape of the cluster document, and the checks that turn one of its entries into plain text sections.
//
//   { schemaVersion: 1,
//     objects: { 'Pod/default/web': { metadata: ImmutableString, body?: ImmutableString,
//                                      status?: ImmutableString, statusResourceVersion?: number },
//                'Node/node-1': { ... } } }
//
// `body` holds every top-level field but apiVersion, kind, metadata and status: `{"spec": {...}}` for most
// kinds, `{"data": {...}}` for a ConfigMap, the event fields for an Event. It is the part `updateSpec`
// replaces (Kubernetes' PUT), kept whole like the spec, so kinds without a spec need no special case.
//
// Why this shape:
// - Each section is one whole value (JSON in an ImmutableString), so a write replaces the whole spec or the
//   whole status, as in Kubernetes, and concurrent writes to one section resolve last-writer-wins, the same
//   way on every peer. Nested Automerge maps would merge field by field into objects nobody wrote, and cost
//   ~25x more to create (bench/document.ts measures both).
// - metadata, body (spec) and status are separate values, so the kubelet writing a status never conflicts
//   with a user editing labels or the spec. A status write therefore does not touch metadata: it records
//   its resourceVersion in `statusResourceVersion`, and an object's resourceVersion is the larger of that
//   and `metadata.resourceVersion`.
// - `objects` is one flat map keyed `Kind/namespace/name` (`Kind/name` when cluster-scoped) and created with
//   the document. Per-kind maps would be created lazily, and two peers creating `objects.Pod` concurrently
//   would make two maps of which only one survives the merge, losing the other peer's objects.
// - Each entry is a map, created whole by `create`: writes to a section land in that map, so a status written
//   concurrently with a delete-and-recreate lands in the deleted object, not in its successor.
// - apiVersion is not stored: Shoal writes one apiVersion per kind (KIND_INFO).
//
// Encodings compared on a 2-core machine, @automerge/automerge 3.5, 1,000 ~1 KB pods put in one change:
// three ImmutableStrings ~140 ms; three Uint8Arrays of UTF-8 JSON ~140 ms and the same size (but opaque in
// tools); one ImmutableString for the whole object ~60 ms (but then a status write and a spec edit
// conflict); nested maps ~2,300 ms. Three ImmutableStrings is the cheapest encoding that keeps the sections
// separate. A status write is two puts (status, statusResourceVersion): ~0.12 ms per update in a batch of
// 100 against ~0.08 ms for one put, the price of keeping the status JSON exactly the object's status.
import type { ImmutableString } from '@automerge/automerge';
import { isKind, KIND_INFO, type Kind } from '../model/kinds.ts';

export const SCHEMA_VERSION = 1;

export interface DocumentEntry {
  metadata: ImmutableString;
  body?: ImmutableString;
  status?: ImmutableString;
  statusResourceVersion?: number;
}

export interface ClusterDocument {
  schemaVersion: number;
  objects: Record<string, DocumentEntry>;
}

export function initialClusterDocument(): ClusterDocument {
  return { schemaVersion: SCHEMA_VERSION, objects: {} };
}

export function documentKey(kind: Kind, namespace: string | undefined, name: string): string {
  return KIND_INFO[kind].namespaced ? `${kind}/${namespace ?? ''}/${name}` : `${kind}/${name}`;
}

export interface ParsedKey {
  kind: Kind;
  namespace: string | undefined;
  name: string;
}

/** Names and namespaces never contain `/` (they are DNS labels/subdomains), so the split is unambiguous. */
export function parseDocumentKey(key: string): ParsedKey | undefined {
  const parts = key.split('/');
  const kind = parts[0];
  if (!isKind(kind)) return undefined;
  if (KIND_INFO[kind].namespaced) {
    const [, namespace, name] = parts;
    if (parts.length !== 3 || !namespace || !name) return undefined;
    return { kind, namespace, name };
  }
  const name = parts[1];
  if (parts.length !== 2 || !name) return undefined;
  return { kind, namespace: undefined, name };
}

/** One entry as text, after type checks and before JSON parsing. */
export interface EntryText {
  metadata: string;
  body: string | undefined;
  status: string | undefined;
  statusResourceVersion: number;
}

/** How a backend stores a section's text: ImmutableString in Automerge, a plain string in memory. */
export type TextOf = (value: unknown) => string | undefined;

export type ReadEntryResult = { ok: true; entry: EntryText } | { ok: false; errors: string[] };

export function readEntry(value: unknown, textOf: TextOf): ReadEntryResult {
  if (typeof value !== 'object' || value === null) return { ok: false, errors: ['entry is not a map'] };
  const raw = value as Record<string, unknown>;
  const errors: string[] = [];
  const section = (name: 'metadata' | 'body' | 'status', isRequired: boolean): string | undefined => {
    const v = raw[name];
    if (v === undefined && !isRequired) return undefined;
    const text = textOf(v);
    if (text === undefined) errors.push(`${name}: expected JSON text in an immutable string`);
    return text;
  };
  const metadata = section('metadata', true);
  const body = section('body', false);
  const status = section('status', false);
  const rv = raw.statusResourceVersion ?? 0;
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv < 0) {
    errors.push('statusResourceVersion: expected a non-negative integer');
  }
  if (errors.length > 0 || metadata === undefined) return { ok: false, errors };
  return { ok: true, entry: { metadata, body, status, statusResourceVersion: rv as number } };
}
