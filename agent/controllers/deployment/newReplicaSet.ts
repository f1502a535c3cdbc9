// The deployment's new replica set, the one whose template is the deployment's (getNewReplicaSet in
// sync.go): found and brought to the latest revision, or created with the pod-template hash in its name,
// labels and selector. Every other replica set it manages is old.

import type { ReplicaSet } from '../../../shared/model/types.ts';
import { newControllerRef } from '../ownerRefs.ts';
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from '../podTemplateHash.ts';
import { getCondition, newCondition, PROGRESSING, REASON, setCondition } from './deploymentConditions.ts';
import { hasProgressDeadline } from './progressDeadline.ts';
import type { RolloutPlan } from './RolloutPlan.ts';
import { byCreation } from './replicaSetCounts.ts';
import {
  maxRevision,
  REVISION_ANNOTATION,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
} from './revisionAnnotations.ts';
import { newReplicaSetReplicas } from './rolloutBounds.ts';

export interface ReplicaSetsOfRollout {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/**
 * getAllReplicaSetsAndSyncRevision: splits `owned` into the new and the old, gives the new one the revision
 * after every old one (a rollback's template gets a fresh number), and creates it when asked and missing.
 * `namesInUse` are every replica set's name in the namespace, to detect a hash collision.
 */
export function replicaSetsOfRollout(
  plan: RolloutPlan,
  owned: readonly ReplicaSet[],
  namesInUse: ReadonlySet<string>,
  createIfMissing: boolean,
): ReplicaSetsOfRollout {
  const d = plan.deployment;
  const existing = [...owned]
    .sort(byCreation)
    .find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
  const oldRSs = owned.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;

  if (existing) {
    setNewReplicaSetAnnotations(d, existing, newRevision, true);
    const minReadySeconds = d.spec.minReadySeconds ?? 0;
    if ((existing.spec.minReadySeconds ?? 0) !== minReadySeconds)
      setMinReadySeconds(existing, minReadySeconds);
    setDeploymentRevision(d, existing.metadata.annotations?.[REVISION_ANNOTATION]);
    // A deployment first seen mid-rollout: its progress is measured from the time its new set was found.
    if (hasProgressDeadline(d) && !getCondition(plan.status, PROGRESSING)) {
      const msg = `Found new replica set "${existing.metadata.name}"`;
      setCondition(plan.status, newCondition(PROGRESSING, 'True', REASON.foundNewReplicaSet, msg, plan.now));
    }
    return { newRS: existing, oldRSs };
  }
  if (!createIfMissing) return { newRS: undefined, oldRSs };

  const hash = computeHash(d.spec.template, plan.status.collisionCount);
  const name = `${d.metadata.name}-${hash}`;
  if (namesInUse.has(name)) {
    // Another template (or someone else's replica set) has this name: hash again with the next count.
    plan.status.collisionCount = (plan.status.collisionCount ?? 0) + 1;
    plan.collided = true;
    return { newRS: undefined, oldRSs };
  }
  const newRS = newReplicaSetObject(plan, name, hash);
  newRS.spec.replicas = newReplicaSetReplicas(d, [...oldRSs, newRS], newRS);
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);
  plan.create(newRS);
  const replicas = newRS.spec.replicas;
  if (replicas > 0) {
    plan.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`);
  }
  setDeploymentRevision(d, String(newRevision));
  if (hasProgressDeadline(d)) {
    const msg = `Created new replica set "${name}"`;
    setCondition(plan.status, newCondition(PROGRESSING, 'True', REASON.newReplicaSetCreated, msg, plan.now));
  }
  return { newRS, oldRSs };
}

function setMinReadySeconds(rs: ReplicaSet, seconds: number): void {
  if (seconds > 0) rs.spec.minReadySeconds = seconds;
  else delete rs.spec.minReadySeconds;
}

function newReplicaSetObject(plan: RolloutPlan, name: string, hash: string): ReplicaSet {
  const d = plan.deployment;
  const template = structuredClone(d.spec.template);
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...template.metadata, labels };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const minReadySeconds = d.spec.minReadySeconds ?? 0;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace ?? 'default',
      labels: { ...labels },
      ownerReferences: [newControllerRef(d)],
    },
    spec: {
      replicas: 0,
      ...(minReadySeconds > 0 ? { minReadySeconds } : {}),
      selector,
      template,
    },
  } as ReplicaSet;
}
