import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FORWARD_TIMEOUT_MS } from '../../agent/proxy/dns/DnsForwarder.ts';
import { ServiceDns } from '../../agent/proxy/dns/ServiceDns.ts';
import { serviceNameResolver } from '../../agent/proxy/dns/serviceNameResolver.ts';
import { nameserversOf, parseUpstream } from '../../agent/proxy/dns/upstreams.ts';
import type { Service } from '../../shared/model/types.ts';

const logger = pino({ level: 'silent' });
const resolve = serviceNameResolver(
  [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: {} } as Service],
  'shop',
  '172.17.0.1',
);

/** A query for `name` with `id`, type A, RD set. */
function query(name: string, id: number, type = 1): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([
    Buffer.from([id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...labels,
    Buffer.from([0, type >> 8, type & 0xff, 0, 1]),
  ]);
}

/** The dotted name of a query's question (no compression in the queries these tests send). */
function nameOf(msg: Buffer): string {
  const labels: string[] = [];
  for (let pos = 12; msg[pos]! !== 0; pos += 1 + msg[pos]!)
    labels.push(msg.subarray(pos + 1, pos + 1 + msg[pos]!).toString());
  return labels.join('.');
}

/**
 * A fake upstream resolver on 127.0.0.1 (UDP and TCP on one port). It answers `*.example` with 192.0.2.N
 * (N the number of labels), over UDP truncated for `big.example`; it never answers `silent.example`, and
 * answers `wrong.example` with another question. It records what it was asked, and how.
 */
class FakeUpstream {
  readonly asked: { name: string; id: number; transport: 'udp' | 'tcp' }[] = [];
  port = 0;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;

  async start(answers = true): Promise<this> {
    const udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const response = this.#answer(msg, 'udp');
      if (response && answers) udp.send(response, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    this.#udp = udp;
    this.port = udp.address().port;
    const tcp = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', (data: Buffer) => {
        const response = this.#answer(data.subarray(2, 2 + data.readUInt16BE(0)), 'tcp');
        if (!response || !answers) return;
        socket.end(Buffer.concat([Buffer.from([response.length >> 8, response.length & 0xff]), response]));
      });
    });
    await new Promise<void>((r) => tcp.listen(this.port, '127.0.0.1', () => r()));
    this.#tcp = tcp;
    return this;
  }

  #answer(msg: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    const name = nameOf(msg);
    this.asked.push({ name, id: msg.readUInt16BE(0), transport });
    if (name === 'silent.example') return undefined;
    const asked = name === 'wrong.example' ? query('other.example', msg.readUInt16BE(0)) : msg;
    const questionEnd = 12 + asked.subarray(12).indexOf(0) + 5;
    const header = Buffer.from(asked.subarray(0, 12));
    const truncated = name === 'big.example' && transport === 'udp';
    header.writeUInt16BE(0x8180 | (truncated ? 0x0200 : 0), 2);
    header.writeUInt16BE(truncated ? 0 : 1, 6);
    const answer = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, name.split('.').length]);
    return Buffer.concat([header, asked.subarray(12, questionEnd), ...(truncated ? [] : [answer])]);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.#udp ? this.#udp.close(() => r()) : r()));
    await new Promise<void>((r) => (this.#tcp ? this.#tcp.close(() => r()) : r()));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function upstream(answers = true): Promise<FakeUpstream> {
  const fake = await new FakeUpstream().start(answers);
  cleanups.push(() => fake.stop());
  return fake;
}

async function dns(options: Partial<ConstructorParameters<typeof ServiceDns>[0]>): Promise<number> {
  const server = new ServiceDns({ resolve, logger, ...options });
  cleanups.push(() => server.close());
  return (await server.listen('127.0.0.1', 0)).port;
}

function resolverFor(port: number): Resolver {
  const resolver = new Resolver({ timeout: 3000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** One raw UDP exchange with the server. */
async function exchange(port: number, msg: Buffer): Promise<Buffer> {
  const socket = createSocket('udp4');
  try {
    return await new Promise<Buffer>((resolveReply, reject) => {
      socket.once('message', (reply) => resolveReply(reply));
      socket.send(msg, port, '127.0.0.1', (err) => err && reject(err));
    });
  } finally {
    socket.close();
  }
}

/** One DNS exchange over TCP (RFC 7766: each message prefixed by its length). */
function tcpExchange(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolveReply, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        socket.destroy();
        resolveReply(received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
    socket.on('error', reject);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(msg.length);
    socket.write(Buffer.concat([length, msg]));
  });
}

const rcodeOf = (msg: Buffer) => msg.readUInt16BE(2) & 0x0f;

describe('ServiceDns forwarding', () => {
  it('forwards names outside the cluster, answers cluster names itself', async () => {
    const fake = await upstream();
    const resolver = resolverFor(await dns({ upstreams: [`127.0.0.1:${fake.port}`] }));
    expect(await resolver.resolve4('www.example')).toEqual(['192.0.2.2']);
    expect(await resolver.resolve4('web.shop')).toEqual(['172.17.0.1']);
    // Unknown in the cluster domain: NXDOMAIN from us, never asked upstream.
    await expect(resolver.resolve4('nope.shop.svc.cluster.local')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    await expect(resolver.resolve4('x.CLUSTER.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    // A bare name or name.namespace that is no Service goes upstream (its answer: 192.0.2.1).
    expect(await resolver.resolve4('db')).toEqual(['192.0.2.1']);
    expect(fake.asked.map((a) => a.name)).toEqual(['www.example', 'db']);
  });

  it("keeps the client's query id, while the upstream sees one of ours", async () => {
    const fake = await upstream();
    const port = await dns({ upstreams: [`127.0.0.1:${fake.port}`] });
    const ids = [0xbeef, 0x0001, 0xbeef];
    for (const id of ids) {
      const reply = await exchange(port, query('a.b.example', id));
      expect(reply.readUInt16BE(0)).toBe(id);
      expect(rcodeOf(reply)).toBe(0);
      expect([...reply.subarray(reply.length - 4)]).toEqual([192, 0, 2, 3]);
    }
    expect(fake.asked).toHaveLength(3);
  });

  it('answers SERVFAIL when no upstream answers in time, or one answers another question', async () => {
    const fake = await upstream();
    const port = await dns({ upstreams: [`127.0.0.1:${fake.port}`], forwardTimeoutMs: 300 });
    const started = Date.now();
    const reply = await exchange(port, query('silent.example', 7));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(reply.readUInt16BE(0)).toBe(7);
    expect(rcodeOf(reply)).toBe(2);
    expect(rcodeOf(await exchange(port, query('wrong.example', 8)))).toBe(2);
    expect(FORWARD_TIMEOUT_MS).toBe(2000);
  });

  it('tries the next upstream when the first stays silent', async () => {
    const silent = await upstream(false);
    const fake = await upstream();
    const port = await dns({
      upstreams: [`127.0.0.1:${silent.port}`, `127.0.0.1:${fake.port}`],
      forwardTimeoutMs: 600,
    });
    expect(rcodeOf(await exchange(port, query('www.example', 9)))).toBe(0);
    expect(silent.asked).toHaveLength(1);
    expect(fake.asked).toHaveLength(1);
  });

  it('forwards TCP queries over TCP, so a truncated UDP answer can be had whole', async () => {
    const fake = await upstream();
    const port = await dns({ upstreams: [`127.0.0.1:${fake.port}`] });
    const udpReply = await exchange(port, query('big.example', 3));
    expect(udpReply.readUInt16BE(2) & 0x0200).toBe(0x0200); // TC passed through
    // The client retries over TCP (as resolvers do on TC) and gets the whole answer, asked over TCP.
    const tcpReply = await tcpExchange(port, query('big.example', 4));
    expect(tcpReply.readUInt16BE(0)).toBe(4); // the client's id
    expect(tcpReply.readUInt16BE(2) & 0x0200).toBe(0); // not truncated
    expect(tcpReply.readUInt16BE(6)).toBeGreaterThan(0); // answers
    expect(fake.asked.map((a) => a.transport)).toEqual(['udp', 'tcp']);
  });

  it('bounds the queries waiting for an upstream: past the bound, SERVFAIL at once', async () => {
    const silent = await upstream(false);
    const port = await dns({
      upstreams: [`127.0.0.1:${silent.port}`],
      forwardTimeoutMs: 1500,
      maxPendingForwards: 2,
    });
    const waiting = [exchange(port, query('silent.example', 1)), exchange(port, query('silent.example', 2))];
    await expect.poll(() => silent.asked.length).toBe(2);
    const started = Date.now();
    const refused = await exchange(port, query('silent.example', 3));
    expect(rcodeOf(refused)).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
    expect(silent.asked).toHaveLength(2);
    for (const reply of await Promise.all(waiting)) expect(rcodeOf(reply)).toBe(2);
  });

  it('reads the upstreams from resolv.conf, at start and on demand, never itself', async () => {
    const fake = await upstream();
    const dir = await mkdtemp(path.join(tmpdir(), 'shoal-dns-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const resolvConf = path.join(dir, 'resolv.conf');
    await writeFile(resolvConf, 'search lan\nnameserver 127.0.0.9\n');
    const server = new ServiceDns({ resolve, logger, resolvConf });
    cleanups.push(() => server.close());
    await server.listen('127.0.0.1', 0);
    expect(server.upstreams).toEqual([{ address: '127.0.0.9', port: 53 }]);
    // The test's upstream is on another port than 53: point the file at ourselves, then reload.
    await writeFile(resolvConf, 'nameserver 127.0.0.1\nnameserver ::1\n');
    expect(await server.reloadUpstreams()).toEqual([
      { address: '127.0.0.1', port: 53 },
      { address: '::1', port: 53 },
    ]);
    expect(fake.asked).toEqual([]);
  });
});

describe('upstream configuration', () => {
  it('reads nameserver lines in order and skips what is not an address', () => {
    const conf = [
      '# generated',
      'nameserver 127.0.0.53',
      'options edns0 trust-ad',
      'nameserver   10.0.0.2  ',
      'nameserver fe80::1%eth0',
      'nameserver dns.example',
      'nameserver',
      'search example.com',
    ].join('\n');
    expect(nameserversOf(conf)).toEqual([
      { address: '127.0.0.53', port: 53 },
      { address: '10.0.0.2', port: 53 },
      { address: 'fe80::1%eth0', port: 53 },
    ]);
  });

  it('parses an upstream with or without a port, and names a bad one', () => {
    expect(parseUpstream('1.1.1.1')).toEqual({ address: '1.1.1.1', port: 53 });
    expect(parseUpstream('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', port: 5353 });
    expect(parseUpstream('[::1]:5353')).toEqual({ address: '::1', port: 5353 });
    expect(parseUpstream('::1')).toEqual({ address: '::1', port: 53 });
    expect(() => parseUpstream('dns.example')).toThrow(/"dns.example": not an IP address/);
    expect(() => parseUpstream('1.1.1.1:0')).toThrow(/"1.1.1.1:0": port must be 1-65535/);
    expect(() => new ServiceDns({ resolve, logger, upstreams: ['nope'] })).toThrow(/"nope"/);
  });
});
