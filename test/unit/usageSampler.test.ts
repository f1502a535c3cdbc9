// Usage sampling: CPU times from /proc/stat and os.cpus(), cores in use between readings, the usage
// message a peer sends (strictly validated), the per-node ring buffer and its 10-minute window, and the
// monitor that ties them to a document handle's ephemeral messages.
import { EventEmitter } from 'node:events';
import type { DocHandle } from '@automerge/automerge-repo';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { coresInUse, cpuTimesFromOs, HostUsageReader, parseProcStat } from '../../agent/usage/hostUsage.ts';
import { Ring, UsageHistory } from '../../agent/usage/UsageHistory.ts';
import { UsageMonitor } from '../../agent/usage/UsageMonitor.ts';
import { readUsageMessage, type UsageSample, usageMessage } from '../../agent/usage/usageSample.ts';

const PROC_STAT = `cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0
cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0
cpu1 1335848 32969 448210 13428888 4070 0 3017 0 25017 0
cpu2 1368919 33210 470398 13401419 3426 0 2255 0 25011 0
cpu3 1431468 33287 484210 13316784 3057 0 2048 0 24906 0
intr 1462898 0 0 0
ctxt 2355493
btime 1700000000
`;

describe('CPU times', () => {
  it('reads the aggregate line of /proc/stat: busy excludes idle and iowait, cores from the cpuN lines', () => {
    const t = parseProcStat(PROC_STAT);
    expect(t).toEqual({
      busy: 10132153 + 290696 + 3084719 + 0 + 25195 + 0,
      total: 10132153 + 290696 + 3084719 + 0 + 25195 + 0 + 46828483 + 16683,
      cores: 4,
    });
  });

  it('refuses text without a cpu line or with garbage in it', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('intr 1 2 3\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 2 x 4\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 2\n')).toBeUndefined();
  });

  it('falls back to os.cpus() times', () => {
    const cpu = (user: number, idle: number) => ({
      model: 'x',
      speed: 1,
      times: { user, nice: 0, sys: 10, idle, irq: 0 },
    });
    expect(cpuTimesFromOs([cpu(100, 900), cpu(50, 950)])).toEqual({ busy: 170, total: 2020, cores: 2 });
  });

  it('turns two readings into cores in use, within 0..cores', () => {
    const a = { busy: 1000, total: 4000, cores: 4 };
    expect(coresInUse(a, { busy: 1600, total: 5000, cores: 4 })).toBeCloseTo(2.4);
    expect(coresInUse(a, { busy: 1000, total: 5000, cores: 4 })).toBe(0);
    expect(coresInUse(a, a)).toBe(0); // no time elapsed
    expect(coresInUse(a, { busy: 900, total: 5000, cores: 4 })).toBe(0); // counters went backwards
    expect(coresInUse(a, { busy: 9000, total: 5000, cores: 4 })).toBe(4);
  });

  it('the reader gives 0 cores for the baseline, then rates', async () => {
    const readings = [
      { busy: 0, total: 0, cores: 2 },
      { busy: 50, total: 100, cores: 2 },
    ];
    const reader = new HostUsageReader(
      async () => readings.shift() ?? { busy: 0, total: 0, cores: 2 },
      async () => 123,
    );
    expect(await reader.read()).toEqual({ cpuCores: 0, memoryBytes: 123 });
    expect(await reader.read()).toEqual({ cpuCores: 1, memoryBytes: 123 });
  });

  it('reads this machine for real', async () => {
    const reader = new HostUsageReader();
    await reader.read();
    const { cpuCores, memoryBytes } = await reader.read();
    expect(cpuCores).toBeGreaterThanOrEqual(0);
    expect(memoryBytes).toBeGreaterThan(0);
  });
});

describe('usage messages', () => {
  const good = { type: 'shoal-usage', node: 'node-a', sentAt: 1000, cpuCores: 1.5, memoryBytes: 2048 };

  it('round-trips a sample, stamped with the receiver’s time', () => {
    const msg = usageMessage({ node: 'node-a', at: 1000, cpuCores: 1.5, memoryBytes: 2048 });
    expect(msg).toEqual(good);
    expect(readUsageMessage(msg, 5000)).toEqual({
      ok: true,
      sample: { node: 'node-a', at: 5000, cpuCores: 1.5, memoryBytes: 2048 },
    });
  });

  it('ignores messages that are not usage messages', () => {
    expect(readUsageMessage({ type: 'shoal-heartbeat', node: 'a' }, 0)).toBeUndefined();
    expect(readUsageMessage('shoal-usage', 0)).toBeUndefined();
    expect(readUsageMessage(null, 0)).toBeUndefined();
  });

  it.each([
    [{ node: '' }, 'node is not a valid node name'],
    [{ node: 'Node_A' }, 'node is not a valid node name'],
    [{ node: 'a'.repeat(254) }, 'node is not a valid node name'],
    [{ node: 42 }, 'node is not a valid node name'],
    [{ sentAt: 'now' }, 'sentAt is not a time in ms'],
    [{ cpuCores: -1 }, 'cpuCores must be a number in 0..4096'],
    [{ cpuCores: Number.NaN }, 'cpuCores must be a number in 0..4096'],
    [{ cpuCores: 1e9 }, 'cpuCores must be a number in 0..4096'],
    [{ memoryBytes: 1.5 }, 'memoryBytes must be a whole number'],
    [{ memoryBytes: '1Gi' }, 'memoryBytes must be a whole number'],
    [{ memoryBytes: 2 ** 60 }, 'memoryBytes must be a whole number'],
    [{ extra: true }, 'unknown field extra'],
  ])('refuses %j', (change, error) => {
    const read = readUsageMessage({ ...good, ...change }, 0);
    expect(read?.ok).toBe(false);
    expect(read && !read.ok && read.error).toContain(error);
  });
});

describe('ring buffer and history', () => {
  it('a ring keeps the newest items in order and drops the oldest when full', () => {
    const ring = new Ring<number>(3);
    expect(ring.toArray()).toEqual([]);
    for (const n of [1, 2, 3, 4, 5]) ring.push(n);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.peek()).toBe(3);
    expect(ring.last()).toBe(5);
    expect(ring.shift()).toBe(3);
    ring.push(6);
    expect(ring.toArray()).toEqual([4, 5, 6]);
    expect(ring.size).toBe(3);
    expect(() => new Ring(0)).toThrow();
  });

  const s = (node: string, at: number, cpuCores = 1): UsageSample => ({ node, at, cpuCores, memoryBytes: 1 });

  it('keeps each node’s last window, by node then time, and forgets silent nodes', () => {
    const history = new UsageHistory({ windowMs: 10_000 });
    expect(history.add(s('b', 1000), 1000)).toBe(true);
    expect(history.add(s('a', 2000), 2000)).toBe(true);
    expect(history.add(s('a', 6000), 6000)).toBe(true);
    expect(history.samples(6000).map((x) => `${x.node}@${x.at}`)).toEqual(['a@2000', 'a@6000', 'b@1000']);
    expect(history.samples(12_500).map((x) => `${x.node}@${x.at}`)).toEqual(['a@6000']);
    expect(history.nodeCount).toBe(1);
    expect(history.add(s('a', 5000), 12_500)).toBe(false); // older than the node's last sample
    expect(history.add(s('c', 1000), 12_500)).toBe(false); // outside the window already
  });

  it('bounds samples per node and the number of nodes', () => {
    const history = new UsageHistory({ windowMs: 1e9, samplesPerNode: 5, maxNodes: 2 });
    for (let i = 0; i < 20; i++) history.add(s('a', i), 20);
    expect(history.samples(20).map((x) => x.at)).toEqual([15, 16, 17, 18, 19]);
    expect(history.add(s('b', 20), 20)).toBe(true);
    expect(history.add(s('c', 20), 20)).toBe(false);
  });
});

describe('UsageMonitor', () => {
  /** A document handle's ephemeral side: what one monitor broadcasts, the other receives. */
  function fakeHandles() {
    const a = new EventEmitter() as EventEmitter & { broadcast(m: unknown): void };
    const b = new EventEmitter() as EventEmitter & { broadcast(m: unknown): void };
    a.broadcast = (message) => b.emit('ephemeral-message', { message, senderId: 'a' });
    b.broadcast = (message) => a.emit('ephemeral-message', { message, senderId: 'b' });
    return [a, b] as unknown as [DocHandle<unknown>, DocHandle<unknown>];
  }

  it('samples its host, shares samples, keeps peers’ valid ones and tells listeners', async () => {
    const [ha, hb] = fakeHandles();
    let now = 100_000;
    const reader = (cpuCores: number) => ({ read: async () => ({ cpuCores, memoryBytes: 1 << 20 }) });
    const logger = pino({ level: 'silent' });
    const a = new UsageMonitor({ handle: ha, node: 'node-a', logger, reader: reader(0.5), now: () => now });
    const b = new UsageMonitor({ handle: hb, node: 'node-b', logger, reader: reader(2), now: () => now });
    a.start();
    b.start();
    const heard: UsageSample[] = [];
    const unsubscribe = b.subscribe((sample) => heard.push(sample));
    await a.sampleNow();
    now += 5000;
    await b.sampleNow();
    expect(heard.map((x) => x.node)).toEqual(['node-a', 'node-b']);
    expect(b.samples()).toEqual([
      { node: 'node-a', at: 100_000, cpuCores: 0.5, memoryBytes: 1 << 20 },
      { node: 'node-b', at: 105_000, cpuCores: 2, memoryBytes: 1 << 20 },
    ]);
    expect(a.samples().map((x) => x.node)).toEqual(['node-a', 'node-b']);

    // Garbage from a peer is dropped, other ephemeral messages are left alone.
    ha.broadcast({ type: 'shoal-usage', node: 'evil', sentAt: 1, cpuCores: -5, memoryBytes: 1 });
    ha.broadcast({ type: 'shoal-usage', node: 'evil', sentAt: 1, cpuCores: 1, memoryBytes: 1, x: 1 });
    ha.broadcast({ type: 'shoal-heartbeat', node: 'node-a' });
    expect(b.samples()).toHaveLength(2);

    unsubscribe();
    now += 11 * 60_000;
    expect(b.samples()).toEqual([]); // beyond the 10-minute window
    a.stop();
    b.stop();
    await a.sampleNow(); // stopped: nothing kept or sent
    expect(b.samples()).toEqual([]);
  });
});
