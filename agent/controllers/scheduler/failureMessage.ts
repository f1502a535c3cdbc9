// kube-scheduler's words for why a node was filtered out, and its FitError message: every node's reasons
// counted, each "COUNT REASON" string sorted as Go's sort.Strings does (byte order, so "10 …" sorts before
// "2 …"), joined after "0/N nodes are available:" and closed with a period.

export const REASON = {
  unschedulable: 'node(s) were unschedulable',
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  hostPorts: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  insufficientCpu: 'Insufficient cpu',
  insufficientMemory: 'Insufficient memory',
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
} as const;

/** TaintToleration's reason: `node(s) had untolerated taint {key: value}` (value empty when none). */
export function untoleratedTaintReason(taint: { key: string; value?: string }): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

/** kube-scheduler's ErrNoNodesAvailable, when the cluster has no node at all. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

/** FitError.Error(): `0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient memory.` */
export function fitErrorMessage(totalNodes: number, reasonsPerNode: Iterable<readonly string[]>): string {
  if (totalNodes === 0) return NO_NODES_MESSAGE;
  const histogram = new Map<string, number>();
  for (const reasons of reasonsPerNode) {
    for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  }
  const counted = [...histogram].map(([reason, n]) => `${n} ${reason}`);
  // Go's sort.Strings compares bytes; JavaScript's default sort compares UTF-16 units, the same for these.
  counted.sort();
  const head = `0/${totalNodes} nodes are available:`;
  return counted.length === 0 ? head : `${head} ${counted.join(', ')}.`;
}
