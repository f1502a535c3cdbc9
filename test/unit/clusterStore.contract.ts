// The behaviour every ClusterStore must have, run against each implementation by clusterStore.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/model/meta.ts';
import { admitObject } from '../../shared/model/validate.ts';
import {
  AlreadyExistsError,
  type ClusterStore,
  ConflictError,
  InvalidObjectError,
  NotFoundError,
  StoreClosedError,
  type WatchEvent,
} from '../../shared/store/ClusterStore.ts';

/** A raw entry to put in the document behind the store's back; strings become the backend's text type. */
export type RawEntry = Record<string, string | number | boolean>;

export interface StoreFixture {
  /** The current store (a new one after reopen). */
  readonly store: ClusterStore;
  /** Number of changes in the document's history. */
  changeCount(): number;
  /** Writes an entry as a misbehaving peer could, bypassing the store's checks. */
  injectRaw(key: string, entry: RawEntry | string): Promise<void>;
  /** Closes the store and opens a new one on the same durable state; absent for stores without one. */
  reopen?: () => Promise<void>;
  cleanup(): Promise<void>;
}

export function pod(
  name: string,
  opts: { namespace?: string; labels?: Record<string, string>; image?: string; nodeName?: string } = {},
): KubeObject {
  return admitted({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', labels: opts.labels },
    spec: { nodeName: opts.nodeName, containers: [{ name: 'main', image: opts.image ?? 'nginx:1.25' }] },
  });
}

export function admitted(raw: unknown): KubeObject {
  const result = admitObject(raw);
  if (!result.ok) throw new Error(`test object is invalid: ${JSON.stringify(result.errors)}`);
  return result.object;
}

const node = (name: string): KubeObject => admitted({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const names = (objects: KubeObject[]): string[] => objects.map((o) => o.metadata.name);
const editable = <T>(value: T): T => structuredClone(value);

/** `persistent`: the store survives a reopen (the Automerge store); the in-memory fake does not. */
export function clusterStoreContract(
  name: string,
  makeFixture: () => Promise<StoreFixture>,
  opts: { persistent: boolean },
): void {
  describe(`ClusterStore contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: ClusterStore;
    beforeEach(async () => {
      fx = await makeFixture();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    describe('create and get', () => {
      it('assigns uid, creationTimestamp, generation 1 and a resourceVersion', async () => {
        const before = Date.now();
        const created = await store.create(pod('web'));
        expect(created.metadata.uid).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const stamp = Date.parse(created.metadata.creationTimestamp ?? '');
        expect(stamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
        expect(stamp).toBeLessThanOrEqual(Date.now());
        expect(created.metadata.generation).toBe(1);
        expect(created.metadata.resourceVersion).toMatch(/^[1-9][0-9]*$/);
        expect(store.get('Pod', 'default', 'web')).toEqual(created);
      });

      it('ignores uid, generation and resourceVersion sent by the caller', async () => {
        const input = editable(pod('web'));
        input.metadata = { ...input.metadata, uid: 'mine' as never, generation: 7, resourceVersion: '99' };
        const created = await store.create(input);
        expect(created.metadata.uid).not.toBe('mine');
        expect(created.metadata.generation).toBe(1);
      });

      it('gives each object its own uid', async () => {
        const [a, b] = await Promise.all([store.create(pod('a')), store.create(pod('b'))]);
        expect(a.metadata.uid).not.toBe(b.metadata.uid);
      });

      it('returns frozen objects, so a caller cannot corrupt what others read', async () => {
        const created = await store.create(pod('web', { labels: { app: 'web' } }));
        const read = store.get('Pod', 'default', 'web') as KubeObject;
        expect(Object.isFrozen(created)).toBe(true);
        expect(() => {
          (read.metadata.labels as Record<string, string>).app = 'changed';
        }).toThrow(TypeError);
        expect(store.get('Pod', 'default', 'web')?.metadata.labels).toEqual({ app: 'web' });
      });

      it('refuses an existing key with AlreadyExistsError', async () => {
        await store.create(pod('web'));
        const error = await store.create(pod('web')).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AlreadyExistsError);
        expect((error as Error).message).toBe('pods "web" already exists');
        // The same name in another namespace is another object.
        await expect(store.create(pod('web', { namespace: 'other' }))).resolves.toBeDefined();
      });

      it('refuses a namespace on a cluster-scoped kind and requires one on a namespaced kind', async () => {
        const scoped = editable(node('n1'));
        scoped.metadata.namespace = 'default';
        await expect(store.create(scoped)).rejects.toThrow(InvalidObjectError);
        const unscoped = editable(pod('web'));
        delete unscoped.metadata.namespace;
        await expect(store.create(unscoped)).rejects.toThrow(/metadata\.namespace: Required value/);
        const created = await store.create(node('n1'));
        expect(created.metadata.namespace).toBeUndefined();
        expect(store.get('Node', undefined, 'n1')).toEqual(created);
      });

      it('refuses an object that fails validation, and writes nothing', async () => {
        const bad = editable(pod('web'));
        (bad.spec as { containers: unknown[] }).containers = [];
        const changes = fx.changeCount();
        await expect(store.create(bad)).rejects.toThrow(InvalidObjectError);
        const wrongVersion = { ...editable(pod('web2')), apiVersion: 'v2' };
        await expect(store.create(wrongVersion)).rejects.toThrow(/apiVersion: Unsupported value: "v2"/);
        expect(fx.changeCount()).toBe(changes);
        expect(store.list('Pod')).toEqual([]);
      });

      it('keeps the fields of kinds without a spec (ConfigMap data)', async () => {
        const cm = admitted({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'settings', namespace: 'default' },
          data: { 'app.conf': 'debug = true' },
        });
        await store.create(cm);
        const read = store.get('ConfigMap', 'default', 'settings') as KubeObject & { data?: unknown };
        expect(read.data).toEqual({ 'app.conf': 'debug = true' });
        const updated = await store.updateSpec({
          ...editable(read),
          data: { 'app.conf': 'debug = false' },
        } as KubeObject);
        expect((updated as KubeObject & { data?: unknown }).data).toEqual({ 'app.conf': 'debug = false' });
        expect(updated.metadata.generation).toBe(2);
      });

      it('returns undefined for a missing object', () => {
        expect(store.get('Pod', 'default', 'nope')).toBeUndefined();
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await Promise.all([
          store.create(pod('b', { labels: { app: 'web' }, nodeName: 'n1' })),
          store.create(pod('a', { labels: { app: 'web', tier: 'front' }, nodeName: 'n2' })),
          store.create(pod('c', { labels: { app: 'db' }, nodeName: 'n1' })),
          store.create(pod('a', { namespace: 'kube-system', labels: { app: 'web' } })),
          store.create(node('n1')),
        ]);
      });

      it('lists one kind in namespace/name order', () => {
        expect(store.list('Pod').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
          'default/a',
          'default/b',
          'default/c',
          'kube-system/a',
        ]);
        expect(names(store.list('Node'))).toEqual(['n1']);
        expect(store.list('Service')).toEqual([]);
      });

      it('filters by namespace', () => {
        expect(names(store.list('Pod', { namespace: 'kube-system' }))).toEqual(['a']);
        expect(names(store.list('Pod', { namespace: 'default' }))).toEqual(['a', 'b', 'c']);
        expect(store.list('Pod', { namespace: 'nowhere' })).toEqual([]);
      });

      it('filters by a label predicate, which sees empty labels as {}', async () => {
        await store.create(pod('bare'));
        const seen: Record<string, string>[] = [];
        const web = store.list('Pod', {
          namespace: 'default',
          labelSelector: (labels) => {
            seen.push(labels);
            return labels.app === 'web';
          },
        });
        expect(names(web)).toEqual(['a', 'b']);
        expect(seen).toContainEqual({});
      });

      it('filters by a field predicate, combined with the others', () => {
        const onN1 = (o: KubeObject) => (o.spec as { nodeName?: string }).nodeName === 'n1';
        expect(names(store.list('Pod', { fieldSelector: onN1 }))).toEqual(['b', 'c']);
        expect(
          names(store.list('Pod', { fieldSelector: onN1, labelSelector: (l) => l.app === 'db' })),
        ).toEqual(['c']);
      });

      it('reflects updates and deletes', async () => {
        await store.delete('Pod', 'default', 'b');
        await store.updateSpec({
          ...editable(store.get('Pod', 'default', 'c') as KubeObject),
          metadata: {
            ...editable(store.get('Pod', 'default', 'c') as KubeObject).metadata,
            labels: { app: 'web' },
          },
        });
        expect(
          names(store.list('Pod', { namespace: 'default', labelSelector: (l) => l.app === 'web' })),
        ).toEqual(['a', 'c']);
      });
    });

    describe('updateSpec', () => {
      it('bumps generation and resourceVersion when the spec changes, keeps uid and status', async () => {
        const created = await store.create(pod('web'));
        await store.updateStatus('Pod', 'default', 'web', { phase: 'Running' });
        const edited = editable(created);
        (edited.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:1.26';
        edited.metadata.uid = 'forged' as never;
        const updated = await store.updateSpec(edited);
        expect(updated.metadata.generation).toBe(2);
        expect(updated.metadata.uid).toBe(created.metadata.uid);
        expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
        expect(updated.status).toEqual({ phase: 'Running' });
        expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(
          Number(created.metadata.resourceVersion),
        );
        expect(store.get('Pod', 'default', 'web')).toEqual(updated);
      });

      it('replaces labels without bumping generation', async () => {
        const created = await store.create(pod('web', { labels: { app: 'web', old: 'yes' } }));
        const edited = editable(created);
        edited.metadata.labels = { app: 'web', new: 'yes' };
        const updated = await store.updateSpec(edited);
        expect(updated.metadata.labels).toEqual({ app: 'web', new: 'yes' });
        expect(updated.metadata.generation).toBe(1);
        expect(updated.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
      });

      it('writes nothing when nothing changed', async () => {
        const created = await store.create(pod('web'));
        const changes = fx.changeCount();
        const events: WatchEvent[] = [];
        store.watch('Pod', (e) => events.push(e));
        const same = await store.updateSpec(editable(created));
        expect(same).toEqual(created);
        expect(fx.changeCount()).toBe(changes);
        expect(events).toEqual([]);
      });

      it('fails with ConflictError on a stale resourceVersion, succeeds on the current one', async () => {
        const created = await store.create(pod('web'));
        const edited = editable(created);
        edited.metadata.labels = { v: '1' };
        const first = await store.updateSpec(edited, { resourceVersion: created.metadata.resourceVersion });
        edited.metadata.labels = { v: '2' };
        const error = await store
          .updateSpec(edited, { resourceVersion: created.metadata.resourceVersion })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as Error).message).toMatch(
          /^Operation cannot be fulfilled on pods "web": the object has been modified/,
        );
        expect(store.get('Pod', 'default', 'web')?.metadata.labels).toEqual({ v: '1' });
        await expect(
          store.updateSpec(edited, { resourceVersion: first.metadata.resourceVersion }),
        ).resolves.toMatchObject({ metadata: { labels: { v: '2' } } });
      });

      it('fails with NotFoundError for a missing object', async () => {
        const error = await store.updateSpec(pod('ghost')).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as Error).message).toBe('pods "ghost" not found');
      });
    });

    describe('updateStatus', () => {
      it('replaces the status only: spec, labels and generation stay', async () => {
        const created = await store.create(pod('web', { labels: { app: 'web' } }));
        const updated = await store.updateStatus('Pod', 'default', 'web', { phase: 'Pending' });
        const again = await store.updateStatus('Pod', 'default', 'web', {
          phase: 'Running',
          podIP: '10.0.0.2',
        });
        expect(again.status).toEqual({ phase: 'Running', podIP: '10.0.0.2' });
        expect(again.spec).toEqual(created.spec);
        expect(again.metadata).toEqual({
          ...created.metadata,
          resourceVersion: again.metadata.resourceVersion,
        });
        expect(Number(again.metadata.resourceVersion)).toBeGreaterThan(
          Number(updated.metadata.resourceVersion),
        );
        expect(store.get('Pod', 'default', 'web')).toEqual(again);
      });

      it('does not undo a spec update made after it was read', async () => {
        const created = await store.create(pod('web'));
        const edited = editable(created);
        edited.metadata.labels = { edited: 'true' };
        await store.updateSpec(edited);
        await store.updateStatus('Pod', 'default', 'web', { phase: 'Running' });
        expect(store.get('Pod', 'default', 'web')?.metadata.labels).toEqual({ edited: 'true' });
      });

      it('honours a resourceVersion precondition', async () => {
        const created = await store.create(pod('web'));
        await store.updateStatus('Pod', 'default', 'web', { phase: 'Running' });
        await expect(
          store.updateStatus(
            'Pod',
            'default',
            'web',
            { phase: 'Failed' },
            { resourceVersion: created.metadata.resourceVersion },
          ),
        ).rejects.toThrow(ConflictError);
      });

      it('refuses a status that fails validation', async () => {
        await store.create(pod('web'));
        await expect(store.updateStatus('Pod', 'default', 'web', { phase: 'Sleeping' })).rejects.toThrow(
          InvalidObjectError,
        );
        expect(store.get('Pod', 'default', 'web')?.status).toBeUndefined();
      });

      it('fails with NotFoundError for a missing object', async () => {
        await expect(store.updateStatus('Pod', 'default', 'ghost', {})).rejects.toThrow(
          'pods "ghost" not found',
        );
      });
    });

    describe('delete', () => {
      it('removes the object', async () => {
        await store.create(pod('web'));
        await store.delete('Pod', 'default', 'web');
        expect(store.get('Pod', 'default', 'web')).toBeUndefined();
        expect(store.list('Pod')).toEqual([]);
        await expect(store.create(pod('web'))).resolves.toMatchObject({ metadata: { generation: 1 } });
      });

      it('fails with NotFoundError for a missing object', async () => {
        const error = await store.delete('Deployment', 'default', 'web').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as Error).message).toBe('deployments "web" not found');
      });
    });

    describe('resourceVersion', () => {
      it('increases with every write, across objects', async () => {
        const versions: number[] = [];
        const record = (o: KubeObject) => versions.push(Number(o.metadata.resourceVersion));
        record(await store.create(pod('a')));
        record(await store.create(pod('b')));
        record(await store.updateStatus('Pod', 'default', 'a', { phase: 'Running' }));
        const b = editable(store.get('Pod', 'default', 'b') as KubeObject);
        b.metadata.labels = { x: 'y' };
        record(await store.updateSpec(b));
        expect(versions).toEqual([...versions].sort((x, y) => x - y));
        expect(new Set(versions).size).toBe(versions.length);
      });
    });

    describe('watch', () => {
      it('reports ADDED, MODIFIED and DELETED in order, with the objects', async () => {
        const events: WatchEvent[] = [];
        store.watch('Pod', (e) => events.push(e));
        const created = await store.create(pod('web'));
        const running = await store.updateStatus('Pod', 'default', 'web', { phase: 'Running' });
        await store.delete('Pod', 'default', 'web');
        expect(events).toEqual([
          { type: 'ADDED', object: created },
          { type: 'MODIFIED', object: running },
          { type: 'DELETED', object: running },
        ]);
      });

      it('filters by kind, or reports every kind when kind is undefined', async () => {
        const pods: string[] = [];
        const all: string[] = [];
        store.watch('Pod', (e) => pods.push(`${e.type} ${e.object.kind}`));
        store.watch(undefined, (e) => all.push(`${e.type} ${e.object.kind}`));
        await Promise.all([store.create(pod('web')), store.create(node('n1'))]);
        expect(pods).toEqual(['ADDED Pod']);
        expect(all.sort()).toEqual(['ADDED Node', 'ADDED Pod']);
      });

      it('stops after unsubscribe', async () => {
        const events: WatchEvent[] = [];
        const stop = store.watch(undefined, (e) => events.push(e));
        await store.create(pod('a'));
        stop();
        await store.create(pod('b'));
        expect(events.map((e) => e.object.metadata.name)).toEqual(['a']);
      });

      it('keeps going when a handler throws', async () => {
        const events: string[] = [];
        store.watch('Pod', () => {
          throw new Error('broken handler');
        });
        store.watch('Pod', (e) => events.push(e.object.metadata.name));
        await store.create(pod('a'));
        await store.create(pod('b'));
        expect(events).toEqual(['a', 'b']);
      });

      it('sees the new state from inside the handler', async () => {
        let seen: KubeObject | undefined;
        store.watch('Pod', (e) => {
          seen = store.get('Pod', 'default', e.object.metadata.name);
        });
        const created = await store.create(pod('web'));
        expect(seen).toEqual(created);
      });
    });

    describe('batching', () => {
      it('commits the writes of one tick as one document change', async () => {
        await store.create(pod('seed'));
        const before = fx.changeCount();
        const writes = Array.from({ length: 25 }, (_, i) => store.create(pod(`p${i}`)));
        writes.push(store.updateStatus('Pod', 'default', 'seed', { phase: 'Running' }));
        await Promise.all(writes);
        expect(fx.changeCount()).toBe(before + 1);
        expect(store.list('Pod')).toHaveLength(26);
        await store.create(pod('later'));
        expect(fx.changeCount()).toBe(before + 2);
      });

      it('lets a write see the writes before it in the same tick', async () => {
        const before = fx.changeCount();
        const created = store.create(pod('web'));
        const status = store.updateStatus('Pod', 'default', 'web', { phase: 'Running' });
        const duplicate = store.create(pod('web')).catch((e: unknown) => e);
        const deleted = store.delete('Pod', 'default', 'web');
        const recreated = store.create(pod('web', { labels: { round: '2' } }));
        expect((await created).status).toBeUndefined();
        expect((await status).status).toEqual({ phase: 'Running' });
        expect(await duplicate).toBeInstanceOf(AlreadyExistsError);
        await deleted;
        const last = await recreated;
        expect(fx.changeCount()).toBe(before + 1);
        expect(store.get('Pod', 'default', 'web')).toEqual(last);
        expect(last.metadata.uid).not.toBe((await created).metadata.uid);
      });

      it('fails only the bad write of a batch', async () => {
        const results = await Promise.allSettled([
          store.create(pod('good')),
          store.updateStatus('Pod', 'default', 'missing', { phase: 'Running' }),
          store.create(pod('also-good')),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(names(store.list('Pod'))).toEqual(['also-good', 'good']);
      });
    });

    describe('invalid document values', () => {
      const valid = (name: string) => ({
        metadata: JSON.stringify({
          name,
          namespace: 'default',
          uid: 'u-1',
          generation: 1,
          resourceVersion: '5',
        }),
        body: JSON.stringify({ spec: pod(name).spec }),
      });

      it('skips and reports them, and still lists the rest', async () => {
        await store.create(pod('good'));
        await fx.injectRaw('Pod/default/not-json', { metadata: '{"name": "not-json",' });
        await fx.injectRaw('Pod/default/wrong-name', { ...valid('other') });
        await fx.injectRaw('Pod/default/no-image', {
          ...valid('no-image'),
          body: JSON.stringify({ spec: { containers: [{ name: 'main' }] } }),
        });
        await fx.injectRaw('Pod/default/number', { metadata: 42 });
        await fx.injectRaw('Pod/default/scalar', 'just a string');
        await fx.injectRaw('Gizmo/default/x', { ...valid('x') });
        await fx.injectRaw('Pod/default/fine', valid('fine'));

        expect(names(store.list('Pod'))).toEqual(['fine', 'good']);
        expect(store.get('Pod', 'default', 'not-json')).toBeUndefined();
        const problems = store.problems();
        expect(problems.map((p) => p.key).sort()).toEqual([
          'Gizmo/default/x',
          'Pod/default/no-image',
          'Pod/default/not-json',
          'Pod/default/number',
          'Pod/default/scalar',
          'Pod/default/wrong-name',
        ]);
        const errorsOf = (key: string) => problems.find((p) => p.key === key)?.errors.join('; ');
        expect(errorsOf('Pod/default/not-json')).toMatch(/metadata: Invalid value: .*not valid JSON/);
        expect(errorsOf('Pod/default/wrong-name')).toMatch(/metadata\.name: Invalid value: "other"/);
        expect(errorsOf('Pod/default/no-image')).toMatch(/image/);
        expect(errorsOf('Pod/default/number')).toMatch(/^metadata: expected JSON text/);
      });

      it('reports an object that turns invalid as DELETED, and lets it be deleted or fixed', async () => {
        const created = await store.create(pod('web'));
        const events: WatchEvent[] = [];
        store.watch('Pod', (e) => events.push(e));
        await fx.injectRaw('Pod/default/web', { metadata: 'garbage' });
        expect(events).toEqual([{ type: 'DELETED', object: created }]);
        expect(store.get('Pod', 'default', 'web')).toBeUndefined();
        await expect(store.create(pod('web'))).rejects.toThrow(AlreadyExistsError);
        await store.delete('Pod', 'default', 'web');
        expect(store.problems()).toEqual([]);
        await store.create(pod('web'));
        expect(events.map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
      });

      it('counts a valid value from a peer as ADDED', async () => {
        const events: WatchEvent[] = [];
        store.watch('Pod', (e) => events.push(e));
        await fx.injectRaw('Pod/default/fine', valid('fine'));
        expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED fine']);
        // Later writes go above the resourceVersion the peer used.
        const created = await store.create(pod('mine'));
        expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(5);
      });
    });

    describe('close', () => {
      it('refuses writes after close', async () => {
        await store.create(pod('web'));
        await store.close();
        await expect(store.create(pod('late'))).rejects.toThrow(StoreClosedError);
      });
    });

    // Registered only for persistent stores, so no test is ever skipped at run time.
    (opts.persistent ? describe : () => {})('reopen', () => {
      it('returns everything that was acknowledged, equal to what the writes returned', async () => {
        if (!fx.reopen) throw new Error('a persistent store fixture must provide reopen()');
        const written = new Map<string, KubeObject>();
        const keep = (o: KubeObject) =>
          written.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o);
        for (let i = 0; i < 30; i++) keep(await store.create(pod(`p${i}`, { labels: { i: String(i) } })));
        keep(await store.create(node('n1')));
        keep(await store.updateStatus('Pod', 'default', 'p3', { phase: 'Running' }));
        const p4 = editable(store.get('Pod', 'default', 'p4') as KubeObject);
        p4.metadata.labels = { changed: 'yes' };
        keep(await store.updateSpec(p4));
        await store.delete('Pod', 'default', 'p5');
        written.delete('Pod/default/p5');

        await fx.reopen();
        const reopened = fx.store;
        const all = [...reopened.list('Pod'), ...reopened.list('Node')];
        expect(all).toHaveLength(written.size);
        for (const o of all)
          expect(o).toEqual(written.get(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
        expect(reopened.problems()).toEqual([]);
        const next = await reopened.create(pod('after'));
        const maxBefore = Math.max(...[...written.values()].map((o) => Number(o.metadata.resourceVersion)));
        expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(maxBefore);
      });
    });
  });
}
