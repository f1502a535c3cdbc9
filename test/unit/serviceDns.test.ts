import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type DnsClient, ServiceDns } from '../../agent/proxy/dns/ServiceDns.ts';
import { serviceNameResolver } from '../../agent/proxy/dns/serviceNameResolver.ts';
import type { Service } from '../../shared/model/types.ts';

const logger = pino({ level: 'silent' });

function service(name: string, namespace: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ port: 80 }] },
  } as Service;
}

const resolveInShop = serviceNameResolver(
  [service('web', 'shop'), service('db', 'default')],
  'shop',
  '172.17.0.1',
);

let open: ServiceDns | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(
  resolve: (name: string, client: DnsClient) => readonly string[] | undefined = resolveInShop,
): Promise<number> {
  // No upstreams: a test never asks the host's resolvers.
  open = new ServiceDns({ resolve, logger, upstreams: [] });
  return (await open.listen('127.0.0.1', 0)).port;
}

function resolverFor(port: number): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** A raw query for `name`, type A. */
function query(name: string, id: number): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([
    Buffer.from([id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...labels,
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
}

describe('ServiceDns over UDP', () => {
  it('resolves every name form of a Service with node:dns, with TTL 5', async () => {
    const resolver = resolverFor(await start());
    for (const name of [
      'web',
      'web.shop',
      'web.shop.svc',
      'web.shop.svc.cluster.local',
      'DB.default.svc.cluster.local',
    ]) {
      expect(await resolver.resolve4(name), name).toEqual(['172.17.0.1']);
    }
    expect(await resolver.resolve4('web.shop', { ttl: true })).toEqual([{ address: '172.17.0.1', ttl: 5 }]);
  });

  it('answers NXDOMAIN for unknown names and no records for AAAA of a known one', async () => {
    const resolver = resolverFor(await start());
    await expect(resolver.resolve4('nope.shop')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('db')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('web.shop')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve6('nope.shop')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('passes the asking client to resolve, so bare names can follow its namespace', async () => {
    const clients: DnsClient[] = [];
    const port = await start((name, client) => {
      clients.push(client);
      return name === 'web' ? ['10.1.2.3'] : undefined;
    });
    expect(await resolverFor(port).resolve4('web')).toEqual(['10.1.2.3']);
    expect(clients[0]?.address).toBe('127.0.0.1');
    expect(clients[0]?.port).toBeGreaterThan(0);
  });

  it('survives garbage datagrams and keeps answering', async () => {
    const port = await start();
    const sender = createSocket('udp4');
    const garbage = [Buffer.alloc(0), Buffer.from([1]), Buffer.alloc(12, 0xff), Buffer.alloc(600, 0xc0)];
    for (const g of garbage)
      await new Promise<void>((resolve) => sender.send(g, port, '127.0.0.1', () => resolve()));
    sender.close();
    expect(await resolverFor(port).resolve4('web.shop')).toEqual(['172.17.0.1']);
  });
});

describe('ServiceDns over TCP', () => {
  it('answers length-prefixed queries, several on one connection, split across writes', async () => {
    const port = await start();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const framed = [query('web.shop', 1), query('nope.shop', 2)].map((q) =>
      Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]),
    );
    const all = Buffer.concat(framed);
    socket.write(all.subarray(0, 5));
    await new Promise((r) => setTimeout(r, 20));
    socket.write(all.subarray(5));
    await expect.poll(() => completeFrames(Buffer.concat(received)), { timeout: 2000 }).toBe(2);
    const data = Buffer.concat(received);
    const firstLength = data.readUInt16BE(0);
    const first = data.subarray(2, 2 + firstLength);
    const second = data.subarray(4 + firstLength);
    expect(first.readUInt16BE(0)).toBe(1);
    expect(first.readUInt16BE(2) & 0x0f).toBe(0);
    expect([...first.subarray(first.length - 4)]).toEqual([172, 17, 0, 1]);
    expect(second.readUInt16BE(0)).toBe(2);
    expect(second.readUInt16BE(2) & 0x0f).toBe(3);
    socket.destroy();
  });
});

describe('ServiceDns lifecycle', () => {
  it('close() leaves no sockets or servers behind, even with a TCP client still connected', async () => {
    // Handles the earlier tests closed may take a turn of the loop to go away.
    await new Promise((r) => setTimeout(r, 50));
    const before = countNetworkHandles();
    const dns = new ServiceDns({ resolve: resolveInShop, logger, upstreams: [] });
    const { port } = await dns.listen('127.0.0.1', 0);
    const client = connect(port, '127.0.0.1');
    client.on('error', () => {});
    const closedByServer = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // One answered query, so the server surely holds the connection when it closes.
    const q = query('web.shop', 9);
    client.write(Buffer.concat([Buffer.from([0, q.length]), q]));
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    expect(countNetworkHandles()).toBeGreaterThan(before);
    // Within a second: waiting for the client's idle timeout (10 s) would mean close() forgot it.
    const closeStarted = Date.now();
    await dns.close();
    await closedByServer;
    expect(Date.now() - closeStarted).toBeLessThan(1000);
    await expect.poll(() => countNetworkHandles(), { timeout: 2000 }).toBe(before);
  });

  it('refuses a second listen and fails to listen on a taken port', async () => {
    const port = await start();
    await expect(open!.listen('127.0.0.1', 0)).rejects.toThrow(/already listening/);
    const other = new ServiceDns({ resolve: resolveInShop, logger, upstreams: [] });
    await expect(other.listen('127.0.0.1', port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await other.close();
  });
});

function countNetworkHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'UDPWrap' || r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'TCPWrap')
    .length;
}

/** How many whole length-prefixed messages `data` holds. */
function completeFrames(data: Buffer): number {
  let frames = 0;
  for (let pos = 0; pos + 2 <= data.length; frames++) {
    pos += 2 + data.readUInt16BE(pos);
    if (pos > data.length) break;
  }
  return frames;
}
