// The in-memory mirror of the document's objects, so reads never touch Automerge or parse JSON. It is fed
// one changed key at a time and re-parses only the sections whose text changed; it turns each change into
// the watch event it implies, and keeps the list of values it had to skip.
import { formatFieldError } from '../model/fieldErrors.ts';
import type { Kind } from '../model/kinds.ts';
import type { KubeObject } from '../model/meta.ts';
import type { StoreProblem, WatchEvent } from './ClusterStore.ts';
import {
  type EntryText,
  type ParsedKey,
  parseDocumentKey,
  readEntry,
  type TextOf,
} from './documentSchema.ts';
import { assembleObject, type ParsedSection, parseSection } from './objectCodec.ts';

interface Cached {
  text: EntryText;
  metadata: ParsedSection;
  body: ParsedSection;
  status: ParsedSection;
}

export class ObjectIndex {
  /** Every key present in the document, valid or not; the parse cache when the entry was readable. */
  readonly #present = new Map<string, Cached | undefined>();
  readonly #byKind = new Map<Kind, Map<string, KubeObject>>();
  readonly #sorted = new Map<Kind, readonly KubeObject[]>();
  readonly #problems = new Map<string, string[]>();
  /** Objects this peer is writing, with the entry text they will have: see expect(). */
  readonly #expected = new Map<string, { text: EntryText; object: KubeObject }>();
  #maxResourceVersion = 0;

  constructor(
    private readonly textOf: TextOf,
    private readonly onProblem: (problem: StoreProblem) => void,
  ) {}

  /** Records the document's current value at `key` (undefined: removed); returns the event it implies. */
  set(key: string, value: unknown): WatchEvent | undefined {
    const parsedKey = parseDocumentKey(key);
    const previous = parsedKey && this.#byKind.get(parsedKey.kind)?.get(key);
    if (value === undefined) {
      this.#present.delete(key);
      this.#problems.delete(key);
      return this.#remove(key, parsedKey, previous);
    }
    if (!parsedKey) return this.#skip(key, undefined, ['key: expected Kind/namespace/name or Kind/name']);
    const read = readEntry(value, this.textOf);
    if (!read.ok) return this.#skip(key, undefined, read.errors, parsedKey, previous);
    const text = read.entry;
    const old = this.#present.get(key);
    if (old && previous && sameText(old.text, text)) return undefined;
    const cached: Cached = {
      text,
      metadata: old?.text.metadata === text.metadata ? old.metadata : parseSection('metadata', text.metadata),
      body: old && old.text.body === text.body ? old.body : parseSection('body', text.body),
      status: old && old.text.status === text.status ? old.status : parseSection('status', text.status),
    };
    const sectionErrors = [cached.metadata, cached.body, cached.status].flatMap((s) =>
      s.ok ? [] : [s.error],
    );
    if (sectionErrors.length > 0) {
      return this.#skip(key, cached, sectionErrors.map(formatFieldError), parsedKey, previous);
    }
    const expected = this.#expected.get(key);
    const assembled =
      expected && sameText(expected.text, text)
        ? { ok: true as const, object: expected.object }
        : assembleObject(
            parsedKey,
            sectionValue(cached.metadata),
            sectionValue(cached.body),
            sectionValue(cached.status),
            text.statusResourceVersion,
          );
    if (!assembled.ok) {
      return this.#skip(key, cached, assembled.errors.map(formatFieldError), parsedKey, previous);
    }
    const object = assembled.object;
    this.#present.set(key, cached);
    this.#problems.delete(key);
    this.#kindMap(parsedKey.kind).set(key, object);
    this.#sorted.delete(parsedKey.kind);
    this.#maxResourceVersion = Math.max(this.#maxResourceVersion, Number(object.metadata.resourceVersion));
    return { type: previous ? 'MODIFIED' : 'ADDED', object };
  }

  /**
   * Announces the object a local write is about to leave at `key`, already validated by the write, so that
   * set() can take it instead of validating it again (validation is the costliest part of a write).
   * Used only while the text matches: a value that differs, from a peer or a bug, is checked as usual.
   */
  expect(key: string, text: EntryText | undefined, object: KubeObject | undefined): void {
    if (text && object) this.#expected.set(key, { text, object });
    else this.#expected.delete(key);
  }

  clearExpected(): void {
    this.#expected.clear();
  }

  /** The text of the entry at `key` as last indexed. */
  entryText(key: string): EntryText | undefined {
    return this.#present.get(key)?.text;
  }

  /** Keys present in the document, including the ones skipped as invalid. */
  keys(): IterableIterator<string> {
    return this.#present.keys();
  }

  has(key: string): boolean {
    return this.#present.has(key);
  }

  /** The valid object at a document key. */
  get(key: string): KubeObject | undefined {
    return this.#byKind.get(key.slice(0, key.indexOf('/')) as Kind)?.get(key);
  }

  /** Valid objects of a kind in key order, which is etcd's and so Kubernetes' list order. */
  list(kind: Kind): readonly KubeObject[] {
    let sorted = this.#sorted.get(kind);
    if (!sorted) {
      const objects = this.#byKind.get(kind) ?? new Map<string, KubeObject>();
      sorted = [...objects.keys()].sort().map((k) => objects.get(k) as KubeObject);
      this.#sorted.set(kind, sorted);
    }
    return sorted;
  }

  problems(): StoreProblem[] {
    return [...this.#problems].map(([key, errors]) => ({ key, errors }));
  }

  /** The largest resourceVersion ever indexed; new writes go above it. */
  get maxResourceVersion(): number {
    return this.#maxResourceVersion;
  }

  #skip(
    key: string,
    cached: Cached | undefined,
    errors: string[],
    parsedKey?: ParsedKey,
    previous?: KubeObject,
  ): WatchEvent | undefined {
    this.#present.set(key, cached);
    const known = this.#problems.get(key);
    if (!known || known.join('\n') !== errors.join('\n')) {
      this.#problems.set(key, errors);
      this.onProblem({ key, errors });
    }
    // To a watcher, an object that turned invalid is gone: it is no longer returned by get or list.
    return this.#remove(key, parsedKey, previous);
  }

  #remove(
    key: string,
    parsedKey: ParsedKey | undefined,
    previous: KubeObject | undefined,
  ): WatchEvent | undefined {
    if (!parsedKey || !previous) return undefined;
    this.#byKind.get(parsedKey.kind)?.delete(key);
    this.#sorted.delete(parsedKey.kind);
    return { type: 'DELETED', object: previous };
  }

  #kindMap(kind: Kind): Map<string, KubeObject> {
    let map = this.#byKind.get(kind);
    if (!map) {
      map = new Map();
      this.#byKind.set(kind, map);
    }
    return map;
  }
}

function sectionValue(section: ParsedSection): unknown {
  return section.ok ? section.value : undefined;
}

function sameText(a: EntryText, b: EntryText): boolean {
  return (
    a.metadata === b.metadata &&
    a.body === b.body &&
    a.status === b.status &&
    a.statusResourceVersion === b.statusResourceVersion
  );
}
