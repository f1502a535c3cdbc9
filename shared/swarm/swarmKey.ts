// A cluster's swarm key: 32 random bytes, the one secret a machine needs to join (DESIGN.md, Security).
// Everything the network sees is derived from it by keyed BLAKE2b hashes under fixed context strings, so
// nothing derived reveals the key, and different uses never share a value:
//   - the Hyperswarm discovery topic (who can find us),
//   - the cluster document's id (which automerge document we replicate),
//   - the per-connection proof of knowledge (authProof.ts).
//
// Text form, for people to copy: `shoal1` + z-base-32 of (key ‖ 4-byte checksum), 64 characters in all.
// The checksum turns a mistyped key into a clear error instead of a silent, empty, different cluster.
import sodium from 'sodium-universal';
import z32 from 'z32';

export const SWARM_KEY_BYTES = 32;
export const SWARM_KEY_PREFIX = 'shoal1';

const CHECKSUM_BYTES = 4;
const BODY_CHARS = Math.ceil(((SWARM_KEY_BYTES + CHECKSUM_BYTES) * 8) / 5); // 58
const TOPIC_CONTEXT = 'shoal/discovery-topic/1';
const DOCUMENT_ID_CONTEXT = 'shoal/cluster-document-id/1';
const CHECKSUM_CONTEXT = 'shoal/swarm-key-checksum/1';

/** A swarm key's text form was wrong; the message names what. */
export class SwarmKeyError extends Error {
  override readonly name = 'SwarmKeyError';
}

function assertSwarmKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== SWARM_KEY_BYTES) {
    const got = key instanceof Uint8Array ? `${key.byteLength} bytes` : typeof key;
    throw new SwarmKeyError(`a swarm key is ${SWARM_KEY_BYTES} bytes; got ${got}`);
  }
}

/** BLAKE2b of a context string, keyed with the swarm key. */
function keyedHash(key: Uint8Array, context: string, bytes: number): Buffer {
  assertSwarmKey(key);
  const out = Buffer.alloc(bytes);
  sodium.crypto_generichash(out, Buffer.from(context, 'utf8'), key);
  return out;
}

function checksum(key: Uint8Array): Buffer {
  const out = Buffer.alloc(16); // BLAKE2b's smallest output; we keep the first CHECKSUM_BYTES
  sodium.crypto_generichash(out, Buffer.concat([Buffer.from(CHECKSUM_CONTEXT, 'utf8'), key]));
  return out.subarray(0, CHECKSUM_BYTES);
}

export function generateSwarmKey(): Buffer {
  const key = Buffer.alloc(SWARM_KEY_BYTES);
  sodium.randombytes_buf(key);
  return key;
}

export function encodeSwarmKey(key: Uint8Array): string {
  assertSwarmKey(key);
  return SWARM_KEY_PREFIX + z32.encode(Buffer.concat([key, checksum(key)]));
}

/** Parses the text form; throws SwarmKeyError naming what is wrong. Surrounding whitespace and case are ignored. */
export function decodeSwarmKey(text: string): Buffer {
  if (typeof text !== 'string') throw new SwarmKeyError('a swarm key must be text');
  const normalized = text.trim().toLowerCase();
  const total = SWARM_KEY_PREFIX.length + BODY_CHARS;
  if (normalized === '') throw new SwarmKeyError('the swarm key is empty');
  if (!normalized.startsWith(SWARM_KEY_PREFIX)) {
    throw new SwarmKeyError(
      `a swarm key starts with "${SWARM_KEY_PREFIX}"; this one starts with "${normalized.slice(0, SWARM_KEY_PREFIX.length)}"`,
    );
  }
  if (normalized.length !== total) {
    throw new SwarmKeyError(
      `a swarm key has ${total} characters; this one has ${normalized.length} (was it cut off or pasted twice?)`,
    );
  }
  const body = normalized.slice(SWARM_KEY_PREFIX.length);
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (!z32.ALPHABET.includes(ch)) {
      throw new SwarmKeyError(
        `character "${ch}" at position ${SWARM_KEY_PREFIX.length + i + 1} cannot appear in a swarm key ` +
          `(allowed: ${z32.ALPHABET})`,
      );
    }
  }
  const bytes = z32.decode(body);
  const key = Buffer.from(bytes.subarray(0, SWARM_KEY_BYTES));
  const sum = bytes.subarray(SWARM_KEY_BYTES);
  // Re-encoding also rejects non-zero padding bits, so each key has exactly one text form.
  if (!checksum(key).equals(sum) || encodeSwarmKey(key) !== normalized) {
    throw new SwarmKeyError('the swarm key checksum does not match: a character was mistyped or changed');
  }
  return key;
}

/** The Hyperswarm topic members announce and look up: 32 bytes that reveal nothing of the key. */
export function discoveryTopic(key: Uint8Array): Buffer {
  return keyedHash(key, TOPIC_CONTEXT, 32);
}

/** 16 bytes naming the cluster document; the document layer turns them into an automerge-repo DocumentId. */
export function clusterDocumentId(key: Uint8Array): Buffer {
  return keyedHash(key, DOCUMENT_ID_CONTEXT, 16);
}
