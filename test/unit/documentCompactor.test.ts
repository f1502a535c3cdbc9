// DocumentCompactor keeps the saved document to one snapshot plus a few recent chunks, and never loses a
// change, even when it runs while writes are being saved.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenedClusterDocument, openClusterDocument } from '../../shared/store/openClusterDocument.ts';
import { LOCAL_DOCUMENT } from '../support/localDocument.ts';
import { pod } from './clusterStore.contract.ts';

async function chunks(
  dir: string,
  opened: OpenedClusterDocument,
): Promise<{ snapshot: number; incremental: number }> {
  const id = opened.handle.documentId;
  const base = path.join(dir, 'automerge', id.slice(0, 2), id.slice(2));
  const count = async (sub: string) => (await readdir(path.join(base, sub)).catch(() => [])).length;
  return { snapshot: await count('snapshot'), incremental: await count('incremental') };
}

describe('DocumentCompactor', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-compact-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bounds the incremental chunks of a large document written in small batches', async () => {
    const opened = await openClusterDocument(dir, LOCAL_DOCUMENT);
    // A large snapshot: automerge-repo alone compacts only once the incremental bytes reach its size.
    const big = structuredClone(pod('big'));
    (big.spec as { containers: { args?: string[] }[] }).containers[0]!.args = [
      randomBytes(200_000).toString('base64'),
    ];
    await opened.store.create(big);
    for (let i = 0; i < 20; i++) await opened.store.create(pod(`p${i}`));
    for (let i = 0; i < 60; i++) {
      await opened.store.updateStatus('Pod', 'default', `p${i % 20}`, { phase: 'Running', message: `${i}` });
    }
    await opened.store.close(); // waits for a compaction in progress
    const after = await chunks(dir, opened);
    // 81 saved changes: without compaction nearly all would still be separate incremental chunks.
    expect(after.snapshot).toBeLessThanOrEqual(2);
    expect(after.incremental).toBeLessThan(40);

    const reopened = await openClusterDocument(dir, LOCAL_DOCUMENT);
    expect(reopened.store.list('Pod')).toHaveLength(21);
    expect(reopened.store.get('Pod', 'default', 'p19')?.status).toEqual({ phase: 'Running', message: '59' });
    await reopened.store.close();
  });

  it('loses nothing written while it runs', async () => {
    const opened = await openClusterDocument(dir, LOCAL_DOCUMENT);
    await opened.store.create(pod('before'));
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 5; i++) writes.push(opened.store.create(pod(`r${round}-${i}`)));
      await Promise.all([opened.compactor.compact(), ...writes]);
    }
    await opened.store.close();
    expect((await chunks(dir, opened)).snapshot).toBeGreaterThanOrEqual(1);

    const reopened = await openClusterDocument(dir, LOCAL_DOCUMENT);
    expect(reopened.store.list('Pod')).toHaveLength(26);
    await reopened.store.close();
  });
});
