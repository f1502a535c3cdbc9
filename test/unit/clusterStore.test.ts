// Runs the ClusterStore contract on both stores, then what only the Automerge store has: changes from
// peers, merges of concurrent writes, and durability of acknowledged writes.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as A from '@automerge/automerge';
import { Repo } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/model/meta.ts';
import { AtomicFsStorageAdapter } from '../../shared/store/AtomicFsStorageAdapter.ts';
import { AutomergeClusterStore } from '../../shared/store/AutomergeClusterStore.ts';
import type { WatchEvent } from '../../shared/store/ClusterStore.ts';
import type { ClusterDocument, DocumentEntry } from '../../shared/store/documentSchema.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import { type OpenedClusterDocument, openClusterDocument } from '../../shared/store/openClusterDocument.ts';
import { LOCAL_DOCUMENT } from '../support/localDocument.ts';
import { clusterStoreContract, pod, type RawEntry, type StoreFixture } from './clusterStore.contract.ts';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-store-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

clusterStoreContract(
  'MemoryClusterStore',
  async () => {
    const store = new MemoryClusterStore();
    return {
      store,
      changeCount: () => store.changeCount,
      injectRaw: async (key, entry) => store.putRaw(key, entry),
      cleanup: () => store.close(),
    };
  },
  { persistent: false },
);

/** Strings become ImmutableStrings, as the store writes them; other values stay as they are. */
function toDocumentValue(entry: RawEntry | string): unknown {
  if (typeof entry === 'string') return entry;
  return Object.fromEntries(
    Object.entries(entry).map(([k, v]) => [k, typeof v === 'string' ? new A.ImmutableString(v) : v]),
  );
}

function injectInto(opened: OpenedClusterDocument, key: string, entry: RawEntry | string): void {
  opened.handle.change((doc) => {
    doc.objects[key] = toDocumentValue(entry) as DocumentEntry;
  });
}

clusterStoreContract(
  'AutomergeClusterStore',
  async () => {
    const dir = await tempDir();
    let opened = await openClusterDocument(dir, LOCAL_DOCUMENT);
    const fixture: StoreFixture = {
      get store() {
        return opened.store;
      },
      changeCount: () => A.getAllChanges(opened.handle.doc()).length,
      injectRaw: async (key, entry) => injectInto(opened, key, entry),
      reopen: async () => {
        await opened.store.close();
        opened = await openClusterDocument(dir, LOCAL_DOCUMENT);
      },
      cleanup: () => opened.store.close(),
    };
    return fixture;
  },
  { persistent: true },
);

describe('AutomergeClusterStore', () => {
  /** A second peer: another Repo holding a copy of the document, as sync would give it. */
  async function peerOf(opened: OpenedClusterDocument) {
    const repo = new Repo({ network: [] });
    const handle = repo.import<ClusterDocument>(A.save(opened.handle.doc()), {
      docId: opened.handle.documentId,
    });
    await handle.whenReady();
    return new AutomergeClusterStore({ repo, handle, ownsRepo: true });
  }

  it('reports changes from peers to watchers and readers', async () => {
    const opened = await openClusterDocument(await tempDir(), LOCAL_DOCUMENT);
    const { store } = opened;
    await store.create(pod('local'));
    const peer = await peerOf(opened);
    const remote = await peer.create(pod('remote'));
    await peer.updateStatus('Pod', 'default', 'local', { phase: 'Running' });

    const events: WatchEvent[] = [];
    store.watch('Pod', (e) => events.push(e));
    opened.handle.merge(peer.handle);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual([
      'ADDED remote',
      'MODIFIED local',
    ]);
    expect(store.get('Pod', 'default', 'remote')).toEqual(remote);
    expect(store.get('Pod', 'default', 'local')?.status).toEqual({ phase: 'Running' });
    await peer.close();
    await store.close();
  });

  it('merges a concurrent status write and spec edit without losing either', async () => {
    const opened = await openClusterDocument(await tempDir(), LOCAL_DOCUMENT);
    const { store } = opened;
    const created = await store.create(pod('web', { labels: { app: 'web' } }));
    const kubelet = await peerOf(opened);

    const edited = structuredClone(created);
    edited.metadata.labels = { app: 'web', edited: 'yes' };
    (edited.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:1.27';
    await store.updateSpec(edited);
    await kubelet.updateStatus('Pod', 'default', 'web', { phase: 'Running' });

    opened.handle.merge(kubelet.handle);
    kubelet.handle.merge(opened.handle);
    for (const s of [store, kubelet]) {
      const merged = s.get('Pod', 'default', 'web') as KubeObject;
      expect(merged.metadata.labels).toEqual({ app: 'web', edited: 'yes' });
      expect(merged.metadata.generation).toBe(2);
      expect((merged.spec as { containers: { image: string }[] }).containers[0]!.image).toBe('nginx:1.27');
      expect(merged.status).toEqual({ phase: 'Running' });
    }
    expect(kubelet.get('Pod', 'default', 'web')).toEqual(store.get('Pod', 'default', 'web'));
    await kubelet.close();
    await store.close();
  });

  it('has every acknowledged write on disk before close or flush', async () => {
    const dir = await tempDir();
    const { store } = await openClusterDocument(dir, LOCAL_DOCUMENT);
    const acknowledged = await Promise.all([store.create(pod('a')), store.create(pod('b'))]);
    const running = await store.updateStatus('Pod', 'default', 'a', { phase: 'Running' });
    // A copy of the data directory taken now is what a crash would leave.
    const copy = await tempDir();
    await cp(dir, copy, { recursive: true });
    const reopened = await openClusterDocument(copy, LOCAL_DOCUMENT);
    expect(reopened.store.get('Pod', 'default', 'b')).toEqual(acknowledged[1]);
    expect(reopened.store.get('Pod', 'default', 'a')).toEqual(running);
    await reopened.store.close();
    await store.close();
  });

  it('reopens the same document by its id', async () => {
    const dir = await tempDir();
    const first = await openClusterDocument(dir, LOCAL_DOCUMENT);
    expect(first.created).toBe(true);
    await first.store.create(pod('web'));
    await first.store.close();
    const second = await openClusterDocument(dir, LOCAL_DOCUMENT);
    expect(second.created).toBe(false);
    expect(second.handle.documentId).toBe(first.handle.documentId);
    expect(second.store.list('Pod')).toHaveLength(1);
    await second.store.close();
  });

  it('releases the document after close, so reopening does not grow memory', async () => {
    const dir = await tempDir();
    const first = await openClusterDocument(dir, LOCAL_DOCUMENT);
    await first.store.create(pod('web'));
    await first.store.close();
    const released = await (async () => {
      const opened = await openClusterDocument(dir, LOCAL_DOCUMENT); // the find() path
      const ref = new WeakRef(opened.handle.doc());
      await opened.store.close();
      return ref;
    })();
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // deref() keeps its target alive until the current job ends: collect in jobs that do not call it.
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(released.deref()).toBeUndefined();
  });

  it('reports a document that is not a cluster document instead of throwing', async () => {
    const storage = await AtomicFsStorageAdapter.open(await tempDir());
    const repo = new Repo({ storage, network: [] });
    const handle = repo.create<ClusterDocument>({ notObjects: true } as unknown as ClusterDocument);
    const store = new AutomergeClusterStore({ repo, handle, ownsRepo: true });
    expect(store.list('Pod')).toEqual([]);
    expect(store.problems()).toEqual([
      {
        key: '',
        errors: ['schemaVersion: expected 1, found undefined', 'objects: expected a map of objects'],
      },
    ]);
    await expect(store.create(pod('web'))).rejects.toThrow();
    await store.close();
  });
});
