// The working state of one reconcile of a deployment. Kubernetes' controller writes as it goes (scale this
// replica set, then read it back, then update the status); Shoal plans from one snapshot, so the steps edit
// working copies here instead, and `actions()` turns the end result into at most one write per object:
// the manager applies a reconcile's actions together, and two writes of one object would conflict.

import type { Deployment, ReplicaSet } from '../../../shared/model/types.ts';
import type { EventRecord, EventType } from '../../events/EventRecorder.ts';
import { involvedObjectOf } from '../../events/EventRecorder.ts';
import type { ControllerAction } from '../controllerTypes.ts';
import { canonicalJson } from '../podTemplateHash.ts';
import type { DeploymentStatus } from './deploymentConditions.ts';
import { specReplicas } from './replicaSetCounts.ts';
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './revisionAnnotations.ts';

export const EVENT_SOURCE = 'deployment-controller';

export class RolloutPlan {
  /** The deployment as read (deep-frozen). */
  readonly stored: Deployment;
  /** Its working copy: the steps may change its annotations (the revision). */
  readonly deployment: Deployment;
  /**
   * The working status. Like Kubernetes' in-memory `d.Status`, the steps before the final status computation
   * change only its conditions and collisionCount; its counts stay the stored ones (progress is measured
   * against them).
   */
  readonly status: DeploymentStatus;
  readonly now: Date;
  /** Set when the new replica set's name is taken by another template: bump collisionCount and stop. */
  collided = false;

  readonly #copies = new Map<string, { copy: ReplicaSet; original: string }>();
  readonly #created = new Set<ReplicaSet>();
  readonly #deleted = new Set<ReplicaSet>();
  readonly #events: EventRecord[] = [];

  constructor(deployment: Deployment, now: Date) {
    this.stored = deployment;
    this.deployment = structuredClone(deployment);
    this.status = structuredClone(deployment.status ?? {});
    this.now = now;
  }

  /** The working copy of a replica set read from the cluster (the same copy every time it is asked for). */
  track(rs: ReplicaSet): ReplicaSet {
    const known = this.#copies.get(rs.metadata.name);
    if (known) return known.copy;
    const copy = structuredClone(rs);
    this.#copies.set(rs.metadata.name, { copy, original: writableJson(rs) });
    return copy;
  }

  create(rs: ReplicaSet): void {
    this.#created.add(rs);
  }

  delete(rs: ReplicaSet): void {
    this.#deleted.add(rs);
  }

  /** Created or edited by this plan: such a replica set must not also be deleted by it. */
  isTouched(rs: ReplicaSet): boolean {
    if (this.#created.has(rs)) return true;
    const known = this.#copies.get(rs.metadata.name);
    return known !== undefined && known.copy === rs && writableJson(rs) !== known.original;
  }

  /**
   * scaleReplicaSet: the new size, and the deployment size it was scaled for in its annotations. Returns
   * whether the size changed (Kubernetes' "scaled"), which is when a ScalingReplicaSet event is recorded.
   */
  scale(rs: ReplicaSet, newScale: number, operation?: 'up' | 'down'): boolean {
    const old = specReplicas(rs);
    if (old === newScale && !replicasAnnotationsNeedUpdate(this.deployment, rs)) return false;
    rs.spec.replicas = newScale;
    setReplicasAnnotations(this.deployment, rs);
    if (old === newScale) return false;
    const op = operation ?? (newScale > old ? 'up' : 'down');
    this.event('Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} to ${newScale}`);
    return true;
  }

  event(type: EventType, reason: string, message: string): void {
    this.#events.push({
      involvedObject: involvedObjectOf(this.stored),
      type,
      reason,
      message,
      source: EVENT_SOURCE,
    });
  }

  /** The writes and events this plan comes to; `status` is the deployment's new status, if computed. */
  actions(status: DeploymentStatus | undefined): ControllerAction[] {
    const actions: ControllerAction[] = [];
    for (const rs of this.#created) actions.push({ type: 'create', object: tidy(rs) });
    for (const { copy, original } of this.#copies.values()) {
      if (this.#deleted.has(copy) || writableJson(copy) === original) continue;
      actions.push({ type: 'update', object: tidy(copy) }); // conditional on the resourceVersion read
    }
    for (const rs of this.#deleted) {
      const { namespace, name, uid } = rs.metadata;
      actions.push({ type: 'delete', kind: 'ReplicaSet', namespace, name, ...(uid ? { uid } : {}) });
    }
    const d = this.deployment;
    const { namespace, name } = d.metadata;
    // Metadata before status: the status write changes the resourceVersion the update is conditional on.
    if (writableJson(d) !== writableJson(this.stored)) actions.push({ type: 'update', object: tidy(d) });
    const next = tidyStatus(status ?? this.status);
    if (canonicalJson(next) !== canonicalJson(this.stored.status ?? {})) {
      actions.push({ type: 'updateStatus', kind: 'Deployment', namespace, name, status: next });
    }
    for (const event of this.#events) actions.push({ type: 'event', event });
    return actions;
  }
}

/** What an update writes (metadata and spec), comparable across a clone: empty maps count as absent. */
function writableJson(obj: ReplicaSet | Deployment): string {
  const t = tidy(obj);
  return canonicalJson({ metadata: t.metadata, spec: t.spec });
}

function tidy<T extends ReplicaSet | Deployment>(obj: T): T {
  const metadata = { ...obj.metadata };
  if (metadata.annotations && Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  if (metadata.labels && Object.keys(metadata.labels).length === 0) delete metadata.labels;
  return { ...obj, metadata };
}

/** Counts of 0 are left out, as Kubernetes' API does (omitempty): `kubectl get -o yaml` shows the same. */
function tidyStatus(status: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) {
    if (v === undefined || (v === 0 && k !== 'observedGeneration' && k !== 'collisionCount')) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as DeploymentStatus;
}
