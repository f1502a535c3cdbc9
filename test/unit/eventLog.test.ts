// The agent's event log: Kubernetes-shaped Event objects, aggregation of repeats, bounds and the 1 h TTL,
// the file it persists to (debounced, corrupt files survived), untrusted events from peers, and their
// broadcast between real automerge-repo peers as ephemeral messages.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '@automerge/automerge';
import {
  type DocHandle,
  type DocumentId,
  interpretAsDocumentId,
  Repo,
  stringifyAutomergeUrl,
} from '@automerge/automerge-repo';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, type EventLogOptions } from '../../agent/events/EventLog.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import {
  EventBroadcast,
  MAX_EVENTS_PER_MESSAGE,
  readEventsMessage,
} from '../../agent/events/eventBroadcast.ts';
import { acceptEvent, eventName, MAX_MESSAGE_CHARS } from '../../agent/events/eventObject.ts';
import { validateObject } from '../../shared/model/validate.ts';
import type { WatchEvent } from '../../shared/store/ClusterStore.ts';
import { SwarmNetworkAdapter } from '../../shared/sync/SwarmNetworkAdapter.ts';
import { waitForDocument } from '../../shared/sync/waitForDocument.ts';

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

const logs: EventLog[] = [];
function makeLog(opts: Partial<EventLogOptions> = {}): EventLog {
  const log = new EventLog({ node: 'node-a', logger: pino({ level: 'silent' }), ...opts });
  logs.push(log);
  return log;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

const T0 = Date.parse('2026-03-01T10:00:00Z');
function clock(start = T0) {
  const c = { t: start, now: () => c.t };
  return c;
}

const pulled = (name = 'web', extra: Partial<EventRecord> = {}): EventRecord => ({
  involvedObject: {
    kind: 'Pod',
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    fieldPath: 'spec.containers{web}',
  },
  type: 'Normal',
  reason: 'Pulled',
  message: 'Container image "nginx:1.25" already present on machine',
  ...extra,
});

describe('recording', () => {
  it('makes a core/v1 Event that the model accepts, named <object>.<16 hex>, from the kubelet on this node', () => {
    const c = clock();
    const log = makeLog({ now: c.now });
    log.record(pulled());
    const [event] = log.list();
    expect(event).toBeDefined();
    expect(validateObject(event).ok).toBe(true);
    expect(event?.metadata.name).toMatch(/^web\.[0-9a-f]{16}$/);
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'shop', resourceVersion: '1' },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'shop',
        name: 'web',
        uid: 'uid-web',
        fieldPath: 'spec.containers{web}',
      },
      type: 'Normal',
      reason: 'Pulled',
      count: 1,
      firstTimestamp: '2026-03-01T10:00:00Z',
      lastTimestamp: '2026-03-01T10:00:00Z',
      source: { component: 'kubelet', host: 'node-a' },
    });
  });

  it('puts events about cluster-scoped objects (Node) in "default", as Kubernetes does', () => {
    const log = makeLog();
    log.record({
      involvedObject: { kind: 'Node', name: 'node-a' },
      type: 'Warning',
      reason: 'FailedMount',
      message: 'x',
    });
    const [event] = log.list();
    expect(event?.metadata.namespace).toBe('default');
    expect(event?.involvedObject).toEqual({ kind: 'Node', name: 'node-a', apiVersion: 'v1' });
  });

  it('bumps count and lastTimestamp of a repeat instead of adding a row, and reports MODIFIED', () => {
    const c = clock();
    const log = makeLog({ now: c.now });
    const seen: string[] = [];
    log.watch((e) => seen.push(`${e.type} ${e.object.metadata.resourceVersion}`));
    const backOff = pulled('web', {
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
    });
    log.record(backOff);
    c.t += 10_000;
    log.record(backOff);
    c.t += 20_000;
    log.record(backOff);
    log.record({ ...backOff, message: 'another message' }); // different message: its own row
    log.record({ ...backOff, involvedObject: { ...backOff.involvedObject, uid: 'uid-other' } }); // a new pod
    const events = log.list({ fieldSelector: 'reason=BackOff' });
    expect(events).toHaveLength(3);
    const repeated = events.find((e) => e.count === 3);
    expect(repeated).toMatchObject({
      firstTimestamp: '2026-03-01T10:00:00Z',
      lastTimestamp: '2026-03-01T10:00:30Z',
    });
    expect(seen).toEqual(['ADDED 1', 'MODIFIED 2', 'MODIFIED 3', 'ADDED 4', 'ADDED 5']);
  });

  it('cuts long messages, keeps names valid for long object names, and never throws on a bad record', () => {
    const { logger, lines } = capturingLogger();
    const log = makeLog({ logger });
    log.record(pulled('web', { message: 'm'.repeat(5000) }));
    log.record(pulled(`${'a'.repeat(250)}`));
    log.record(pulled('Not_A_Valid_Name')); // names an object no Kubernetes object can be: still no crash
    log.record({ involvedObject: { kind: 'Pod', name: 'x' }, type: 'Normal', reason: '', message: '' });
    for (const e of log.list()) expect(validateObject(e).ok).toBe(true);
    expect(log.list().find((e) => e.involvedObject.name === 'web')?.message).toHaveLength(MAX_MESSAGE_CHARS);
    expect(log.list().some((e) => e.involvedObject.name === 'a'.repeat(250))).toBe(true);
    expect(eventName('a'.repeat(250), '0123456789abcdef')).toHaveLength(253);
    expect(eventName('Not_Valid', '0123456789abcdef')).toBe('event.0123456789abcdef');
    // Only the record without a reason is refused, with a warning naming why.
    expect(lines.filter((l) => l.level >= 40).map((l) => l.error)).toEqual(['reason: Required value']);
    expect(log.size.own).toBe(3);
  });
});

describe('bounds and expiry', () => {
  it('keeps at most maxOwn own events, dropping the least recently changed, with DELETED to watchers', () => {
    const log = makeLog({ maxOwn: 3 });
    const deleted: string[] = [];
    log.watch((e) => e.type === 'DELETED' && deleted.push(e.object.involvedObject.name ?? ''));
    for (const name of ['p1', 'p2', 'p3']) log.record(pulled(name));
    log.record(pulled('p1')); // p1 repeats: now the most recent
    log.record(pulled('p4'));
    expect(log.list().map((e) => e.involvedObject.name)).toEqual(expect.arrayContaining(['p1', 'p3', 'p4']));
    expect(log.size.own).toBe(3);
    expect(deleted).toEqual(['p2']);
  });

  it('keeps at most maxPeer events from peers, apart from its own', () => {
    const source = makeLog({ node: 'node-b' });
    for (let i = 0; i < 5; i++) source.record(pulled(`p${i}`));
    const log = makeLog({ maxPeer: 2, maxOwn: 1 });
    log.record(pulled('mine'));
    expect(log.receive(source.takeOutgoing(100, 1e6))).toEqual({ accepted: 5, dropped: 0 });
    expect(log.size).toEqual({ own: 1, peer: 2 });
    expect(log.list().map((e) => e.involvedObject.name)).toEqual(
      expect.arrayContaining(['mine', 'p3', 'p4']),
    );
  });

  it('drops events an hour after they last changed', () => {
    const c = clock();
    const log = makeLog({ now: c.now });
    log.record(pulled('old'));
    c.t += 30 * 60_000;
    log.record(pulled('recent'));
    c.t += 31 * 60_000;
    const deleted: string[] = [];
    log.watch((e) => e.type === 'DELETED' && deleted.push(e.object.involvedObject.name ?? ''));
    log.expire();
    expect(log.list().map((e) => e.involvedObject.name)).toEqual(['recent']);
    expect(deleted).toEqual(['old']);
    log.record(pulled('old')); // no longer aggregated into the expired row: a fresh event
    expect(log.list({ fieldSelector: 'involvedObject.name=old' })[0]?.count).toBe(1);
  });
});

describe('list', () => {
  it('filters by namespace and by field selectors on involvedObject, reason and type', () => {
    const log = makeLog();
    log.record(pulled('web'));
    log.record(pulled('db', { reason: 'Killing', message: 'Stopping container db' }));
    log.record({
      ...pulled('api'),
      involvedObject: { kind: 'Pod', namespace: 'other', name: 'api', uid: 'u-api' },
    });
    log.record({
      involvedObject: { kind: 'Node', name: 'node-a' },
      type: 'Warning',
      reason: 'Failed',
      message: 'x',
    });
    const names = (opts: Parameters<EventLog['list']>[0]) => log.list(opts).map((e) => e.involvedObject.name);
    expect(names({ namespace: 'shop' })).toEqual(expect.arrayContaining(['web', 'db']));
    expect(names({ namespace: 'shop' })).toHaveLength(2);
    expect(names({ fieldSelector: 'involvedObject.name=web' })).toEqual(['web']);
    expect(names({ fieldSelector: 'involvedObject.kind=Node' })).toEqual(['node-a']);
    expect(names({ fieldSelector: 'involvedObject.namespace=other' })).toEqual(['api']);
    expect(names({ fieldSelector: 'involvedObject.uid=uid-db' })).toEqual(['db']);
    expect(names({ fieldSelector: 'reason=Killing' })).toEqual(['db']);
    expect(names({ fieldSelector: 'type=Warning' })).toEqual(['node-a']);
    expect(names({ fieldSelector: 'type!=Warning,involvedObject.namespace=shop' })).toHaveLength(2);
    expect(() => log.list({ fieldSelector: 'reason' })).toThrow(/invalid field selector "reason"/);
    // Sorted by namespace then name, like the store's lists.
    const keys = log.list().map((e) => `${e.metadata.namespace}/${e.metadata.name}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('hands out frozen objects, so a reader cannot change the log', () => {
    const log = makeLog();
    log.record(pulled());
    const [event] = log.list();
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event?.involvedObject)).toBe(true);
  });
});

describe('persistence', () => {
  it('survives a restart: same events, counts and aggregation', async () => {
    const file = join(dir, 'restart.json');
    const c = clock(Date.now());
    const first = await EventLog.open({
      node: 'node-a',
      logger: pino({ level: 'silent' }),
      file,
      now: c.now,
    });
    first.record(pulled());
    first.record(pulled());
    first.record(pulled('db'));
    const before = first.list();
    await first.close();
    const second = await EventLog.open({
      node: 'node-a',
      logger: pino({ level: 'silent' }),
      file,
      now: c.now,
    });
    logs.push(second);
    expect(second.list().map((e) => [e.metadata.name, e.count])).toEqual(
      before.map((e) => [e.metadata.name, e.count]),
    );
    second.record(pulled());
    expect(second.list({ fieldSelector: 'involvedObject.name=web' })[0]?.count).toBe(3);
    expect(Number(second.resourceVersion)).toBeGreaterThan(Number(first.resourceVersion));
  });

  it('writes at most once per interval, whatever the number of records', async () => {
    const file = join(dir, 'debounce.json');
    const log = await EventLog.open({
      node: 'node-a',
      logger: pino({ level: 'silent' }),
      file,
      persistIntervalMs: 400,
    });
    logs.push(log);
    const countOnDisk = async () => {
      try {
        return (JSON.parse(await readFile(file, 'utf8')) as { entries: unknown[] }).entries.length;
      } catch {
        return 0;
      }
    };
    log.record(pulled('p1'));
    await new Promise((r) => setTimeout(r, 100));
    expect(await countOnDisk()).toBe(1); // the first write is not delayed
    log.record(pulled('p2'));
    log.record(pulled('p3'));
    await new Promise((r) => setTimeout(r, 100));
    expect(await countOnDisk()).toBe(1); // within the interval: not yet
    await new Promise((r) => setTimeout(r, 400));
    expect(await countOnDisk()).toBe(3);
  });

  it('starts empty, with a warning, from a corrupt file, and skips invalid entries of a readable one', async () => {
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"version":1,"entries":[{"own":tru');
    const { logger, lines } = capturingLogger();
    const log = await EventLog.open({ node: 'node-a', logger, file: corrupt });
    logs.push(log);
    expect(log.list()).toEqual([]);
    expect(lines.some((l) => l.level === 40 && /cannot be read/.test(l.msg))).toBe(true);

    const source = makeLog();
    source.record(pulled());
    const [valid] = source.list();
    const mixed = join(dir, 'mixed.json');
    await writeFile(
      mixed,
      JSON.stringify({
        version: 1,
        resourceVersion: 9,
        entries: [
          { own: true, touchedAt: Date.now(), event: valid },
          { own: true, touchedAt: Date.now(), event: { ...valid, type: 'Bogus' } },
          { own: 'yes', touchedAt: Date.now(), event: valid },
          'garbage',
        ],
      }),
    );
    const second = await EventLog.open({ node: 'node-a', logger, file: mixed });
    logs.push(second);
    expect(second.list().map((e) => e.metadata.name)).toEqual([valid?.metadata.name]);
    expect(lines.some((l) => l.skipped === 3)).toBe(true);
    await writeFile(mixed, '[1,2,3]');
    const third = await EventLog.open({ node: 'node-a', logger, file: mixed });
    logs.push(third);
    expect(third.list()).toEqual([]);
  });
});

describe('events from peers', () => {
  function peerEvent(overrides: Record<string, unknown> = {}) {
    const source = makeLog({ node: 'node-b' });
    source.record(pulled('remote'));
    const [event] = source.takeOutgoing(1, 1e6);
    return { ...structuredClone(event), ...overrides } as Record<string, unknown>;
  }

  it('takes a valid event, ignores a resend, takes a later state as MODIFIED', () => {
    const log = makeLog();
    const seen: WatchEvent['type'][] = [];
    log.watch((e) => seen.push(e.type));
    const event = peerEvent();
    expect(log.receive([event])).toEqual({ accepted: 1, dropped: 0 });
    expect(log.receive([event])).toEqual({ accepted: 0, dropped: 0 });
    expect(log.receive([{ ...event, count: 2, lastTimestamp: '2030-01-01T00:00:00Z' }]).accepted).toBe(1);
    expect(log.receive([{ ...event, count: 1 }]).accepted).toBe(0); // an older state: kept ours
    expect(seen).toEqual(['ADDED', 'MODIFIED']);
    expect(log.list()[0]).toMatchObject({ count: 2, source: { host: 'node-b' } });
  });

  it('drops invalid events with a debug log, caps sizes and counts, and never lets a peer replace its own', () => {
    const { logger, lines } = capturingLogger();
    const log = makeLog({ logger });
    log.record(pulled('mine'));
    const [mine] = log.takeOutgoing(1, 1e6);
    const base = peerEvent();
    const result = log.receive([
      null,
      'text',
      { ...base, kind: 'Pod' },
      { ...base, type: 'Bogus' },
      { ...base, metadata: { name: 'x.1' } }, // no namespace
      { ...base, reason: undefined },
      { ...base, extra: 'field' },
      {
        ...base,
        metadata: { ...(base.metadata as object), labels: { big: 'x'.repeat(60), ...manyLabels() } },
      },
      { ...base, message: 'y'.repeat(10_000), metadata: { name: 'long.1', namespace: 'shop' } },
      { ...base, count: 1e12, metadata: { name: 'many.1', namespace: 'shop' } },
      { ...mine, count: 99 },
    ]);
    expect(result).toEqual({ accepted: 2, dropped: 8 });
    expect(log.get('shop', 'long.1')?.message).toHaveLength(MAX_MESSAGE_CHARS);
    expect(log.get('shop', 'many.1')?.count).toBe(2 ** 31 - 1);
    expect(log.list({ fieldSelector: 'involvedObject.name=mine' })[0]?.count).toBe(1);
    expect(lines.filter((l) => l.msg === 'dropped an invalid event from a peer')).toHaveLength(8);
  });

  it('never throws, whatever a peer sends', () => {
    const log = makeLog();
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 5 }), (values) => {
        const r = log.receive(values);
        expect(r.accepted + r.dropped).toBeLessThanOrEqual(values.length);
      }),
      { numRuns: 200 },
    );
    expect(readEventsMessage({ type: 'shoal-events', events: 'no' })).toMatchObject({ ok: false });
    expect(readEventsMessage({ type: 'shoal-heartbeat' })).toBeUndefined();
    expect(
      readEventsMessage({
        type: 'shoal-events',
        node: 'b',
        events: new Array(MAX_EVENTS_PER_MESSAGE + 1).fill({}),
      }),
    ).toMatchObject({ ok: false });
  });

  it('accepts what its own log produces (the model round trip)', () => {
    const log = makeLog();
    log.record(pulled());
    const [event] = log.takeOutgoing(10, 1e6);
    expect(event?.metadata.resourceVersion).toBeUndefined(); // local versions do not travel
    expect(acceptEvent(event).ok).toBe(true);
  });
});

function manyLabels(): Record<string, string> {
  const labels: Record<string, string> = {};
  for (let i = 0; i < 100; i++) labels[`label-${i}`] = 'v'.repeat(40);
  return labels;
}

describe('outgoing', () => {
  it('gives each changed own event once, bounded by count and bytes; resendRecent queues all again', () => {
    const log = makeLog();
    for (let i = 0; i < 5; i++) log.record(pulled(`p${i}`));
    log.record(pulled('p0')); // changed again while queued: sent once, in its latest state
    const batch = log.takeOutgoing(3, 1e6);
    expect(batch.map((e) => e.involvedObject.name)).toEqual(['p0', 'p1', 'p2']);
    expect(batch[0]?.count).toBe(2);
    const size = Buffer.byteLength(JSON.stringify(batch[1]));
    expect(log.takeOutgoing(10, size + 10)).toHaveLength(1); // bytes bound
    expect(log.takeOutgoing(10, 1)).toHaveLength(1); // at least one
    expect(log.takeOutgoing(10, 1e6)).toEqual([]);
    log.resendRecent();
    expect(log.takeOutgoing(100, 1e6)).toHaveLength(5);
  });
});

describe('broadcast between automerge-repo peers', () => {
  interface Peer {
    name: string;
    repo: Repo;
    adapter: SwarmNetworkAdapter;
    log: EventLog;
    broadcast?: EventBroadcast<Doc>;
    handle?: DocHandle<Doc>;
  }
  type Doc = { items: Record<string, string> };
  const DOC_ID: DocumentId = interpretAsDocumentId(
    stringifyAutomergeUrl(new Uint8Array(16).fill(9) as never),
  );
  const peers: Peer[] = [];

  function makePeer(node: string): Peer {
    const adapter = new SwarmNetworkAdapter(() => {});
    const repo = new Repo({ network: [adapter], sharePolicy: async () => true });
    const peer: Peer = { name: node, repo, adapter, log: makeLog({ node }) };
    peers.push(peer);
    return peer;
  }

  function link(a: Peer, b: Peer): void {
    const ends: { receive: (d: Uint8Array) => void }[] = [];
    const deliver = (to: number) => (data: Uint8Array) => setImmediate(() => ends[to]?.receive(data));
    ends[0] = a.adapter.attach({ remoteId: b.name, send: deliver(1) });
    ends[1] = b.adapter.attach({ remoteId: a.name, send: deliver(0) });
  }

  function start(peer: Peer, handle: DocHandle<Doc>): void {
    peer.handle = handle;
    peer.broadcast = new EventBroadcast<Doc>({
      handle,
      log: peer.log,
      node: peer.name,
      logger: pino({ level: 'silent' }),
      intervalMs: 20,
    });
    peer.broadcast.start();
  }

  async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  afterEach(async () => {
    for (const p of peers.splice(0)) {
      p.broadcast?.stop();
      await p.repo.shutdown();
    }
  });

  it('delivers recorded events to a peer, and the recent ones to a peer that joins late', async () => {
    const [a, b, c] = [makePeer('node-a'), makePeer('node-b'), makePeer('node-c')];
    link(a, b);
    const ha = a.repo.import<Doc>(A.save(A.from<Doc>({ items: {} })), { docId: DOC_ID });
    start(a, ha);
    start(b, await waitForDocument<Doc>(b.repo, DOC_ID, { retryMs: 20 }));
    a.log.record(pulled('web'));
    await waitFor(() => b.log.list().length === 1);
    expect(b.log.list()[0]).toMatchObject({ source: { host: 'node-a' }, involvedObject: { name: 'web' } });
    a.log.record(pulled('web'));
    await waitFor(() => b.log.list()[0]?.count === 2);

    // Garbage on the same channel changes nothing and breaks nothing.
    ha.broadcast({ type: 'shoal-events', node: 'evil', events: [{ kind: 'Event' }, 42] });
    ha.broadcast({ type: 'shoal-events', node: 'evil', events: 'all of them' });

    link(b, c);
    start(c, await waitForDocument<Doc>(c.repo, DOC_ID, { retryMs: 20 }));
    a.broadcast?.resendRecent();
    await waitFor(() => c.log.list().length === 1); // relayed through b
    expect(c.log.list()[0]?.count).toBe(2);
    expect(b.log.list()).toHaveLength(1);
  });
});
