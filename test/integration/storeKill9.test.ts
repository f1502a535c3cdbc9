// Crash safety of the persisted cluster document: a child process writes to the store continuously and is
// killed with SIGKILL at a random moment, again and again on the same data directory. After each kill the
// store must open, and every write the child acknowledged (its promise resolved) must be there, intact.
// A second test kills a child in the middle of large chunk saves: no chunk may ever be left torn (with
// automerge-repo's NodeFSStorageAdapter, 14 of 15 such kills left a short file).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AtomicFsStorageAdapter } from '../../shared/store/AtomicFsStorageAdapter.ts';
import { openClusterDocument } from '../../shared/store/openClusterDocument.ts';
import { LOCAL_DOCUMENT } from '../support/localDocument.ts';

const ROUNDS = 22;
const WRITER = path.resolve(import.meta.dirname, '../support/storeWriter.ts');
const CHUNK_WRITER = path.resolve(import.meta.dirname, '../support/chunkWriter.ts');
const CHUNK_BYTES = 4_000_000; // as in chunkWriter.ts

interface Acknowledged {
  created: Map<string, { length: number; hash: string }>;
  /** Highest acknowledged status seq per pod. */
  status: Map<string, number>;
}

let dataDir = '';
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs the writer until it is READY, lets it write for `ms`, kills it, and collects its complete lines. */
async function runAndKill(round: number, ms: number, acked: Acknowledged): Promise<number> {
  return killAfter([WRITER, dataDir, String(round)], ms, (line) => {
    const [tag, key = '', a = '', b = ''] = line.split(' ');
    if (tag === 'C') acked.created.set(key, { length: Number(a), hash: b });
    if (tag === 'S') acked.status.set(key, Math.max(acked.status.get(key) ?? 0, Number(a)));
    return tag === 'C' || tag === 'S';
  });
}

/** Runs `node --import tsx <args>`, waits for READY, kills it `ms` later; returns the lines `onLine` counted. */
async function killAfter(args: string[], ms: number, onLine: (line: string) => boolean): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let pending = '';
  let count = 0;
  let ready: () => void = () => {};
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? ''; // a line cut by the kill is not an acknowledgement
    for (const line of lines) {
      if (line === 'READY') ready();
      else if (onLine(line)) count++;
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let timer: NodeJS.Timeout | undefined;
  const isReady = new Promise<void>((resolve, reject) => {
    ready = resolve;
    void exited.then((code) => reject(new Error(`writer exited (${code}) before READY:\n${stderr}`)));
    timer = setTimeout(() => reject(new Error(`writer not READY after 20 s:\n${stderr}`)), 20_000);
  });
  try {
    await isReady;
    await sleep(ms);
    if (child.exitCode !== null)
      throw new Error(`writer exited (${child.exitCode}) before the kill:\n${stderr}`);
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    await exited;
  }
  return count;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

it(`keeps every acknowledged write through ${ROUNDS} kill -9s`, async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'shoal-kill9-'));
  const acked: Acknowledged = { created: new Map(), status: new Map() };
  let total = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const written = await runAndKill(round, 100 + Math.floor(Math.random() * 700), acked);
    total += written;

    const { store } = await openClusterDocument(dataDir, LOCAL_DOCUMENT);
    try {
      expect(store.problems()).toEqual([]);
      for (const [key, expected] of acked.created) {
        const [namespace, name = ''] = key.split('/');
        const pod = store.get('Pod', namespace, name);
        expect(pod, `round ${round}: acknowledged pod ${key}`).toBeDefined();
        const spec = pod?.spec as { containers: { args: string[] }[] } | undefined;
        const arg = spec?.containers[0]?.args[0] ?? '';
        expect({ key, length: arg.length, hash: sha(arg) }).toEqual({ key, ...expected });
      }
      for (const [key, seq] of acked.status) {
        const [namespace, name = ''] = key.split('/');
        const message = (store.get('Pod', namespace, name)?.status as { message?: string } | undefined)
          ?.message;
        const stored = Number(message?.replace('seq=', '') ?? 0);
        expect(stored, `round ${round}: status of ${key}`).toBeGreaterThanOrEqual(seq);
      }
    } finally {
      await store.close();
    }
  }
  // The test means something only if the child got writes acknowledged in most rounds.
  expect(total).toBeGreaterThan(ROUNDS * 10);
  expect(acked.status.size).toBeGreaterThan(0);
}, 120_000);

it('never leaves a torn chunk when killed in the middle of large saves', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-torn-'));
  try {
    for (let round = 1; round <= 10; round++) {
      await killAfter([CHUNK_WRITER, dir], 50 + Math.floor(Math.random() * 250), () => false);
      const adapter = await AtomicFsStorageAdapter.open(dir); // also clears what the kill left in .tmp
      const chunks = await adapter.loadRange(['AAAAAA', 'snapshot']);
      expect(chunks.length, `round ${round}`).toBeGreaterThan(0);
      for (const { key, data } of chunks) {
        const whole = data?.length === CHUNK_BYTES && data.every((b) => b === data[0]);
        expect(whole, `round ${round}: ${key.join('/')} is ${data?.length} bytes`).toBe(true);
      }
      expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
