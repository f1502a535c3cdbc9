// A small in-memory cluster for the deployment controller's tests: a ClusterView over plain objects that
// applies controller actions with the store's rules that matter here (uid, creationTimestamp, generation
// bumped by spec changes, conditional updates on resourceVersion, deep-frozen reads, schema validation), and
// a clock the test moves.

import type {
  ClusterView,
  ControllerAction,
  ReconcileResult,
} from '../../agent/controllers/controllerTypes.ts';
import { DeploymentController } from '../../agent/controllers/deployment/DeploymentController.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { Deployment, Pod, ReplicaSet } from '../../shared/model/types.ts';
import { admitObject, validateObject } from '../../shared/model/validate.ts';

export const T0 = new Date('2026-06-01T12:00:00Z');

export function deploymentManifest(
  opts: {
    name?: string;
    replicas?: number;
    image?: string;
    strategy?: Deployment['spec']['strategy'];
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    paused?: boolean;
  } = {},
): Deployment {
  const name = opts.name ?? 'web';
  const raw = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: opts.image ?? 'shoal.test/busybox:1' }] },
      },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.minReadySeconds !== undefined ? { minReadySeconds: opts.minReadySeconds } : {}),
      ...(opts.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: opts.revisionHistoryLimit } : {}),
      ...(opts.progressDeadlineSeconds !== undefined
        ? { progressDeadlineSeconds: opts.progressDeadlineSeconds }
        : {}),
      ...(opts.paused !== undefined ? { paused: opts.paused } : {}),
    },
  };
  const admitted = admitObject(raw);
  if (!admitted.ok) throw new Error(`bad fixture: ${JSON.stringify(admitted.errors)}`);
  return admitted.object as Deployment;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const keyOf = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace ?? ''}/${name}`;

export interface Applied {
  events: EventRecord[];
  failed: ControllerAction[];
}

export class FakeCluster implements ClusterView {
  now = T0;
  /** Off in long simulations: the schema check of every write dominates their time. */
  validate = true;
  readonly controller = new DeploymentController();
  readonly #objects = new Map<string, KubeObject>();
  #rv = 0;
  #uid = 0;

  get(kind: Kind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(keyOf(kind, namespace, name));
  }

  list(kind: Kind, opts: { namespace?: string } = {}): KubeObject[] {
    return [...this.#objects.values()]
      .filter(
        (o) => o.kind === kind && (opts.namespace === undefined || o.metadata.namespace === opts.namespace),
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  deployment(name = 'web'): Deployment {
    return this.get('Deployment', 'default', name) as Deployment;
  }

  replicaSets(): ReplicaSet[] {
    return this.list('ReplicaSet') as ReplicaSet[];
  }

  pods(): Pod[] {
    return this.list('Pod') as Pod[];
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** Stores an object as the store would on create (uid, timestamps, generation 1). */
  put<T extends KubeObject>(obj: T): T {
    const copy = structuredClone(obj) as T;
    copy.metadata.uid ??= `uid-${++this.#uid}` as Uid;
    copy.metadata.creationTimestamp ??= this.now.toISOString();
    copy.metadata.generation ??= 1;
    copy.metadata.resourceVersion = String(++this.#rv);
    this.#store(copy);
    return copy;
  }

  /** Replaces the spec as a user would (generation bumped). */
  editSpec<T extends KubeObject>(obj: T, edit: (copy: T) => void): T {
    const copy = structuredClone(this.get(obj.kind, obj.metadata.namespace, obj.metadata.name)) as T;
    const before = JSON.stringify(copy.spec);
    edit(copy);
    if (JSON.stringify(copy.spec) !== before) copy.metadata.generation = (copy.metadata.generation ?? 0) + 1;
    copy.metadata.resourceVersion = String(++this.#rv);
    this.#store(copy);
    return copy;
  }

  setStatus(kind: Kind, name: string, status: unknown): void {
    const current = this.get(kind, 'default', name);
    if (!current) throw new Error(`no ${kind} ${name}`);
    const copy = structuredClone(current);
    copy.status = structuredClone(status);
    copy.metadata.resourceVersion = String(++this.#rv);
    this.#store(copy);
  }

  remove(kind: Kind, name: string): void {
    this.#objects.delete(keyOf(kind, 'default', name));
  }

  /** One reconcile of a deployment, against the current snapshot, without applying it. */
  plan(name = 'web'): ReconcileResult {
    return this.controller.reconcile(`default/${name}`, {
      view: this,
      now: this.now,
      term: 1,
      randomSuffix: (n) => 'x'.repeat(n),
    });
  }

  /** One reconcile, applied. */
  sync(name = 'web'): ReconcileResult & Applied {
    const result = this.plan(name);
    return { ...result, ...this.apply(result.actions) };
  }

  apply(actions: readonly ControllerAction[]): Applied {
    const events: EventRecord[] = [];
    const failed: ControllerAction[] = [];
    for (const action of actions) {
      if (!this.#applyOne(action, events)) failed.push(action);
    }
    return { events, failed };
  }

  #applyOne(action: ControllerAction, events: EventRecord[]): boolean {
    switch (action.type) {
      case 'event':
        events.push(action.event);
        return true;
      case 'create': {
        const { kind, metadata } = action.object;
        if (this.get(kind, metadata.namespace, metadata.name)) return false;
        for (const field of ['uid', 'creationTimestamp', 'resourceVersion'] as const) {
          if (metadata[field] !== undefined) throw new Error(`create with ${field}`);
        }
        this.put(action.object);
        return true;
      }
      case 'update': {
        const obj = action.object;
        const current = this.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
        if (!current) return false;
        const rv = obj.metadata.resourceVersion;
        if (rv !== undefined && rv !== current.metadata.resourceVersion) return false;
        const copy = structuredClone(obj);
        copy.status = structuredClone(current.status);
        copy.metadata.uid = current.metadata.uid;
        copy.metadata.creationTimestamp = current.metadata.creationTimestamp;
        const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(current.spec);
        copy.metadata.generation = (current.metadata.generation ?? 0) + (specChanged ? 1 : 0);
        copy.metadata.resourceVersion = String(++this.#rv);
        this.#store(copy);
        return true;
      }
      case 'updateStatus': {
        if (!this.get(action.kind, action.namespace, action.name)) return false;
        this.setStatus(action.kind, action.name, action.status);
        return true;
      }
      case 'delete': {
        const current = this.get(action.kind, action.namespace, action.name);
        if (!current || (action.uid !== undefined && current.metadata.uid !== action.uid)) return false;
        this.#objects.delete(keyOf(action.kind, action.namespace, action.name));
        return true;
      }
    }
  }

  #store(obj: KubeObject): void {
    const checked = this.validate ? validateObject(obj) : ({ ok: true } as const);
    if (!checked.ok) {
      throw new Error(`${obj.kind} ${obj.metadata.name} is invalid: ${JSON.stringify(checked.errors)}`);
    }
    this.#objects.set(keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name), deepFreeze(obj));
  }
}

/** The replica set status its controller would report for `replicas` pods, `available` of them available. */
export function rsStatus(rs: ReplicaSet, replicas: number, available = replicas, ready = available) {
  return {
    replicas,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

/** Every replica set settled: its pods exist and are available as its spec says. */
export function settleReplicaSets(cluster: FakeCluster): void {
  for (const rs of cluster.replicaSets()) {
    const n = rs.spec.replicas ?? 1;
    cluster.setStatus('ReplicaSet', rs.metadata.name, rsStatus(rs, n));
  }
}

export function scalingMessages(events: readonly EventRecord[]): string[] {
  return events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
}
