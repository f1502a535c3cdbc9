// Swarm key text form, derived values, the per-connection proof, and the pure helpers of the LAN path.
import { describe, expect, it } from 'vitest';
import { computeProof, verifyProof } from '../../shared/swarm/authProof.ts';
import { BEACON_BYTES, decodeBeacon, encodeBeacon } from '../../shared/swarm/beaconMessage.ts';
import { pickDirectAddress } from '../../shared/swarm/directDial.ts';
import { parseHostPort, parseHostPortList } from '../../shared/swarm/hostPort.ts';
import {
  clusterDocumentId,
  decodeSwarmKey,
  discoveryTopic,
  encodeSwarmKey,
  generateSwarmKey,
  SwarmKeyError,
} from '../../shared/swarm/swarmKey.ts';

describe('swarm key', () => {
  it('is 32 random bytes', () => {
    const a = generateSwarmKey();
    const b = generateSwarmKey();
    expect(a.byteLength).toBe(32);
    expect(a.equals(b)).toBe(false);
  });

  it('round-trips through its text form, ignoring case and surrounding whitespace', () => {
    const key = generateSwarmKey();
    const text = encodeSwarmKey(key);
    expect(text).toMatch(/^shoal1[ybndrfg8ejkmcpqxot1uwisza345h769]{58}$/);
    expect(decodeSwarmKey(text).equals(key)).toBe(true);
    expect(decodeSwarmKey(`  ${text.toUpperCase()}\n`).equals(key)).toBe(true);
  });

  it('names what is wrong with a bad text form', () => {
    const text = encodeSwarmKey(generateSwarmKey());
    const cases: [string, RegExp][] = [
      ['', /empty/],
      [`shoal2${text.slice(6)}`, /starts with "shoal1"; this one starts with "shoal2"/],
      [text.slice(0, -1), /64 characters; this one has 63/],
      [`${text}y`, /64 characters; this one has 65/],
      [`${text.slice(0, 20)}l${text.slice(21)}`, /character "l" at position 21/],
    ];
    for (const [input, message] of cases) {
      expect(() => decodeSwarmKey(input)).toThrow(SwarmKeyError);
      expect(() => decodeSwarmKey(input)).toThrow(message);
    }
  });

  it('detects a single mistyped character with its checksum', () => {
    const text = encodeSwarmKey(generateSwarmKey());
    for (const position of [6, 30, 63]) {
      const original = text.charAt(position);
      const typo = original === 'y' ? 'b' : 'y';
      const mistyped = text.slice(0, position) + typo + text.slice(position + 1);
      expect(() => decodeSwarmKey(mistyped)).toThrow(/checksum does not match/);
    }
  });

  it('derives a topic and a document id that differ from the key, from each other, and per key', () => {
    const key = generateSwarmKey();
    const topic = discoveryTopic(key);
    const docId = clusterDocumentId(key);
    expect(topic.byteLength).toBe(32);
    expect(docId.byteLength).toBe(16);
    expect(topic.equals(key)).toBe(false);
    expect(topic.subarray(0, 16).equals(docId)).toBe(false);
    expect(discoveryTopic(key).equals(topic)).toBe(true);
    expect(discoveryTopic(generateSwarmKey()).equals(topic)).toBe(false);
    expect(() => discoveryTopic(Buffer.alloc(31))).toThrow(/32 bytes; got 31 bytes/);
  });
});

describe('auth proof', () => {
  const key = generateSwarmKey();
  const hash = Buffer.alloc(64, 7);
  const alice = Buffer.alloc(32, 1);
  const bob = Buffer.alloc(32, 2);

  it('verifies only for the same key, connection and sender', () => {
    const proof = computeProof(key, hash, alice);
    expect(verifyProof(key, hash, alice, proof)).toBe(true);
    expect(verifyProof(generateSwarmKey(), hash, alice, proof)).toBe(false); // wrong key
    expect(verifyProof(key, Buffer.alloc(64, 8), alice, proof)).toBe(false); // replayed on another connection
    expect(verifyProof(key, hash, bob, proof)).toBe(false); // reflected back by the other side
  });

  it('rejects malformed proofs without throwing', () => {
    expect(verifyProof(key, hash, alice, Buffer.alloc(31))).toBe(false);
    expect(verifyProof(key, hash, alice, Buffer.alloc(0))).toBe(false);
  });
});

describe('LAN beacon', () => {
  const key = generateSwarmKey();
  const publicKey = Buffer.alloc(32, 9);

  it('round-trips for members and is unreadable with another key', () => {
    const datagram = encodeBeacon(key, { kind: 'announce', publicKey, port: 49737 });
    expect(datagram.byteLength).toBe(BEACON_BYTES);
    expect(decodeBeacon(key, datagram)).toEqual({ kind: 'announce', publicKey, port: 49737 });
    expect(decodeBeacon(generateSwarmKey(), datagram)).toBeNull();
    expect(decodeBeacon(key, encodeBeacon(key, { kind: 'reply', publicKey, port: 1 }))?.kind).toBe('reply');
  });

  it('is fresh each time, and rejects any changed byte or length', () => {
    const a = encodeBeacon(key, { kind: 'announce', publicKey, port: 49737 });
    const b = encodeBeacon(key, { kind: 'announce', publicKey, port: 49737 });
    expect(a.equals(b)).toBe(false); // the nonce: two beacons of one node are unlinkable without the key
    for (let i = 0; i < a.byteLength; i += 7) {
      const tampered = Buffer.from(a);
      tampered[i] = (tampered[i] ?? 0) ^ 1;
      expect(decodeBeacon(key, tampered)).toBeNull();
    }
    expect(decodeBeacon(key, a.subarray(1))).toBeNull();
    expect(decodeBeacon(key, Buffer.concat([a, Buffer.alloc(1)]))).toBeNull();
  });
});

describe('host:port lists', () => {
  it('parses bootstrap lists and names bad entries', () => {
    expect(parseHostPortList('10.0.0.1:49737, boot.example.org:1')).toEqual([
      { host: '10.0.0.1', port: 49737 },
      { host: 'boot.example.org', port: 1 },
    ]);
    expect(() => parseHostPort('10.0.0.1')).toThrow(/not HOST:PORT/);
    expect(() => parseHostPort('10.0.0.1:0')).toThrow(/port "0"/);
    expect(() => parseHostPort('10.0.0.1:70000')).toThrow(/port "70000"/);
    expect(() => parseHostPort('bad_host:1')).toThrow(/neither an IPv4 address nor a host name/);
    expect(() => parseHostPortList('10.0.0.1:1,,10.0.0.2:2')).toThrow(/entry 2/);
  });
});

describe('direct address choice', () => {
  const lan = { address: '192.168.1.10', netmask: '255.255.255.0' };
  const docker = { address: '172.17.0.1', netmask: '255.255.0.0' };
  const loopback = { address: '127.0.0.1', netmask: '255.0.0.0' };

  it('picks a candidate on one of our subnets, longest prefix first', () => {
    const candidates = [
      { host: '172.17.0.1', port: 49737 },
      { host: '192.168.1.20', port: 49737 },
      { host: '10.9.9.9', port: 49737 },
    ];
    expect(pickDirectAddress(candidates, [docker, lan])).toEqual({ host: '192.168.1.20', port: 49737 });
  });

  it('returns null when nothing is on-link, and never picks our own socket', () => {
    expect(pickDirectAddress([{ host: '10.9.9.9', port: 1 }], [lan])).toBeNull();
    const own = [{ host: '127.0.0.1', port: 5000 }];
    expect(pickDirectAddress(own, [loopback], own)).toBeNull();
    expect(pickDirectAddress([{ host: '127.0.0.1', port: 5001 }], [loopback], own)).toEqual({
      host: '127.0.0.1',
      port: 5001,
    });
  });
});
