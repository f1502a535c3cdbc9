// ElectionDriver with real timers (short timings) and fileElectionPersistence on a real file system.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ElectionDriver,
  type ElectionPersistence,
  type RoleChange,
} from '../../agent/election/ElectionDriver.ts';
import type { ElectionMessage } from '../../agent/election/electionMessages.ts';
import { fileElectionPersistence } from '../../agent/election/fileElectionPersistence.ts';

const FAST = { heartbeatIntervalMs: 10, electionTimeoutMinMs: 50, electionTimeoutMaxMs: 100 };
/** Long enough that no timer fires during a test that drives the driver by hand. */
const SLOW = { heartbeatIntervalMs: 1000, electionTimeoutMinMs: 60_000, electionTimeoutMaxMs: 120_000 };

/** A persistence whose saves resolve only when the test says so, logging into a shared order. */
function gatedPersistence(log: string[]) {
  const gates: (() => void)[] = [];
  const persistence: ElectionPersistence = {
    load: async () => ({ term: 2, votedFor: undefined }),
    save: (term, votedFor) => {
      log.push(`save ${term} ${votedFor}`);
      return new Promise<void>((resolve) =>
        gates.push(() => {
          log.push(`saved ${term} ${votedFor}`);
          resolve();
        }),
      );
    },
  };
  return { persistence, releaseNext: () => gates.shift()?.() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ElectionDriver', () => {
  it('awaits persistence before sending the vote it persists', async () => {
    const log: string[] = [];
    const { persistence, releaseNext } = gatedPersistence(log);
    const send = (to: string, m: ElectionMessage) =>
      void log.push(`send ${to} ${m.type} ${JSON.stringify(m)}`);
    const driver = new ElectionDriver({ id: 'a', voters: ['a', 'b', 'c'], persistence, send, timings: SLOW });
    await driver.start();

    driver.receive('b', { type: 'RequestVote', term: 3, candidateId: 'b' });
    driver.receive('c', { type: 'RequestVote', term: 3, candidateId: 'c' }); // queued behind the first save
    await settle();
    expect(log).toEqual(['save 3 b']);
    releaseNext();
    await settle();
    expect(log).toEqual([
      'save 3 b',
      'saved 3 b',
      'send b VoteResponse {"type":"VoteResponse","term":3,"granted":true}',
      'send c VoteResponse {"type":"VoteResponse","term":3,"granted":false}',
    ]);
    expect(driver.term).toBe(3);
    await driver.stop();
  });

  it('a single voter elects itself and announces it; stop() announces it no longer leads', async () => {
    const saved: string[] = [];
    const persistence: ElectionPersistence = {
      load: async () => ({ term: 0, votedFor: undefined }),
      save: async (term, votedFor) => void saved.push(`${term} ${votedFor}`),
    };
    const driver = new ElectionDriver({
      id: 'solo',
      voters: ['solo'],
      persistence,
      send: () => {},
      timings: FAST,
    });
    const roles: RoleChange[] = [];
    const leaders: (string | undefined)[] = [];
    driver.on('role', (r) => roles.push(r));
    driver.on('leader', (l) => leaders.push(l.leaderId));
    const elected = new Promise((resolve) => driver.once('leader', resolve));
    await driver.start();
    await elected;
    expect(saved).toEqual(['1 solo']);
    expect(driver.isLeader).toBe(true);
    expect([driver.role, driver.term, driver.leaderId]).toEqual(['leader', 1, 'solo']);
    await driver.stop();
    expect(driver.isLeader).toBe(false);
    expect(roles.at(-1)).toEqual({ role: 'follower', term: 1, leaderId: undefined });
    expect(leaders).toEqual(['solo', undefined]);
  });

  it('three drivers wired together elect one leader, heartbeat, and fail over', async () => {
    const ids = ['a', 'b', 'c'];
    const drivers = new Map<string, ElectionDriver>();
    for (const id of ids) {
      const persistence: ElectionPersistence = {
        load: async () => ({ term: 0, votedFor: undefined }),
        save: async () => {},
      };
      const send = (to: string, m: ElectionMessage) => {
        const peer = drivers.get(to);
        setTimeout(() => peer?.receive(id, JSON.parse(JSON.stringify(m))), 1);
      };
      drivers.set(id, new ElectionDriver({ id, voters: ids, persistence, send, timings: FAST }));
    }
    await Promise.all([...drivers.values()].map((d) => d.start()));
    const leaderOf = () => [...drivers.values()].filter((d) => d.isLeader).map((d) => d.leaderId);
    await until(() => leaderOf().length === 1);
    const first = leaderOf()[0] ?? '';
    await drivers.get(first)?.stop();
    drivers.delete(first);
    await until(() => leaderOf().length === 1);
    expect(leaderOf()[0]).not.toBe(first);
    await Promise.all([...drivers.values()].map((d) => d.stop()));
  });

  it('reports malformed messages and stops for good when persistence fails', async () => {
    const sent: string[] = [];
    const persistence: ElectionPersistence = {
      load: async () => ({ term: 0, votedFor: undefined }),
      save: async () => {
        throw new Error('disk full');
      },
    };
    const driver = new ElectionDriver({
      id: 'a',
      voters: ['a', 'b', 'c'],
      persistence,
      send: (to) => void sent.push(to),
      timings: SLOW,
    });
    const dropped: string[] = [];
    driver.on('dropped', (d) => dropped.push(`${d.from}: ${d.reason}`));
    const failed = new Promise<Error>((resolve) => driver.once('failed', resolve));
    await driver.start();
    driver.receive('b', { type: 'RequestVote' });
    driver.receive('b', { type: 'RequestVote', term: 1, candidateId: 'b' });
    expect((await failed).message).toBe('disk full');
    driver.receive('c', { type: 'RequestVote', term: 2, candidateId: 'c' });
    await settle();
    expect(dropped).toEqual(['b: RequestVote: term must be a non-negative safe integer']);
    expect(sent).toEqual([]); // the vote that could not be saved was never promised
  });

  it('a throwing listener stops the driver with failed, not an unhandled rejection', async () => {
    const persistence: ElectionPersistence = {
      load: async () => ({ term: 0, votedFor: undefined }),
      save: async () => {},
    };
    const driver = new ElectionDriver({
      id: 'solo',
      voters: ['solo'],
      persistence,
      send: () => {},
      timings: FAST,
    });
    driver.on('role', () => {
      throw new Error('listener bug');
    });
    const failed = new Promise<Error>((resolve) => driver.once('failed', resolve));
    await driver.start();
    expect((await failed).message).toBe('listener bug');
    expect(driver.isLeader).toBe(false);
  });
});

describe('fileElectionPersistence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-election-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips term and vote, atomically, leaving no temporary files', async () => {
    const file = path.join(dir, 'nested', 'election.json');
    const persistence = fileElectionPersistence(file);
    expect(await persistence.load()).toEqual({ term: 0, votedFor: undefined });
    await persistence.save(3, 'node-b');
    expect(await fileElectionPersistence(file).load()).toEqual({ term: 3, votedFor: 'node-b' });
    await persistence.save(4, undefined);
    expect(await fileElectionPersistence(file).load()).toEqual({ term: 4, votedFor: undefined });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ term: 4, votedFor: null });
    expect(await readdir(path.dirname(file))).toEqual(['election.json']);
  });

  it('cleans up a temporary file left by a process killed mid-save', async () => {
    const file = path.join(dir, 'election.json');
    await fileElectionPersistence(file).save(2, 'a');
    await writeFile(`${file}.0b1e.tmp`, '{"term":9');
    expect(await fileElectionPersistence(file).load()).toEqual({ term: 2, votedFor: 'a' });
    expect(await readdir(dir)).toEqual(['election.json']);
  });

  it.each([
    ['not json', 'is not valid JSON'],
    ['{"votedFor":null}', 'has no valid term'],
    ['{"term":-1,"votedFor":null}', 'has no valid term'],
    ['{"term":2,"votedFor":7}', 'has an invalid votedFor'],
  ])('refuses a damaged file %j rather than forgetting a vote', async (contents, error) => {
    const file = path.join(dir, 'election.json');
    await writeFile(file, contents);
    await expect(fileElectionPersistence(file).load()).rejects.toThrow(error);
  });
});

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
