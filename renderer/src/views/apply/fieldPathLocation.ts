// Where a field path (`spec.template.spec.containers[0].image`, `metadata.labels[app.kubernetes.io/name]`)
// sits in a YAML document, so an error can be shown at the line of the field it names. A field that is
// missing (a Required error) has no node: the nearest parent that exists is shown instead.
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, type ParsedNode } from 'yaml';

export type PathSegment = string | number;

/** `a.b[0][x.y/z]` → `['a', 'b', 0, 'x.y/z']`: the inverse of shared/model's fieldPath/joinPath. */
export function parseFieldPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      i++;
      continue;
    }
    if (ch === '[') {
      const close = path.indexOf(']', i + 1);
      const inner = close === -1 ? path.slice(i + 1) : path.slice(i + 1, close);
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = close === -1 ? path.length : close + 1;
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
    out.push(path.slice(i, end));
    i = end;
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

/**
 * The offset where the field at `segments` starts (its key, or the item of a list), or of its nearest
 * existing parent; undefined when the document has no content at all.
 */
export function locateFieldPath(
  doc: Document.Parsed | Document,
  segments: readonly PathSegment[],
): number | undefined {
  let node: unknown = doc.contents;
  let best = startOf(node);
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      // A key of digits (`data[8080]`) parses as a number; map keys are compared as text.
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) break;
      best = startOf(pair.key) ?? startOf(pair.value) ?? best;
      node = pair.value;
      continue;
    }
    if (isSeq(node) && typeof segment === 'number') {
      const item: Node | ParsedNode | undefined | null = node.items[segment] as Node | null | undefined;
      if (item === undefined || item === null) break;
      best = startOf(item) ?? best;
      node = item;
      continue;
    }
    break;
  }
  return best;
}
