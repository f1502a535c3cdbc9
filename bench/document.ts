// What the cluster document costs, measured through the real AutomergeClusterStore on a temporary data
// directory (validation, batching, index and fsync'd saves included), with raw Automerge baselines in the
// same run so the figures can be read as ratios. Writes bench/results/document.json.
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as A from '@automerge/automerge';
import { type DocHandle, Repo } from '@automerge/automerge-repo';
import type { KubeObject } from '../shared/model/meta.ts';
import { admitObject } from '../shared/model/validate.ts';
import { AtomicFsStorageAdapter } from '../shared/store/AtomicFsStorageAdapter.ts';
import { AutomergeClusterStore } from '../shared/store/AutomergeClusterStore.ts';
import type { ClusterDocument } from '../shared/store/documentSchema.ts';
import { openClusterDocument } from '../shared/store/openClusterDocument.ts';
import { LOCAL_DOCUMENT } from '../test/support/localDocument.ts';

const RUNS = 5;

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

/** A pod as a controller writes it: ~1 KB of JSON with labels, owner, env, resources and probes. */
export function realisticPod(i: number): KubeObject {
  const result = admitObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-7d9f8c6b5-${i.toString(36).padStart(5, '0')}`,
      namespace: 'default',
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9f8c6b5' },
      annotations: { 'shoal.dev/restartedAt': '2024-05-01T10:00:00Z' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-7d9f8c6b5',
          uid: '3f1c2b9e-8a7d-4c61-9d0e-5b4a3c2d1e0f',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      nodeName: `node-${i % 7}`,
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/team/web:1.25.3',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'LOG_LEVEL', value: 'info' },
          ],
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5 },
        },
      ],
    },
  });
  if (!result.ok) throw new Error(`benchmark pod is invalid: ${JSON.stringify(result.errors)}`);
  return result.object;
}

function runningStatus(i: number): unknown {
  return {
    phase: 'Running',
    podIP: `10.42.${(i >> 8) & 255}.${i & 255}`,
    hostIP: '192.168.1.10',
    startTime: '2024-05-01T10:00:05Z',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:09Z' }],
  };
}

async function withStore<T>(
  fn: (opened: Awaited<ReturnType<typeof openClusterDocument>>, dir: string) => Promise<T>,
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-'));
  const opened = await openClusterDocument(dir, LOCAL_DOCUMENT);
  try {
    return await fn(opened, dir);
  } finally {
    await opened.store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function thousandCreations(pods: KubeObject[]): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const ms = await withStore(({ store }) => time(() => Promise.all(pods.map((p) => store.create(p)))));
    if (r > 0) runs.push(ms); // the first run warms up the JIT and wasm
  }
  return median(runs);
}

function thousandRaw(pods: KubeObject[], encode: (p: KubeObject) => unknown, runs: number): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const doc = A.from<{ objects: Record<string, unknown> }>({ objects: {} });
    const start = performance.now();
    const next = A.change(doc, (d) => {
      for (const p of pods) d.objects[`Pod/default/${p.metadata.name}`] = encode(p);
    });
    times.push(performance.now() - start);
    A.free(next);
  }
  return median(times);
}

async function statusUpdates(pods: KubeObject[]): Promise<{ oneByOne: number; batched: number }> {
  return withStore(async ({ store }) => {
    await Promise.all(pods.map((p) => store.create(p)));
    const oneByOne = await time(async () => {
      for (let i = 0; i < 200; i++) {
        const p = pods[i] as KubeObject;
        await store.updateStatus('Pod', 'default', p.metadata.name, {
          phase: 'Pending',
          message: `try ${i}`,
        });
      }
    });
    const batched = await time(async () => {
      for (let b = 0; b < 10; b++) {
        const batch = pods.slice(0, 100).map((p, i) =>
          store.updateStatus('Pod', 'default', p.metadata.name, {
            ...(runningStatus(i) as object),
            message: `b${b}`,
          }),
        );
        await Promise.all(batch);
      }
    });
    return { oneByOne: oneByOne / 200, batched: batched / 1000 };
  });
}

async function lifecycles(): Promise<{ onDisk: number; compacted: number; ms: number }> {
  return withStore(async ({ store, handle }, dir) => {
    const ms = await time(async () => {
      for (let b = 0; b < 100; b++) {
        const batch = Array.from({ length: 100 }, (_, i) => realisticPod(b * 100 + i));
        await Promise.all(batch.map((p) => store.create(p)));
        await Promise.all(
          batch.map((p, i) => store.updateStatus('Pod', 'default', p.metadata.name, runningStatus(i))),
        );
        await Promise.all(batch.map((p) => store.delete('Pod', 'default', p.metadata.name)));
      }
    });
    const compacted = A.save(handle.doc()).length;
    await store.close(); // lets saves and compactions in flight finish
    return { onDisk: await dirSize(path.join(dir, 'automerge')), compacted, ms };
  });
}

interface LoadFigures {
  open: number;
  find: number;
  index: number;
  compacted: number;
  remoteChange: number;
  files: number;
}

/** Opens a 10,000-pod document as the store left it on disk, whole and then step by step. */
async function loadTenThousand(): Promise<LoadFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-'));
  try {
    const first = await openClusterDocument(dir, LOCAL_DOCUMENT);
    for (let b = 0; b < 100; b++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => first.store.create(realisticPod(b * 100 + i))));
    }
    const compactedBinary = A.save(first.handle.doc());
    await first.store.close();
    const files = (await readdir(path.join(dir, 'automerge'), { recursive: true })).length;

    const open = await time(async () => {
      const o = await openClusterDocument(dir, LOCAL_DOCUMENT);
      if (o.store.list('Pod').length !== 10_000) throw new Error('load lost objects');
      await o.store.close();
    });

    // The same open in its two steps: Automerge load (repo.find) and the store's index (parse + validate).
    const storage = await AtomicFsStorageAdapter.open(path.join(dir, 'automerge'));
    const repo = new Repo({ storage, network: [] });
    const loaded = new AbortController(); // see openClusterDocument.ts: releases the loaded document
    let handle: DocHandle<ClusterDocument> | undefined;
    const find = await time(async () => {
      handle = await repo.find<ClusterDocument>(first.handle.documentId, { signal: loaded.signal });
    });
    loaded.abort();
    const loadedHandle = handle as DocHandle<ClusterDocument>;
    let store: AutomergeClusterStore | undefined;
    const index = await time(() => {
      store = new AutomergeClusterStore({ repo, handle: loadedHandle, ownsRepo: true });
    });

    // A change from a peer, as sync delivers it: one status update applied to the 10,000-pod document.
    const peerRepo = new Repo({ network: [] });
    const peer = peerRepo.import<ClusterDocument>(compactedBinary, { docId: loadedHandle.documentId });
    const peerStore = new AutomergeClusterStore({ repo: peerRepo, handle: peer, ownsRepo: true });
    const name = realisticPod(42).metadata.name;
    await peerStore.updateStatus('Pod', 'default', name, runningStatus(42));
    const remoteChange = await time(() => loadedHandle.merge(peer));
    if (store?.get('Pod', 'default', name)?.status === undefined) throw new Error('remote change not seen');
    await peerStore.close();
    await store?.close();

    const compacted = await time(() => A.load(compactedBinary));
    return { open, find, index, compacted, remoteChange, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const pods = Array.from({ length: 1000 }, (_, i) => realisticPod(i));
  const podBytes = JSON.stringify(pods[0]).length;
  const text = (v: unknown) => new A.ImmutableString(JSON.stringify(v));

  const store = await thousandCreations(pods);
  const nested = thousandRaw(pods, (p) => structuredClone({ metadata: p.metadata, spec: p.spec }), 3);
  const threeStrings = thousandRaw(
    pods,
    (p) => ({ metadata: text(p.metadata), body: text({ spec: p.spec }) }),
    5,
  );
  const status = await statusUpdates(pods);
  const life = await lifecycles();
  const load = await loadTenThousand();

  const figures: Figure[] = [
    { name: 'pod JSON size', value: podBytes, unit: 'bytes' },
    { name: '1,000 pod creations, store (median)', value: store, unit: 'ms', target: '<= 300' },
    {
      name: '1,000 pods as nested maps, raw A.change',
      value: nested,
      unit: 'ms',
      note: `store is ${(store / nested).toFixed(2)}x`,
    },
    {
      name: '1,000 pods as ImmutableStrings, raw A.change',
      value: threeStrings,
      unit: 'ms',
      note: `store is ${(store / threeStrings).toFixed(2)}x`,
    },
    { name: 'status update, one by one (awaited)', value: status.oneByOne, unit: 'ms each' },
    { name: 'status update, batched 100 per tick', value: status.batched, unit: 'ms each', target: '<= 0.5' },
    { name: '10,000 pod lifecycles, 100 per tick: time', value: life.ms, unit: 'ms' },
    { name: '10,000 pod lifecycles: on disk', value: life.onDisk, unit: 'bytes' },
    { name: '10,000 pod lifecycles: A.save size', value: life.compacted, unit: 'bytes' },
    {
      name: 'open 10,000 pods as the store left them',
      value: load.open,
      unit: 'ms',
      target: '<= 1000',
      note: `${load.files} files and folders`,
    },
    { name: '  of which repo.find (Automerge load)', value: load.find, unit: 'ms' },
    { name: '  of which index (parse + validate)', value: load.index, unit: 'ms' },
    { name: 'A.load of the same, one snapshot', value: load.compacted, unit: 'ms' },
    { name: 'apply one remote change, 10,000 pods', value: load.remoteChange, unit: 'ms' },
  ];
  print(figures);
  await mkdir(path.join(import.meta.dirname, 'results'), { recursive: true });
  const file = path.join(import.meta.dirname, 'results', 'document.json');
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
  );
  return figures;
}

function print(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    f.value >= 100 ? f.value.toFixed(0) : f.value.toFixed(2),
    f.unit,
    f.target ?? '',
    f.note ?? '',
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  for (const r of rows) {
    console.log(
      r.map((cell, c) => (c === 1 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  '),
    );
  }
}
