// Which nodes a DaemonSet's pod belongs on (Kubernetes' NodeShouldRunDaemonPod): the template's node name,
// nodeSelector and required node affinity must match the node, and its taints must be tolerated, with the
// tolerations every daemon pod gets (so it keeps running on nodes that are not ready, unreachable, under
// pressure or cordoned). A node being deleted runs nothing new.

import type { Node, PodSpec } from '../../../shared/model/types.ts';
import { matchesNodeSelectorAndAffinity } from '../nodeAffinity.ts';
import { type Taint, type Toleration, toleratesTaint } from '../tolerations.ts';

export { toleratesTaint };

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

function untolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: string[],
): boolean {
  return taints.some(
    (taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)),
  );
}

/** nodeSelector and required node affinity (Kubernetes' GetRequiredNodeAffinity(pod).Match(node)). */
export function matchesNodeSelection(spec: PodSpec, node: Node): boolean {
  return matchesNodeSelectorAndAffinity(spec, node);
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
