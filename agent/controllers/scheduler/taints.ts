// Taints and tolerations (k8s.io/api/core/v1 toleration.go, TaintToleration and NodeUnschedulable filters).
// A node that is not Ready is treated as carrying the taint Kubernetes' node lifecycle controller would put
// on it (node.kubernetes.io/not-ready, or unreachable when its Ready status is Unknown) with NoSchedule,
// so the refusal reads as kube-scheduler's, and a pod that tolerates that taint may still go there.

import type { Node } from '../../../shared/model/types.ts';
import {
  isTolerated,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type Taint,
  type Toleration,
} from '../tolerations.ts';

export type { Taint, Toleration } from '../tolerations.ts';

/** The node's taints plus the one its readiness implies, when the node does not carry it already. */
export function effectiveTaints(node: Node): readonly Taint[] {
  const taints = node.spec?.taints ?? [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return taints;
  const key = ready?.status === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY;
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [...taints, { key, effect: 'NoSchedule' }];
}

/** The first NoSchedule or NoExecute taint the pod does not tolerate (PreferNoSchedule only scores). */
export function firstUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): Taint | undefined {
  return taints.find(
    (taint) =>
      (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !isTolerated(tolerations, taint),
  );
}

/** NodeUnschedulable: a cordoned node takes only pods that tolerate its unschedulable taint. */
export function refusedAsUnschedulable(node: Node, tolerations: readonly Toleration[] | undefined): boolean {
  if (node.spec?.unschedulable !== true) return false;
  return !isTolerated(tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
}
