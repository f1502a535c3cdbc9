// Proof that a peer holds the swarm key, bound to one connection (DESIGN.md, Security).
//
//   proof = BLAKE2b-256(context ‖ handshakeHash ‖ senderPublicKey, key = swarmKey)
//
// - handshakeHash is the Noise handshake hash of this very connection; both ends compute the same value
//   and no other connection has it, so a proof cannot be replayed or relayed onto another connection.
// - senderPublicKey makes the two directions differ, so a peer cannot echo our proof back as its own.
// - A keyed hash reveals nothing of the key: a wrong-key peer that receives our proof learns nothing.
import sodium from 'sodium-universal';
import { SWARM_KEY_BYTES } from './swarmKey.ts';

export const PROOF_BYTES = 32;
const PROOF_CONTEXT = Buffer.from('shoal/auth/1 proof', 'utf8');

export function computeProof(
  swarmKey: Uint8Array,
  handshakeHash: Uint8Array,
  senderPublicKey: Uint8Array,
): Buffer {
  if (swarmKey.byteLength !== SWARM_KEY_BYTES) throw new Error(`swarm key must be ${SWARM_KEY_BYTES} bytes`);
  const out = Buffer.alloc(PROOF_BYTES);
  sodium.crypto_generichash(out, Buffer.concat([PROOF_CONTEXT, handshakeHash, senderPublicKey]), swarmKey);
  return out;
}

/** Constant-time check of a proof received from `senderPublicKey`; false for any malformed input. */
export function verifyProof(
  swarmKey: Uint8Array,
  handshakeHash: Uint8Array,
  senderPublicKey: Uint8Array,
  proof: Uint8Array,
): boolean {
  if (!(proof instanceof Uint8Array) || proof.byteLength !== PROOF_BYTES) return false;
  return sodium.sodium_memcmp(computeProof(swarmKey, handshakeHash, senderPublicKey), proof);
}
