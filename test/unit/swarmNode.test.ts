// SwarmNode on an in-process HyperDHT testnet bound to 127.0.0.1 (TESTING.md, "Several peers on one
// machine"): authentication, refusal of wrong keys and removed members, reconnects, garbage on the wire.
import { Writable } from 'node:stream';
import c from 'compact-encoding';
import HyperDHT from 'hyperdht';
import createTestnet, { type Testnet } from 'hyperdht/testnet.js';
import Hyperswarm from 'hyperswarm';
import pino from 'pino';
import Protomux from 'protomux';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_PROTOCOL } from '../../shared/swarm/authChannel.ts';
import { SwarmNode, type SwarmNodeOptions } from '../../shared/swarm/SwarmNode.ts';
import type { SwarmPeer } from '../../shared/swarm/SwarmPeer.ts';
import { generateSwarmKey } from '../../shared/swarm/swarmKey.ts';

const APP_PROTOCOL = 'test/app/1';

interface LogLine {
  level: number;
  msg: string;
  remote?: string;
  reason?: string;
  name?: string;
}

/** A node plus everything it logged and every application message it received. */
interface Probe {
  node: SwarmNode;
  logs: LogLine[];
  received: { from: string; text: string }[];
  opened: SwarmPeer[];
  closed: SwarmPeer[];
}

let testnet: Testnet;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  testnet = await createTestnet(3, { host: '127.0.0.1' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await testnet.destroy();
});

function captureLogger(logs: LogLine[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}

/** A SwarmNode that opens an application channel on every peer and greets it. */
function probe(opts: Partial<SwarmNodeOptions> & { swarmKey: Uint8Array }): Probe {
  const logs: LogLine[] = [];
  const node = new SwarmNode({
    bootstrap: testnet.bootstrap,
    host: '127.0.0.1',
    logger: captureLogger(logs),
    timings: { authTimeoutMs: 1000, backoffs: [100, 200, 300, 400], jitter: 0 },
    ...opts,
  });
  const p: Probe = { node, logs, received: [], opened: [], closed: [] };
  node.on('peer-open', (peer) => {
    p.opened.push(peer);
    const channel = peer.channel({ protocol: APP_PROTOCOL });
    if (!channel) return;
    const text = channel.message(c.string, (message) => {
      p.received.push({ from: peer.id, text: message });
    });
    channel.open();
    text.send(`hello from ${node.publicKey.toString('hex').slice(0, 8)}`);
  });
  node.on('peer-close', (peer) => p.closed.push(peer));
  cleanups.push(() => node.destroy());
  return p;
}

async function until(what: string, condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const authFailures = (p: Probe) => p.logs.filter((l) => l.msg === 'peer failed swarm-key authentication');

describe('SwarmNode', () => {
  it('connects two nodes with the same key, which then exchange messages both ways', async () => {
    const key = generateSwarmKey();
    const a = probe({ swarmKey: key });
    const b = probe({ swarmKey: key });
    await a.node.start();
    await b.node.start();
    await until('both ends to receive', () => a.received.length === 1 && b.received.length === 1);

    const aId = a.node.publicKey.toString('hex');
    const bId = b.node.publicKey.toString('hex');
    expect(a.received).toEqual([{ from: bId, text: `hello from ${bId.slice(0, 8)}` }]);
    expect(b.received).toEqual([{ from: aId, text: `hello from ${aId.slice(0, 8)}` }]);
    expect(a.node.peers().map((p) => p.id)).toEqual([bId]);
    expect(b.node.peers().map((p) => p.id)).toEqual([aId]);
    // Each side also told the other where its DHT socket can be dialled directly.
    await until('addresses', () => a.node.peers()[0]?.addresses.length === 1);
    expect(a.node.peers()[0]?.addresses).toEqual(b.node.ownAddresses());
  });

  it('rejects a node with a wrong key: both log it, and neither reports a peer or delivers data', async () => {
    const right = probe({ swarmKey: generateSwarmKey() });
    const wrong = probe({ swarmKey: generateSwarmKey() });
    await right.node.start();
    await wrong.node.start();
    // Different keys mean different topics: the wrong-key node has to dial by public key.
    wrong.node.dialAddresses(right.node.publicKey, right.node.ownAddresses());
    await until(
      'both sides to log the failure',
      () => authFailures(right).length > 0 && authFailures(wrong).length > 0,
    );
    await sleep(200);

    const wrongId = wrong.node.publicKey.toString('hex');
    expect(authFailures(right)[0]).toMatchObject({
      remote: wrongId,
      reason: expect.stringMatching(/wrong proof/),
    });
    expect(authFailures(wrong)[0]).toMatchObject({ remote: right.node.publicKey.toString('hex') });
    expect(right.opened).toEqual([]);
    expect(wrong.opened).toEqual([]);
    expect(right.received).toEqual([]);
    expect(wrong.received).toEqual([]);
  });

  it('gives a peer that fakes the auth channel nothing of the application channels', async () => {
    const victim = probe({ swarmKey: generateSwarmKey() });
    await victim.node.start();

    // A raw hyperswarm peer that answers with a forged proof and listens on the application protocol.
    const attacker = new Hyperswarm({
      dht: new HyperDHT({ bootstrap: testnet.bootstrap, host: '127.0.0.1' }),
    });
    cleanups.push(() => attacker.destroy());
    const seen: string[] = [];
    let closed = false;
    attacker.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.on('close', () => {
        closed = true;
      });
      const mux = Protomux.from(socket);
      const app = mux.createChannel({
        protocol: APP_PROTOCOL,
        onopen: () => seen.push('app channel opened'),
      });
      app?.addMessage({ encoding: c.string, onmessage: (m) => seen.push(`app message ${m}`) });
      app?.open();
      const auth = mux.createChannel({ protocol: AUTH_PROTOCOL });
      const proof = auth?.addMessage({ encoding: c.buffer, onmessage: () => seen.push('proof') });
      auth?.addMessage({ encoding: c.buffer, onmessage: () => seen.push('addresses') });
      auth?.open();
      proof?.send(Buffer.alloc(32, 1));
    });
    attacker.joinPeer(victim.node.publicKey);

    await until('the victim to drop the attacker', () => closed && authFailures(victim).length > 0);
    expect(seen).toEqual(['proof']); // the victim's proof (useless without the key), nothing else
    expect(victim.opened).toEqual([]);
  });

  it('refuses a removed member before any handshake, and drops one removed while connected', async () => {
    const key = generateSwarmKey();
    const removed = new Set<string>();
    const isRemoved = (publicKey: Buffer) => removed.has(publicKey.toString('hex'));
    const a = probe({ swarmKey: key, isRemoved });
    const b = probe({ swarmKey: key });
    const bKey = b.node.keyPair;
    removed.add(bKey.publicKey.toString('hex'));
    await a.node.start();
    await b.node.start();
    b.node.dialAddresses(a.node.publicKey, a.node.ownAddresses());
    await sleep(500);
    expect(a.opened).toEqual([]);
    expect(b.opened).toEqual([]);
    expect(authFailures(a)).toEqual([]); // refused in the firewall: no connection got that far

    // A member removed while connected is dropped by dropRemoved().
    const c2 = probe({ swarmKey: key, isRemoved });
    await c2.node.start();
    await until('a and c2 to connect', () =>
      a.node.peers().some((p) => p.publicKey.equals(c2.node.publicKey)),
    );
    removed.add(c2.node.publicKey.toString('hex'));
    a.node.dropRemoved();
    await until('c2 to be dropped', () => c2.closed.length === 1 && a.closed.length === 1);
    await sleep(300);
    expect(a.node.peers()).toEqual([]);
  });

  it('reconnects when a peer restarts with the same key pair', async () => {
    const key = generateSwarmKey();
    const keyPair = HyperDHT.keyPair();
    const a = probe({ swarmKey: key });
    const b = probe({ swarmKey: key, keyPair });
    await a.node.start();
    await b.node.start();
    await until('first connection', () => a.received.length === 1 && b.received.length === 1);
    const first = a.opened[0];

    await b.node.destroy();
    await until('a to see b leave', () => a.closed.length === 1);
    expect(a.closed[0]).toBe(first);

    const b2 = probe({ swarmKey: key, keyPair });
    await b2.node.start();
    await until('second connection', () => a.received.length === 2 && b2.received.length === 1);
    expect(a.opened).toHaveLength(2);
    expect(a.opened[1]).not.toBe(first);
    expect(a.opened[1]?.id).toBe(first?.id);
    expect(a.node.peers()).toHaveLength(1);
  });

  it('survives garbage on the auth channel and on the raw connection', async () => {
    const key = generateSwarmKey();
    const victim = probe({ swarmKey: key });
    await victim.node.start();

    const attacker = new Hyperswarm({
      dht: new HyperDHT({ bootstrap: testnet.bootstrap, host: '127.0.0.1' }),
    });
    cleanups.push(() => attacker.destroy());
    let round = 0;
    let closes = 0;
    attacker.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.on('close', () => {
        closes++;
      });
      const mux = Protomux.from(socket);
      const auth = mux.createChannel({ protocol: AUTH_PROTOCOL });
      const proof = auth?.addMessage({ encoding: c.raw });
      auth?.open();
      round++;
      if (round === 1)
        proof?.send(Buffer.from([0xff, 0xff, 0xff, 0x0f, 1, 2, 3])); // length prefix far past the end
      else if (round === 2)
        proof?.send(Buffer.from([5, 1, 2, 3, 4, 5])); // a 5-byte "proof"
      else socket.write(Buffer.from('not protomux at all'));
    });
    for (const expected of [1, 2, 3]) {
      attacker.joinPeer(victim.node.publicKey);
      await until(`garbage round ${expected} to be dropped`, () => closes === expected);
      attacker.leavePeer(victim.node.publicKey);
    }

    const warnings = victim.logs.filter((l) => l.level === 40).map((l) => l.reason);
    expect(warnings).toContainEqual(expect.stringMatching(/malformed proof: 5 bytes/));
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(victim.opened).toEqual([]);

    // The victim still works for honest peers.
    const friend = probe({ swarmKey: key });
    await friend.node.start();
    await until(
      'an honest peer to connect',
      () => victim.received.length === 1 && friend.received.length === 1,
    );
  });
});
