// The LAN beacon datagram (LanBeacon.ts): "a member of the cluster keyed K, with this public key, has its
// DHT socket on this UDP port of the address this datagram came from".
//
//   magic "SHB1" (4) ‖ kind (1) ‖ nonce (16) ‖ publicKey (32) ‖ port (2, big-endian) ‖ tag (32)
//   tag = BLAKE2b-256(context ‖ kind ‖ nonce ‖ publicKey ‖ port, key = swarmKey)
//
// Only members can make a tag that verifies, so a beacon never makes us dial on behalf of an outsider,
// and other clusters on the same LAN ignore ours. The fresh nonce makes two beacons of one node
// unlinkable to anyone without the key (the public key is no secret: the DHT publishes it too).
// A replayed beacon can only make us try a Noise handshake that an impostor cannot complete.
import sodium from 'sodium-universal';
import { isValidPort } from './hostPort.ts';
import { SWARM_KEY_BYTES } from './swarmKey.ts';

export const BEACON_BYTES = 4 + 1 + 16 + 32 + 2 + 32;
const MAGIC = Buffer.from('SHB1', 'ascii');
const TAG_CONTEXT = Buffer.from('shoal/lan-beacon/1', 'utf8');

/** announce: "I am here" (broadcast); reply: "so am I" (unicast answer to an announce). */
export type BeaconKind = 'announce' | 'reply';

export interface Beacon {
  kind: BeaconKind;
  publicKey: Buffer;
  port: number;
}

function tagOf(swarmKey: Uint8Array, signed: Uint8Array): Buffer {
  const tag = Buffer.alloc(32);
  sodium.crypto_generichash(tag, Buffer.concat([TAG_CONTEXT, signed]), swarmKey);
  return tag;
}

export function encodeBeacon(swarmKey: Uint8Array, beacon: Beacon): Buffer {
  if (swarmKey.byteLength !== SWARM_KEY_BYTES) throw new Error(`swarm key must be ${SWARM_KEY_BYTES} bytes`);
  if (beacon.publicKey.byteLength !== 32) throw new Error('beacon public key must be 32 bytes');
  if (!isValidPort(beacon.port)) throw new Error(`beacon port must be 1..65535, got ${beacon.port}`);
  const nonce = Buffer.alloc(16);
  sodium.randombytes_buf(nonce);
  const port = Buffer.alloc(2);
  port.writeUInt16BE(beacon.port);
  const signed = Buffer.concat([
    Buffer.from([beacon.kind === 'reply' ? 1 : 0]),
    nonce,
    beacon.publicKey,
    port,
  ]);
  return Buffer.concat([MAGIC, signed, tagOf(swarmKey, signed)]);
}

/** The beacon, or null for anything else: wrong size or magic, a tag made without our key, a bad port. */
export function decodeBeacon(swarmKey: Uint8Array, datagram: Uint8Array): Beacon | null {
  if (datagram.byteLength !== BEACON_BYTES) return null;
  const data = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  if (!data.subarray(0, 4).equals(MAGIC)) return null;
  const signed = data.subarray(4, BEACON_BYTES - 32);
  if (!sodium.sodium_memcmp(tagOf(swarmKey, signed), data.subarray(BEACON_BYTES - 32))) return null;
  const kindByte = signed[0];
  if (kindByte !== 0 && kindByte !== 1) return null;
  const port = signed.readUInt16BE(1 + 16 + 32);
  if (!isValidPort(port)) return null;
  return {
    kind: kindByte === 1 ? 'reply' : 'announce',
    publicKey: Buffer.from(signed.subarray(1 + 16, 1 + 16 + 32)),
    port,
  };
}
