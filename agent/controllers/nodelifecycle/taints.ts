// The NoExecute taints the node lifecycle controller owns, and Kubernetes' rule for whether a toleration
// tolerates a taint (k8s.io/api/core/v1 Toleration.ToleratesTaint). A node whose Ready condition is False
// carries `node.kubernetes.io/not-ready:NoExecute`, one whose Ready is Unknown (its agent went silent)
// `node.kubernetes.io/unreachable:NoExecute`; both go when Ready is True again.
import type { Node } from '../../../shared/model/types.ts';
import { conditionTime } from '../../node/nodeConditions.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, type Taint } from '../tolerations.ts';

export {
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  type Taint,
  type Toleration,
  toleratesTaint,
} from '../tolerations.ts';

/** The Ready condition's status, or undefined while the leader has not judged the node yet. */
export function nodeReadyStatus(node: Node): 'True' | 'False' | 'Unknown' | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

export function noExecuteTaints(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * The taints the node should carry: the not-ready/unreachable taint its Ready status calls for (keeping the
 * time it was added while it stays), every other taint as it is, and a `timeAdded` on NoExecute taints a
 * user added without one (eviction times count from it).
 */
export function desiredTaints(node: Node, now: Date): Taint[] {
  const ready = nodeReadyStatus(node);
  const wantedKey = ready === 'False' ? TAINT_NOT_READY : ready === 'Unknown' ? TAINT_UNREACHABLE : undefined;
  const stamp = conditionTime(now.getTime());
  const current = node.spec?.taints ?? [];
  const out: Taint[] = [];
  for (const t of current) {
    const ours = t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE;
    // Only the NoExecute taint is ours: a NoSchedule taint of the same key (a user's) is left alone.
    if (ours && t.effect === 'NoExecute' && t.key !== wantedKey) continue;
    out.push(t.effect === 'NoExecute' && t.timeAdded === undefined ? { ...t, timeAdded: stamp } : t);
  }
  if (wantedKey !== undefined && !current.some((t) => t.key === wantedKey && t.effect === 'NoExecute')) {
    out.push({ key: wantedKey, effect: 'NoExecute', timeAdded: stamp });
  }
  return out;
}
