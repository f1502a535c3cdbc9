// The storage adapter contract of automerge-repo (its acceptance suite, helpers/tests/storage-adapter-tests),
// run on AtomicFsStorageAdapter and, to show it is the same contract, on NodeFSStorageAdapter. One change:
// loadRange results are compared in key order. The upstream suite expects insertion order, which only
// NodeFS's in-memory cache provides; StorageSubsystem does not depend on it.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk, StorageAdapterInterface } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFsStorageAdapter } from '../../shared/store/AtomicFsStorageAdapter.ts';

const PAYLOAD_A = () => new Uint8Array([0, 1, 127, 99, 154, 235]);
const PAYLOAD_B = () => new Uint8Array([1, 76, 160, 53, 57, 10, 230]);
const PAYLOAD_C = () => new Uint8Array([2, 111, 74, 131, 236, 96, 142, 193]);
const LARGE_PAYLOAD = new Uint8Array(100_000).map(() => Math.floor(Math.random() * 256));

const byKey = (chunks: Chunk[]) => [...chunks].sort((a, b) => a.key.join('/').localeCompare(b.key.join('/')));

function storageAdapterContract(name: string, open: (dir: string) => Promise<StorageAdapterInterface>): void {
  describe(`storage adapter contract: ${name}`, () => {
    let dir: string;
    let adapter: StorageAdapterInterface;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'shoal-storage-'));
      adapter = await open(dir);
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('load returns undefined when there is no data', async () => {
      expect(await adapter.load(['AAAAA', 'sync-state', 'xxxxx'])).toBeUndefined();
    });

    it('returns data that was saved, under simple and composite keys', async () => {
      await adapter.save(['storage-adapter-id'], PAYLOAD_A());
      expect(await adapter.load(['storage-adapter-id'])).toStrictEqual(PAYLOAD_A());
      await adapter.save(['AAAAA', 'sync-state', 'xxxxx'], PAYLOAD_B());
      expect(await adapter.load(['AAAAA', 'sync-state', 'xxxxx'])).toStrictEqual(PAYLOAD_B());
    });

    it('works with a large payload', async () => {
      await adapter.save(['AAAAA', 'sync-state', 'xxxxx'], LARGE_PAYLOAD);
      expect(await adapter.load(['AAAAA', 'sync-state', 'xxxxx'])).toStrictEqual(LARGE_PAYLOAD);
    });

    it('loadRange returns an empty array when there is no data', async () => {
      expect(await adapter.loadRange(['AAAAA'])).toStrictEqual([]);
    });

    it('loadRange returns all the data under a prefix, and only that', async () => {
      await adapter.save(['AAAAA', 'sync-state', 'xxxxx'], PAYLOAD_A());
      await adapter.save(['AAAAA', 'snapshot', 'yyyyy'], PAYLOAD_B());
      await adapter.save(['AAAAA', 'sync-state', 'zzzzz'], PAYLOAD_C());
      await adapter.save(['BBBBB', 'sync-state', 'zzzzz'], PAYLOAD_C());
      expect(byKey(await adapter.loadRange(['AAAAA']))).toStrictEqual([
        { key: ['AAAAA', 'snapshot', 'yyyyy'], data: PAYLOAD_B() },
        { key: ['AAAAA', 'sync-state', 'xxxxx'], data: PAYLOAD_A() },
        { key: ['AAAAA', 'sync-state', 'zzzzz'], data: PAYLOAD_C() },
      ]);
      expect(byKey(await adapter.loadRange(['AAAAA', 'sync-state']))).toStrictEqual([
        { key: ['AAAAA', 'sync-state', 'xxxxx'], data: PAYLOAD_A() },
        { key: ['AAAAA', 'sync-state', 'zzzzz'], data: PAYLOAD_C() },
      ]);
    });

    it('remove deletes one value', async () => {
      await adapter.save(['AAAAA', 'snapshot', 'xxxxx'], PAYLOAD_A());
      await adapter.remove(['AAAAA', 'snapshot', 'xxxxx']);
      await adapter.remove(['AAAAA', 'snapshot', 'never-saved']);
      expect(await adapter.loadRange(['AAAAA'])).toStrictEqual([]);
      expect(await adapter.load(['AAAAA', 'snapshot', 'xxxxx'])).toBeUndefined();
    });

    it('save overwrites data saved under the same key', async () => {
      await adapter.save(['AAAAA', 'sync-state', 'xxxxx'], PAYLOAD_A());
      await adapter.save(['AAAAA', 'sync-state', 'xxxxx'], PAYLOAD_B());
      expect(await adapter.loadRange(['AAAAA', 'sync-state'])).toStrictEqual([
        { key: ['AAAAA', 'sync-state', 'xxxxx'], data: PAYLOAD_B() },
      ]);
    });

    it('removeRange removes a prefix and nothing else', async () => {
      await adapter.save(['AAAAA', 'sync-state', 'xxxxx'], PAYLOAD_A());
      await adapter.save(['AAAAA', 'snapshot', 'yyyyy'], PAYLOAD_B());
      await adapter.save(['AAAAA', 'sync-state', 'zzzzz'], PAYLOAD_C());
      await adapter.save(['BBBBB', 'sync-state', 'zzzzz'], PAYLOAD_B());
      await adapter.removeRange(['AAAAA', 'sync-state']);
      expect(await adapter.loadRange(['AAAAA'])).toStrictEqual([
        { key: ['AAAAA', 'snapshot', 'yyyyy'], data: PAYLOAD_B() },
      ]);
      await adapter.removeRange(['AAAAA']);
      expect(await adapter.loadRange(['AAAAA'])).toStrictEqual([]);
      expect(await adapter.loadRange(['BBBBB'])).toStrictEqual([
        { key: ['BBBBB', 'sync-state', 'zzzzz'], data: PAYLOAD_B() },
      ]);
    });
  });
}

storageAdapterContract('AtomicFsStorageAdapter', (dir) => AtomicFsStorageAdapter.open(dir));
storageAdapterContract('NodeFSStorageAdapter', async (dir) => new NodeFSStorageAdapter(dir));

describe('AtomicFsStorageAdapter crash leftovers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves no temporary file behind a save', async () => {
    const adapter = await AtomicFsStorageAdapter.open(dir);
    await adapter.save(['AAAAA', 'snapshot', 'x'], LARGE_PAYLOAD);
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
  });

  it('deletes the temporary files of a killed writer on open, and never loads them', async () => {
    const first = await AtomicFsStorageAdapter.open(dir);
    await first.save(['AAAAA', 'snapshot', 'good'], PAYLOAD_A());
    // What a process killed between writing and renaming leaves: a partial file in the temporary folder.
    await mkdir(path.join(dir, '.tmp'), { recursive: true });
    await writeFile(path.join(dir, '.tmp', 'half-written'), PAYLOAD_B().slice(0, 3));
    expect(await first.loadRange(['AAAAA'])).toStrictEqual([
      { key: ['AAAAA', 'snapshot', 'good'], data: PAYLOAD_A() },
    ]);

    const reopened = await AtomicFsStorageAdapter.open(dir);
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
    expect(await reopened.load(['AAAAA', 'snapshot', 'good'])).toStrictEqual(PAYLOAD_A());
  });

  it('writes nothing once closed, and a save caught by the close does not fail', async () => {
    const adapter = await AtomicFsStorageAdapter.open(dir);
    const running = adapter.save(['AAAAA', 'snapshot', 'late'], LARGE_PAYLOAD);
    adapter.close();
    await rm(dir, { recursive: true, force: true }); // the directory goes, as a test's cleanup removes it
    await expect(running).resolves.toBeUndefined();
    await expect(adapter.save(['AAAAA', 'snapshot', 'after'], PAYLOAD_A())).resolves.toBeUndefined();
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});
