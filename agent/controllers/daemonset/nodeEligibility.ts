// Which nodes a DaemonSet's pod belongs on (Kubernetes' NodeShouldRunDaemonPod): the template's node name,
// nodeSelector and required node affinity must match the node, and its taints must be tolerated, with the
// tolerations every daemon pod gets (so it keeps running on nodes that are not ready, unreachable, under
// pressure or cordoned). A node being deleted runs nothing new.

import type { Toleration } from '../../../shared/model/schemas/pod.ts';
import type { Node, PodSpec } from '../../../shared/model/types.ts';

type Taint = NonNullable<NonNullable<Node['spec']>['taints']>[number];
type NodeSelectorTerm = NonNullable<
  NonNullable<
    NonNullable<PodSpec['affinity']>['nodeAffinity']
  >['requiredDuringSchedulingIgnoredDuringExecution']
>['nodeSelectorTerms'][number];
type NodeSelectorRequirement = NonNullable<NodeSelectorTerm['matchExpressions']>[number];

/** Kubernetes' AddOrUpdateDaemonPodTolerations (without the host-network one Shoal has no use for). */
export const DAEMON_POD_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * The pod's tolerations with the daemon ones added (Kubernetes' AddOrUpdateTolerationInPodSpec): a
 * toleration of the same key, operator, value and effect is replaced, so a daemon pod is never evicted
 * for those conditions after some seconds.
 */
export function withDaemonTolerations(tolerations: readonly Toleration[] | undefined): Toleration[] {
  let list = (tolerations ?? []).map((t) => ({ ...t }));
  for (const daemon of DAEMON_POD_TOLERATIONS) {
    const same = (t: Toleration): boolean =>
      (t.key ?? '') === (daemon.key ?? '') &&
      (t.operator ?? 'Equal') === (daemon.operator ?? 'Equal') &&
      (t.value ?? '') === (daemon.value ?? '') &&
      (t.effect ?? '') === (daemon.effect ?? '');
    if (list.some(same)) list = list.map((t) => (same(t) ? { ...daemon } : t));
    else list.push({ ...daemon });
  }
  return list;
}

/** Kubernetes' Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

function untolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: string[],
): boolean {
  return taints.some(
    (taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)),
  );
}

/** One requirement of a node selector term against the node's labels (or, for matchFields, its name). */
function matchesRequirement(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides must be integers; anything else does not match (Kubernetes: a parse error).
      if (
        value === undefined ||
        values.length !== 1 ||
        !/^-?[0-9]+$/.test(value) ||
        !/^-?[0-9]+$/.test(values[0]!)
      ) {
        return false;
      }
      const [a, b] = [Number(value), Number(values[0])];
      return req.operator === 'Gt' ? a > b : a < b;
    }
  }
}

/** A term with no requirements matches nothing, as in Kubernetes; its requirements all hold otherwise. */
function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const label = (key: string): string | undefined => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  return (
    expressions.every((r) => matchesRequirement(r, label(r.key))) &&
    // Only metadata.name is a supported field.
    fields.every((r) => r.key === 'metadata.name' && matchesRequirement(r, node.metadata.name))
  );
}

/** nodeSelector and required node affinity (Kubernetes' GetRequiredNodeAffinity(pod).Match(node)). */
export function matchesNodeSelection(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined) return true;
  return required.nodeSelectorTerms.some((term) => matchesTerm(term, node));
}

export interface DaemonPlacement {
  /** A pod should be created here when there is none. */
  shouldRun: boolean;
  /** A pod already here may stay (a NoSchedule taint keeps new pods off but does not evict). */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(spec: PodSpec, node: Node): DaemonPlacement {
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (node.metadata.deletionTimestamp !== undefined) return no;
  if (spec.nodeName !== undefined && spec.nodeName !== '' && spec.nodeName !== node.metadata.name) return no;
  if (!matchesNodeSelection(spec, node)) return no;
  const taints = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec.tolerations);
  if (!untolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: true, shouldContinueRunning: true };
  }
  return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
}
