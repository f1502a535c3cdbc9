// Property: a rolling update never leaves fewer than replicas − maxUnavailable pods available, never runs more
// than replicas + maxSurge, and completes. The deployment controller runs against a model of the rest of the
// cluster: a replica set controller that creates and deletes pods (the unavailable ones first, as Kubernetes'
// does) and reports their counts, sometimes from the pods it saw before acting (as Kubernetes' does too),
// pods that become ready after random delays, and ticks in which either controller may not run, or write
// first. The template may change again in the middle of the rollout (a rollover).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ControllerAction, ReconcileResult } from '../../agent/controllers/controllerTypes.ts';
import { resolveFenceposts } from '../../agent/controllers/deployment/rolloutBounds.ts';
import { controllerRef } from '../../agent/controllers/ownerRefs.ts';
import {
  isPodAvailable,
  isPodReady,
  podFromTemplate,
  podReadySince,
} from '../../agent/controllers/podUtil.ts';
import type { Deployment, Pod, ReplicaSet } from '../../shared/model/types.ts';
import { deploymentManifest, FakeCluster } from './deploymentFixtures.ts';

interface Scenario {
  replicas: number;
  maxSurge: number | string;
  maxUnavailable: number | string;
  minReadySeconds: number;
  maxReadyDelayMs: number;
  rolloverAtTick: number | undefined;
  seed: number;
}

/** mulberry32: the scenario's own random sequence, so a failure replays from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ReplicaSetSync = { rs: ReplicaSet; create: number; remove: string[]; status: ReplicaSet['status'] };

class Simulation {
  readonly cluster = new FakeCluster();
  readonly #readyAt = new Map<string, number>();
  readonly #rand: () => number;
  #podSeq = 0;

  constructor(readonly s: Scenario) {
    this.cluster.validate = false;
    this.#rand = random(s.seed);
    const strategy = {
      type: 'RollingUpdate' as const,
      rollingUpdate: { maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable },
    };
    this.cluster.put(
      deploymentManifest({ replicas: s.replicas, strategy, minReadySeconds: s.minReadySeconds }),
    );
  }

  get deployment(): Deployment {
    return this.cluster.deployment();
  }

  setImage(image: string): void {
    this.cluster.editSpec(this.deployment, (d) => {
      const c = d.spec.template.spec.containers[0];
      if (c) c.image = image;
    });
  }

  /** Pods available now: Ready for minReadySeconds and not being deleted. */
  availablePods(): number {
    const now = this.cluster.now;
    return this.cluster.pods().filter((p) => isPodAvailable(p, this.s.minReadySeconds, now)).length;
  }

  /** One tick: both controllers plan from the same snapshot, then their writes land in a random order. */
  tick(): ReconcileResult | undefined {
    this.cluster.advance(Math.floor(this.#rand() * 1000));
    this.#podsBecomeReady();
    const deploymentPlan = this.#rand() < 0.6 ? this.cluster.plan() : undefined;
    const rsSyncs = this.cluster
      .replicaSets()
      .filter(() => this.#rand() < 0.6)
      .map((rs) => this.#planReplicaSet(rs));
    const deploymentFirst = this.#rand() < 0.5;
    if (deploymentPlan && deploymentFirst) this.cluster.apply(deploymentPlan.actions);
    for (const sync of rsSyncs) this.#applyReplicaSet(sync);
    if (deploymentPlan && !deploymentFirst) this.cluster.apply(deploymentPlan.actions);
    return deploymentPlan;
  }

  complete(): boolean {
    const d = this.deployment;
    const s = d.status ?? {};
    const newest = this.cluster
      .replicaSets()
      .find(
        (rs) =>
          rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
          d.metadata.annotations?.['deployment.kubernetes.io/revision'],
      );
    const progressing = s.conditions?.find((c) => c.type === 'Progressing');
    return (
      newest !== undefined &&
      (s.observedGeneration ?? 0) === d.metadata.generation &&
      s.replicas === this.s.replicas &&
      s.updatedReplicas === this.s.replicas &&
      s.availableReplicas === this.s.replicas &&
      progressing?.reason === 'NewReplicaSetAvailable' &&
      this.cluster.replicaSets().every((rs) => rs === newest || rs.spec.replicas === 0) &&
      this.cluster.pods().every((p) => controllerRef(p)?.uid === newest.metadata.uid)
    );
  }

  #podsBecomeReady(): void {
    const now = this.cluster.now.getTime();
    for (const pod of this.cluster.pods()) {
      const at = this.#readyAt.get(pod.metadata.name);
      if (at === undefined || at > now || isPodReady(pod)) continue;
      const t = new Date(at).toISOString();
      this.cluster.setStatus('Pod', pod.metadata.name, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }],
      });
    }
  }

  /** The replica set controller's decision from the current snapshot. */
  #planReplicaSet(rs: ReplicaSet): ReplicaSetSync {
    const now = this.cluster.now;
    const pods = this.cluster.pods().filter((p) => controllerRef(p)?.uid === rs.metadata.uid);
    const want = rs.spec.replicas ?? 1;
    // Kubernetes' order: not ready first, then the most recently ready (the least likely available).
    const ranked = [...pods].sort((a, b) => readiness(b) - readiness(a));
    const remove = ranked.slice(0, Math.max(0, pods.length - want)).map((p) => p.metadata.name);
    const after = pods.filter((p) => !remove.includes(p.metadata.name));
    // Sometimes the status still counts the pods seen before acting.
    const counted = this.#rand() < 0.3 ? pods : after;
    const minReady = rs.spec.minReadySeconds ?? 0;
    const status = {
      replicas: counted.length + (counted === after ? Math.max(0, want - pods.length) : 0),
      readyReplicas: counted.filter(isPodReady).length,
      availableReplicas: counted.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    return { rs, create: Math.max(0, want - pods.length), remove, status };
  }

  #applyReplicaSet({ rs, create, remove, status }: ReplicaSetSync): void {
    const current = this.cluster.get('ReplicaSet', 'default', rs.metadata.name);
    if (!current || current.metadata.uid !== rs.metadata.uid) return;
    for (let i = 0; i < create; i++) {
      const pod = podFromTemplate(rs.spec.template, rs, `${rs.metadata.name}-${++this.#podSeq}`);
      this.cluster.put(pod);
      this.#readyAt.set(
        pod.metadata.name,
        this.cluster.now.getTime() + Math.floor(this.#rand() * this.s.maxReadyDelayMs),
      );
    }
    for (const name of remove) this.cluster.remove('Pod', name);
    this.cluster.setStatus('ReplicaSet', rs.metadata.name, status);
  }
}

/** Sort key: not ready ranks highest, then the latest ready time. */
function readiness(pod: Pod): number {
  const since = podReadySince(pod);
  return since === undefined ? Number.POSITIVE_INFINITY : since.getTime();
}

/** The brief's rule for a reconcile: one write per object (the deployment's metadata and status are apart). */
function writesPerObject(actions: readonly ControllerAction[]): number {
  const keys = actions.flatMap((a) => {
    if (a.type === 'create' || a.type === 'update') return [`${a.object.kind}/${a.object.metadata.name}`];
    if (a.type === 'delete') return [`${a.kind}/${a.name}`];
    return [];
  });
  return Math.max(0, ...[...new Set(keys)].map((k) => keys.filter((x) => x === k).length));
}

const bound = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`),
);
const isZero = (v: number | string) => v === 0 || v === '0%';

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    replicas: fc.integer({ min: 1, max: 8 }),
    maxSurge: bound,
    maxUnavailable: bound,
    minReadySeconds: fc.integer({ min: 0, max: 3 }),
    maxReadyDelayMs: fc.integer({ min: 1, max: 4000 }),
    rolloverAtTick: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    seed: fc.integer(),
  })
  .filter((s) => !(isZero(s.maxSurge) && isZero(s.maxUnavailable))); // validation refuses both 0

const MAX_TICKS = 3000;

describe('rolling update (property)', () => {
  it('keeps replicas − maxUnavailable pods available and replicas + maxSurge at most, and completes', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const sim = new Simulation(s);
        for (let i = 0; i < MAX_TICKS && !sim.complete(); i++) sim.tick();
        expect(sim.complete(), 'the first rollout completes').toBe(true);

        const { maxSurge, maxUnavailable } = resolveFenceposts(sim.deployment);
        const minAvailable = s.replicas - Math.min(maxUnavailable, s.replicas);
        sim.setImage('shoal.test/busybox:2');
        let ticks = 0;
        for (; ticks < MAX_TICKS; ticks++) {
          if (ticks === s.rolloverAtTick) sim.setImage('shoal.test/busybox:3');
          else if (sim.complete()) break;
          const plan = sim.tick();
          expect(sim.availablePods(), `available pods at tick ${ticks}`).toBeGreaterThanOrEqual(minAvailable);
          if (plan) expect(writesPerObject(plan.actions)).toBeLessThanOrEqual(1);
          const total = sim.cluster.replicaSets().reduce((n, rs) => n + (rs.spec.replicas ?? 1), 0);
          expect(total, `replica sets' total at tick ${ticks}`).toBeLessThanOrEqual(s.replicas + maxSurge);
        }
        expect(sim.complete(), `the rollout completes (${ticks} ticks)`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
