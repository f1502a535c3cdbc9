// The `controller-revision-hash` of a DaemonSet's template: stable across processes and key order, so every
// leader labels the pods of one template alike and tells old pods from new ones. Kubernetes hashes its
// ControllerRevision the same way in spirit (FNV-1a 32, spelled with the safe-encoding alphabet).

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every depth. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Kubernetes' rand.SafeEncodeString of the decimal hash: no vowels, no look-alike characters. */
export function templateHash(template: unknown): string {
  return [...String(fnv1a32(stableJson(template)))]
    .map((ch) => SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length])
    .join('');
}
