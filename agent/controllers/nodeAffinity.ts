// Node selection as the scheduler's NodeAffinity filter and the DaemonSet controller judge it (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): the pod's
// nodeSelector (every pair) AND its required node affinity (nodeSelectorTerms ORed, each term's
// expressions ANDed). Expressions match labels; fields match only `metadata.name`, as in Kubernetes.

import type { Node, Pod, PodSpec } from '../../shared/model/types.ts';

type Affinity = NonNullable<Pod['spec']['affinity']>;
type NodeSelector = NonNullable<
  NonNullable<Affinity['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']
>;
export type NodeSelectorTerm = NodeSelector['nodeSelectorTerms'][number];
export type NodeSelectorRequirement = NonNullable<NodeSelectorTerm['matchExpressions']>[number];

function own(map: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Go's strconv.ParseInt(v, 10, 64) as Gt/Lt use it: a plain decimal integer or nothing. */
function parseInteger(v: string | undefined): number | undefined {
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return undefined;
  return Number(v);
}

/** One requirement against a key/value map; an unknown operator or malformed Gt/Lt matches nothing. */
export function matchesRequirement(
  req: NodeSelectorRequirement,
  values: Readonly<Record<string, string>> | undefined,
): boolean {
  const value = own(values, req.key);
  const wanted = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && wanted.includes(value);
    case 'NotIn':
      return value === undefined || !wanted.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (wanted.length !== 1) return false;
      const have = parseInteger(value);
      const bound = parseInteger(wanted[0]);
      if (have === undefined || bound === undefined) return false;
      return req.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

/** A term with neither expressions nor fields matches no node (Kubernetes: an empty term selects nothing). */
export function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels;
  for (const req of expressions) if (!matchesRequirement(req, labels)) return false;
  // metadata.name is the only field selector Kubernetes supports here; any other key matches nothing.
  const nodeFields = { 'metadata.name': node.metadata.name };
  for (const req of fields) {
    if (req.key !== 'metadata.name' || !matchesRequirement(req, nodeFields)) return false;
  }
  return true;
}

/** nodeSelector and required node affinity both hold (the NodeAffinity filter; the DaemonSet's too). */
export function matchesNodeSelectorAndAffinity(
  spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>,
  node: Node,
): boolean {
  const selector = spec.nodeSelector;
  if (selector) {
    const labels = node.metadata.labels;
    for (const [k, v] of Object.entries(selector)) if (own(labels, k) !== v) return false;
  }
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => matchesTerm(t, node));
}
