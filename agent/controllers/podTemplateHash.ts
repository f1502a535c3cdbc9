// The pod-template hash that names a deployment's replica sets (Kubernetes' controller.ComputeHash): FNV-32a
// over the template plus the collision count, its decimal digits mapped onto the name-suffix alphabet
// (rand.SafeEncodeString). Kubernetes hashes Go's printed struct; Shoal hashes a canonical JSON form, so the
// value differs from Kubernetes' but is just as stable: it depends only on the template and collisionCount.

import type { PodTemplate } from '../../shared/model/types.ts';

/** The label the deployment controller adds to a replica set, its selector and its template. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

// Kubernetes' alphabet for generated names: no vowels (no words), no 0/1/3 (look-alikes of o, l, e).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function computeHash(template: PodTemplate, collisionCount?: number): string {
  let hash = fnv32a(0x811c9dc5, new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    // As Kubernetes: the count as 8 little-endian bytes, of which the upper 4 are zero.
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(hash, bytes);
  }
  return safeEncodeString(String(hash));
}

/** FNV-1a, 32 bits, continuing from `seed` (the offset basis 0x811c9dc5 to start). */
export function fnv32a(seed: number, bytes: Uint8Array): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character onto the alphabet, so a hash never spells a word. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/**
 * JSON with object keys sorted, so the same template always gives the same text whatever order its fields
 * were written in. Empty maps stay distinct from absent ones: `emptyDir: {}` means something.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? '';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Kubernetes' EqualIgnoreHash: the same template once the replica sets' hash label is set aside. */
export function equalIgnoreHash(a: PodTemplate, b: PodTemplate): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

function withoutHashLabel(t: PodTemplate): PodTemplate {
  const labels = t.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH_LABEL in labels)) return t;
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...rest } = labels;
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}
