// Scheduling throughput (issue 5 target: ≥ 5,000 pods/s of decisions on 1,000 nodes; kube-scheduler's CI
// floor is 90 pods/s). 10,000 pending pods of 100 workloads (a mix of requests, node selectors,
// tolerations, one with a host port and one with hostname anti-affinity) onto 100 and onto 1,000 simulated
// Node objects (zones, a tenth tainted, images):
// - pure decisions: schedulePods alone, all 10,000 in one pass, and as the controller runs it, in passes
//   of 1,000 where each pass rebuilds its picture from the pods already bound;
// - with the document write: the SchedulerController reconciling against a store and its actions applied
//   through applyActions after each pass, as the ControllerManager does, on a MemoryClusterStore and on the
//   real AutomergeClusterStore (temporary data directory, fsync'd saves), until no pod is pending.
// Writes bench/results/scheduling.json.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyActions } from '../agent/controllers/applyActions.ts';
import type { ControllerContext } from '../agent/controllers/controllerTypes.ts';
import {
  MAX_PLACEMENTS_PER_PASS,
  SCHEDULER_KEY,
  SchedulerController,
} from '../agent/controllers/scheduler/SchedulerController.ts';
import { partitionPods, schedulePods } from '../agent/controllers/scheduler/schedulePods.ts';
import type { KubeObject } from '../shared/model/meta.ts';
import type { Node, Pod } from '../shared/model/types.ts';
import { admitObject } from '../shared/model/validate.ts';
import type { ClusterStore } from '../shared/store/ClusterStore.ts';
import { MemoryClusterStore } from '../shared/store/MemoryClusterStore.ts';
import { openClusterDocument } from '../shared/store/openClusterDocument.ts';
import { LOCAL_DOCUMENT } from '../test/support/localDocument.ts';
import { median, printTable, round, writeResults } from './support/report.ts';

const PODS = 10_000;
const WORKLOADS = 100;
const NODE_COUNTS = [100, 1000] as const;
const RUNS = 3;
const ZONES = ['zone-a', 'zone-b', 'zone-c'];

function admitted<T>(obj: unknown): T {
  const result = admitObject(obj);
  if (!result.ok) throw new Error(`benchmark object is invalid: ${JSON.stringify(result.errors)}`);
  return result.object as T;
}

export function simulatedNode(i: number): Node {
  const name = `node-${String(i).padStart(4, '0')}`;
  return admitted<Node>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': ZONES[i % ZONES.length],
      },
    },
    spec: i % 10 === 9 ? { taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] } : {},
    status: {
      capacity: { cpu: '32', memory: '128Gi', pods: '110' },
      allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'AgentReady' }],
      images: i % 2 === 0 ? [{ names: ['registry.example.com/team/app-0:1.0'], sizeBytes: 50_000_000 }] : [],
    },
  });
}

/** Pod `i` of workload `w`: ~1 KB as a ReplicaSet makes it. */
function pendingPod(w: number, i: number): Pod {
  const rs = `app-${w}-5d4f8c6b9`;
  const spec: Record<string, unknown> = {
    containers: [
      {
        name: 'app',
        image: `registry.example.com/team/app-${w % 5}:1.0`,
        ports: [{ name: 'http', containerPort: 8080, ...(w === 1 ? { hostPort: 8080 } : {}) }],
        resources: {
          requests: { cpu: `${50 + (w % 5) * 25}m`, memory: `${64 + (w % 4) * 32}Mi` },
          limits: { cpu: '1', memory: '512Mi' },
        },
      },
    ],
  };
  if (w % 10 === 3) spec.nodeSelector = { 'topology.kubernetes.io/zone': ZONES[w % ZONES.length] };
  if (w % 10 === 9)
    spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }];
  if (w === 2) {
    spec.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: `app-${w}` } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    };
  }
  return admitted<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs}-${i.toString(36).padStart(5, '0')}`,
      namespace: 'default',
      labels: { app: `app-${w}`, 'pod-template-hash': '5d4f8c6b9' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: `00000000-0000-4000-8000-${String(w).padStart(12, '0')}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  });
}

/** Workload by workload, as deployments scaled up one after another would leave them. */
export function pendingPods(): Pod[] {
  const perWorkload = PODS / WORKLOADS;
  return Array.from({ length: PODS }, (_, k) => pendingPod(Math.floor(k / perWorkload), k % perWorkload));
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

interface DecisionFigures {
  onePassMs: number;
  passesMs: number;
  placed: number;
  unplaced: number;
}

/** Pure decisions on fresh copies each run (no cached per-pod work from an earlier run). */
function decisions(pods: readonly Pod[], nodes: readonly Node[]): DecisionFigures {
  const onePass: number[] = [];
  const passes: number[] = [];
  let placed = 0;
  let unplaced = 0;
  for (let r = 0; r <= RUNS; r++) {
    const fresh = structuredClone(pods as Pod[]).map(deepFreeze);
    let start = performance.now();
    const { pending } = partitionPods(fresh);
    const result = schedulePods(pending, nodes, []);
    const ms = performance.now() - start;
    placed = result.placements.length;
    unplaced = result.failures.length;

    // As the controller: passes of 1,000, each rebuilding from the pods bound so far.
    let current = structuredClone(pods as Pod[]).map(deepFreeze);
    start = performance.now();
    for (;;) {
      const split = partitionPods(current);
      const pass = schedulePods(split.pending, nodes, split.assigned, {
        maxPlacements: MAX_PLACEMENTS_PER_PASS,
      });
      if (pass.deferred.length === 0) break;
      const bound = new Map(pass.placements.map((p) => [p.pod, p.nodeName]));
      current = current.map((p) => {
        const nodeName = bound.get(p);
        return nodeName ? deepFreeze({ ...p, spec: { ...p.spec, nodeName } }) : p;
      });
    }
    const passMs = performance.now() - start;
    if (r > 0) {
      onePass.push(ms); // run 0 warms up the JIT
      passes.push(passMs);
    }
  }
  return { onePassMs: median(onePass), passesMs: median(passes), placed, unplaced };
}

/** Reconcile and apply until nothing is pending, as the ControllerManager's ticks would. */
async function throughStore(store: ClusterStore, pods: readonly Pod[], nodes: readonly Node[]) {
  for (const n of nodes) await store.create(n as KubeObject);
  for (let b = 0; b < pods.length; b += 500) {
    await Promise.all(pods.slice(b, b + 500).map((p) => store.create(p as KubeObject)));
  }
  let events = 0;
  const recorder = { record: () => void events++ };
  const scheduler = new SchedulerController();
  let decideMs = 0;
  let writeMs = 0;
  let passes = 0;
  const start = performance.now();
  for (;;) {
    const ctx: ControllerContext = { view: store, now: new Date(), term: 3, randomSuffix: () => 'bench' };
    const t0 = performance.now();
    const { actions, requeueAfterMs } = scheduler.reconcile(SCHEDULER_KEY, ctx);
    const t1 = performance.now();
    const failures = await applyActions(store, recorder, actions);
    writeMs += performance.now() - t1;
    decideMs += t1 - t0;
    passes++;
    if (failures.length > 0)
      throw new Error(`${failures.length} writes failed: ${failures[0]?.error.message}`);
    if (requeueAfterMs === undefined) break;
  }
  const totalMs = performance.now() - start;
  const bound = store.list('Pod').filter((p) => (p as Pod).spec.nodeName).length;
  return { totalMs, decideMs, writeMs, passes, bound, events };
}

async function withAutomerge<T>(fn: (store: ClusterStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-'));
  const opened = await openClusterDocument(dir, LOCAL_DOCUMENT);
  try {
    return await fn(opened.store);
  } finally {
    await opened.store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

export async function run(): Promise<Figure[]> {
  const pods = pendingPods();
  const figures: Figure[] = [];
  // Warms up the store's write path and the reconcile, so the first measured row is not the cold one.
  const warmNodes = Array.from({ length: 10 }, (_, i) => simulatedNode(i));
  await throughStore(new MemoryClusterStore(), pods.slice(0, 1000), warmNodes);
  for (const nodeCount of NODE_COUNTS) {
    const nodes = Array.from({ length: nodeCount }, (_, i) => deepFreeze(simulatedNode(i)));
    const d = decisions(pods, nodes);
    const rate = (ms: number, n = PODS) => round((n / ms) * 1000, 0);
    figures.push({
      name: `${nodeCount} nodes: decisions, one pass`,
      value: rate(d.onePassMs),
      unit: 'pods/s',
      ...(nodeCount === 1000 ? { target: '>= 5000' } : {}),
      note: `${round(d.onePassMs)} ms for ${PODS} pods; ${d.placed} placed, ${d.unplaced} unplaceable`,
    });
    figures.push({
      name: `${nodeCount} nodes: decisions, passes of ${MAX_PLACEMENTS_PER_PASS}`,
      value: rate(d.passesMs),
      unit: 'pods/s',
      note: `${round(d.passesMs)} ms`,
    });
    for (const [label, open] of [
      ['MemoryClusterStore', async <T>(fn: (s: ClusterStore) => Promise<T>) => fn(new MemoryClusterStore())],
      ['AutomergeClusterStore', withAutomerge],
    ] as const) {
      const s = await open((store) => throughStore(store, pods, nodes));
      figures.push({
        name: `${nodeCount} nodes: with writes, ${label}`,
        value: rate(s.totalMs, s.bound),
        unit: 'pods/s',
        note: `${round(s.totalMs)} ms, ${s.passes} passes: reconcile ${round(s.decideMs)} ms, apply ${round(s.writeMs)} ms; ${s.bound} bound`,
      });
    }
  }
  printTable([
    ['measure', 'value', 'unit', 'target', 'note'],
    ...figures.map((f) => [f.name, f.value, f.unit, f.target ?? '', f.note ?? '']),
  ]);
  await writeResults('scheduling', figures);
  return figures;
}
