import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerQuery, SERVICE_TTL_SECONDS } from '../../agent/proxy/dns/answerQuery.ts';
import { serviceNameResolver, serviceOfName } from '../../agent/proxy/dns/serviceNameResolver.ts';
import type { Service } from '../../shared/model/types.ts';

/** A query as a stub resolver sends it: one question, RD set. */
function query(name: string, type = 1, id = 0x1234): Buffer {
  const labels = name.split('.').filter((l) => l !== '');
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const tail = Buffer.from([type >> 8, type & 0xff, 0, 1]);
  return Buffer.concat([header, qname, tail]);
}

interface Decoded {
  id: number;
  flags: number;
  rcode: number;
  questions: { name: string; type: number; class: number }[];
  answers: { name: string; type: number; ttl: number; data: Buffer }[];
}

/**
 * A strict reader of responses, written apart from the server's parser: every name and record must lie
 * inside the message, pointers must point backwards, and the sections must use up the message exactly.
 */
function decodeResponse(msg: Buffer): Decoded {
  if (msg.length < 12) throw new Error('short response');
  const flags = msg.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o));
  let pos = 12;
  const name = (): string => {
    const labels: string[] = [];
    let p = pos;
    let jumped = false;
    for (let guard = 0; guard < 128; guard++) {
      if (p >= msg.length) throw new Error('name runs past the end');
      const len = msg[p]!;
      if (len === 0) {
        if (!jumped) pos = p + 1;
        return labels.join('.');
      }
      if ((len & 0xc0) === 0xc0) {
        const target = ((len & 0x3f) << 8) | msg[p + 1]!;
        if (p + 1 >= msg.length || target >= p) throw new Error('bad pointer');
        if (!jumped) pos = p + 2;
        jumped = true;
        p = target;
        continue;
      }
      if (len > 63 || p + 1 + len > msg.length) throw new Error('bad label');
      labels.push(msg.subarray(p + 1, p + 1 + len).toString('latin1'));
      p += 1 + len;
    }
    throw new Error('name too long');
  };
  const u16 = (): number => {
    if (pos + 2 > msg.length) throw new Error('truncated');
    pos += 2;
    return msg.readUInt16BE(pos - 2);
  };
  const questions = [];
  for (let i = 0; i < counts[0]!; i++) questions.push({ name: name(), type: u16(), class: u16() });
  const answers = [];
  for (let i = 0; i < counts[1]! + counts[2]! + counts[3]!; i++) {
    const n = name();
    const type = u16();
    u16();
    const ttl = (u16() << 16) | u16();
    const len = u16();
    if (pos + len > msg.length) throw new Error('rdata runs past the end');
    answers.push({ name: n, type, ttl, data: msg.subarray(pos, pos + len) });
    pos += len;
  }
  if (pos !== msg.length) throw new Error('trailing bytes');
  if ((flags & 0x8000) === 0) throw new Error('QR not set');
  return { id: msg.readUInt16BE(0), flags, rcode: flags & 0x0f, questions, answers };
}

const lookup = (name: string) => (name === 'web.shop' ? ['10.0.0.7'] : undefined);

describe('answerQuery', () => {
  it('answers A for a known name with TTL 5, echoing id, question and RD', () => {
    const r = decodeResponse(answerQuery(query('Web.Shop.'), lookup)!);
    expect(r.id).toBe(0x1234);
    expect(r.rcode).toBe(0);
    expect(r.flags & 0x0100).toBe(0x0100);
    expect(r.flags & 0x0400).toBe(0x0400);
    expect(r.questions).toEqual([{ name: 'Web.Shop', type: 1, class: 1 }]);
    expect(r.answers).toEqual([
      { name: 'Web.Shop', type: 1, ttl: SERVICE_TTL_SECONDS, data: Buffer.from([10, 0, 0, 7]) },
    ]);
  });

  it('gives NXDOMAIN for an unknown name, NOERROR without answers for AAAA, MX and TXT of a known one', () => {
    expect(decodeResponse(answerQuery(query('nope.shop'), lookup)!).rcode).toBe(3);
    expect(decodeResponse(answerQuery(query('nope.shop', 28), lookup)!).rcode).toBe(3);
    for (const type of [28, 15, 16]) {
      const r = decodeResponse(answerQuery(query('web.shop', type), lookup)!);
      expect(r.rcode).toBe(0);
      expect(r.answers).toEqual([]);
    }
  });

  it('reads a question whose name uses a compression pointer, and echoes it uncompressed', () => {
    // The only bytes before the question are the header's, so the pointer's target is there: an answer
    // count of 0x0178 reads, from offset 6, as the label "x" (0x01 0x78) then the root (0x00).
    const msg = Buffer.concat([
      Buffer.from([0x00, 0x07, 0x01, 0x00, 0, 1, 0x01, 0x78, 0, 0, 0, 0]),
      Buffer.from([3, ...Buffer.from('web'), 0xc0, 6]),
      Buffer.from([0, 1, 0, 1]),
    ]);
    const r = decodeResponse(answerQuery(msg, (name) => (name === 'web.x' ? ['10.0.0.9'] : undefined))!);
    expect(r.rcode).toBe(0);
    expect(r.questions).toEqual([{ name: 'web.x', type: 1, class: 1 }]);
    expect(r.answers.map((a) => [...a.data])).toEqual([[10, 0, 0, 9]]);
    // A pointer to itself is refused.
    const selfPointer = Buffer.concat([msg.subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    expect(decodeResponse(answerQuery(selfPointer, lookup)!).rcode).toBe(1);
  });

  it('refuses malformed queries: FORMERR or nothing, never a throw', () => {
    const good = query('web.shop');
    expect(answerQuery(good.subarray(0, 11), lookup)).toBeUndefined();
    // A response is never answered.
    const response = Buffer.from(good);
    response[2] = response[2]! | 0x80;
    expect(answerQuery(response, lookup)).toBeUndefined();
    // Truncated question, bad label length, label types 0x40/0x80, two questions, no question.
    expect(decodeResponse(answerQuery(good.subarray(0, good.length - 1), lookup)!).rcode).toBe(1);
    const badLabel = Buffer.from(good);
    badLabel[12] = 60;
    expect(decodeResponse(answerQuery(badLabel, lookup)!).rcode).toBe(1);
    for (const kind of [0x40, 0x80]) {
      const odd = Buffer.from(good);
      odd[12] = kind | 3;
      expect(decodeResponse(answerQuery(odd, lookup)!).rcode).toBe(1);
    }
    for (const qdcount of [0, 2, 0xffff]) {
      const many = Buffer.from(good);
      many.writeUInt16BE(qdcount, 4);
      const r = decodeResponse(answerQuery(many, lookup)!);
      expect(r.rcode).toBe(1);
      expect(r.questions).toEqual([]);
    }
    // Huge answer/authority/additional counts in a query are ignored, not trusted.
    const counts = Buffer.from(good);
    counts.writeUInt16BE(0xffff, 6);
    counts.writeUInt16BE(0xffff, 10);
    expect(decodeResponse(answerQuery(counts, lookup)!).answers).toHaveLength(1);
  });

  it('refuses pointer loops and forward pointers, and names over 255 octets', () => {
    const header = query('x').subarray(0, 12);
    // "a" then a pointer back to itself: a loop that reads a label every turn.
    const loop = Buffer.concat([header, Buffer.from([1, 0x61, 0xc0, 12, 0, 1, 0, 1])]);
    expect(decodeResponse(answerQuery(loop, lookup)!).rcode).toBe(1);
    const forward = Buffer.concat([header, Buffer.from([0xc0, 14, 0, 0, 1, 0, 1])]);
    expect(decodeResponse(answerQuery(forward, lookup)!).rcode).toBe(1);
    const long = query(Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.'));
    expect(decodeResponse(answerQuery(long, lookup)!).rcode).toBe(1);
  });

  it('answers other opcodes NOTIMP and other classes NOTIMP, a throwing lookup SERVFAIL', () => {
    const notify = query('web.shop');
    notify[2] = (4 << 3) | 1;
    expect(decodeResponse(answerQuery(notify, lookup)!).rcode).toBe(4);
    const chaos = query('web.shop');
    chaos.writeUInt16BE(3, chaos.length - 2);
    expect(decodeResponse(answerQuery(chaos, lookup)!).rcode).toBe(4);
    const r = answerQuery(query('web.shop'), () => {
      throw new Error('boom');
    });
    expect(decodeResponse(r!).rcode).toBe(2);
  });

  it('keeps a UDP answer within 512 bytes however many addresses there are', () => {
    const many = Array.from({ length: 100 }, (_, i) => `10.0.${i}.1`);
    const msg = answerQuery(query('web.shop'), () => many)!;
    expect(msg.length).toBeLessThanOrEqual(512);
    expect(decodeResponse(msg).answers.length).toBeGreaterThan(20);
  });

  it('property: any buffer gives no throw and, if anything, a well-formed response', () => {
    const arbitraryQuery = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
      // Mutations of a valid query reach the name and pointer paths far more often than random bytes.
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.boolean())
        .map(([noise, at, prefix]) => {
          const base = query('web.shop.svc.cluster.local');
          const cut = Buffer.from(base);
          for (const [i, b] of noise.entries()) cut[(at + i) % cut.length] = b;
          return prefix ? cut.subarray(0, at % (cut.length + 1)) : cut;
        }),
    );
    fc.assert(
      fc.property(arbitraryQuery, (msg) => {
        const response = answerQuery(msg, lookup);
        if (response === undefined) return;
        const r = decodeResponse(response);
        expect(r.id).toBe(msg.readUInt16BE(0));
        expect(r.questions.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 5000 },
    );
  });
});

function service(name: string, namespace: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ port: 80 }] },
  } as Service;
}

describe('serviceNameResolver', () => {
  const resolve = serviceNameResolver(
    [service('web', 'shop'), service('db', 'default')],
    'shop',
    '172.17.0.1',
  );

  it('resolves each name form, case-insensitively, a trailing dot ignored', () => {
    for (const name of [
      'web',
      'web.shop',
      'web.shop.svc',
      'web.shop.svc.cluster.local',
      'WEB.Shop.SVC.Cluster.Local.',
      'db.default',
      'db.default.svc.cluster.local',
    ]) {
      expect(resolve(name), name).toEqual(['172.17.0.1']);
    }
  });

  it('refuses unknown names and the search path expansions that are not a form', () => {
    for (const name of [
      'db', // bare names look only in the client's namespace
      'web.default',
      'web.shop.svc.cluster',
      'web.shop.cluster.local',
      'web.shop.shop.svc.cluster.local', // `web.shop` expanded with the search path first
      'example.com',
      '',
      '.',
      'web..shop',
    ]) {
      expect(resolve(name), name).toBeUndefined();
    }
  });

  it('names the service and namespace a name stands for', () => {
    expect(serviceOfName('web', 'shop')).toEqual({ name: 'web', namespace: 'shop' });
    expect(serviceOfName('api.prod.svc', 'shop')).toEqual({ name: 'api', namespace: 'prod' });
  });
});
