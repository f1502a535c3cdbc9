// The ReplicaSet planner (Kubernetes' syncReplicaSet and manageReplicas), pure: from one ReplicaSet and the
// pods of its namespace, the writes that bring the count of its active pods to `spec.replicas`, and its
// status. The ControllerManager applies the writes of a tick together, so this plans at most one write per
// pod: a pod adopted now is not also deleted now (the next reconcile may choose it).

import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';
import type { ControllerAction, ReconcileResult } from '../controllerTypes.ts';
import { generatedPodName } from '../generatedNames.ts';
import { objectEvent } from '../objectEvent.ts';
import { isControlledBy } from '../ownerRefs.ts';
import { isPodActive, podFromTemplate } from '../podUtil.ts';
import { claimPods } from './claimPods.ts';
import { podsToDelete } from './deletionOrder.ts';
import { selectsOwnTemplate } from './replicaSetSelector.ts';
import { calculateStatus, msUntilNextAvailable, statusDiffers } from './replicaSetStatus.ts';

/** Kubernetes' burstReplicas: at most this many creations or deletions per reconcile. */
export const BURST_REPLICAS = 500;

/** Kubernetes' generated names: base cut so base + suffix fits 63 characters (names.SimpleNameGenerator). */
const NAME_SUFFIX_LENGTH = 5;
/** Draws of a suffix before giving up on a free name this round (a clash is all but impossible). */
const NAME_ATTEMPTS = 10;

export interface ReplicaSetPlanInput {
  rs: ReplicaSet;
  /** Every pod of the ReplicaSet's namespace. */
  pods: readonly Pod[];
  /**
   * Pods of the ReplicaSets that share this one's controller (one Deployment's), for spreading deletions;
   * defaults to the pods this ReplicaSet controls.
   */
  relatedPods?: readonly Pod[];
  now: Date;
  randomSuffix(length: number): string;
}

export function planReplicaSet(input: ReplicaSetPlanInput): ReconcileResult {
  const { rs, now } = input;
  // Being deleted: the garbage collector owns what happens to its pods now.
  if (rs.metadata.deletionTimestamp !== undefined) return { actions: [] };
  if (rs.metadata.uid === undefined || !selectsOwnTemplate(rs)) return { actions: [] };

  const active = input.pods.filter(isPodActive);
  const claim = claimPods(rs, active);
  const actions: ControllerAction[] = [
    ...claim.adopt.map((pod): ControllerAction => ({ type: 'update', object: pod })),
    ...claim.release.map((pod): ControllerAction => ({ type: 'update', object: pod })),
  ];

  const want = rs.spec.replicas ?? 1;
  const diff = claim.owned.length - want;
  if (diff < 0) actions.push(...planCreations(input, Math.min(-diff, BURST_REPLICAS)));
  else if (diff > 0) {
    const adopted = new Set(claim.adopt.map((p) => p.metadata.name));
    const candidates = claim.owned.filter((p) => !adopted.has(p.metadata.name));
    const related = input.relatedPods ?? input.pods.filter((p) => isControlledBy(p, rs));
    const victims = podsToDelete(candidates, related, Math.min(diff, BURST_REPLICAS), now);
    for (const pod of victims) {
      actions.push({
        type: 'delete',
        kind: 'Pod',
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        ...(pod.metadata.uid !== undefined ? { uid: pod.metadata.uid } : {}),
      });
      actions.push(event(rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`));
    }
  }

  const status = calculateStatus(rs, claim.owned, now);
  if (statusDiffers(rs.status, status)) {
    actions.push({
      type: 'updateStatus',
      kind: 'ReplicaSet',
      namespace: rs.metadata.namespace ?? 'default',
      name: rs.metadata.name,
      status,
    });
  }
  const requeueAfterMs = msUntilNextAvailable(rs, claim.owned, now);
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

function planCreations(input: ReplicaSetPlanInput, count: number): ControllerAction[] {
  const { rs } = input;
  const taken = new Set(input.pods.map((p) => p.metadata.name));
  const actions: ControllerAction[] = [];
  for (let i = 0; i < count; i++) {
    const name = freeName(rs.metadata.name, taken, input.randomSuffix);
    if (name === undefined) break;
    taken.add(name);
    actions.push({ type: 'create', object: podFromTemplate(rs.spec.template, rs, name) });
    actions.push(event(rs, 'SuccessfulCreate', `Created pod: ${name}`));
  }
  return actions;
}

function freeName(base: string, taken: ReadonlySet<string>, randomSuffix: (n: number) => string) {
  for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
    const name = generatedPodName(base, randomSuffix(NAME_SUFFIX_LENGTH));
    if (!taken.has(name)) return name;
  }
  return undefined;
}

function event(rs: ReplicaSet, reason: string, message: string): ControllerAction {
  return objectEvent(rs, 'Normal', reason, message);
}
