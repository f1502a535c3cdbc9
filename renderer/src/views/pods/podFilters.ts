// The Pods view's filters: a label selector typed as for `kubectl get pods -l`, a node and a phase. The
// namespace is the store's (the shell's switcher), applied before these by useObjects.
import type { LabelRequirement } from '../../../../shared/model/selector.ts';
import { matchesParsedSelector, parseLabelSelectorString } from '../../../../shared/model/selector.ts';
import type { Pod } from '../../../../shared/model/types.ts';

export interface PodFilter {
  /** Label selector text: `app=web,tier!=db`, `env in (prod)`, `!canary`. Empty selects every pod. */
  selector: string;
  /** A node name; '' for any node. UNSCHEDULED selects the pods no node was chosen for. */
  node: string;
  /** A pod phase (Pending, Running, Succeeded, Failed, Unknown); '' for any. */
  phase: string;
}

export const UNSCHEDULED = '<none>';

export const EMPTY_FILTER: PodFilter = { selector: '', node: '', phase: '' };

export type ParsedSelector = { ok: true; requirements: LabelRequirement[] } | { ok: false; error: string };

/** The selector text parsed; a bad one carries the parser's message, shown beside the input. */
export function parseSelector(text: string): ParsedSelector {
  const parsed = parseLabelSelectorString(text.trim());
  return parsed.ok ? { ok: true, requirements: parsed.selector } : { ok: false, error: parsed.error };
}

/**
 * The pods that pass the filter, in their given order. A selector that does not parse filters nothing out,
 * so the list does not flash empty while the user is halfway through typing one.
 */
export function filterPods(pods: readonly Pod[], filter: PodFilter, selector: ParsedSelector): Pod[] {
  const requirements = selector.ok ? selector.requirements : [];
  if (requirements.length === 0 && filter.node === '' && filter.phase === '') return [...pods];
  return pods.filter((pod) => {
    if (filter.node !== '') {
      const node = pod.spec.nodeName ?? UNSCHEDULED;
      if (node !== filter.node) return false;
    }
    if (filter.phase !== '' && (pod.status?.phase ?? 'Pending') !== filter.phase) return false;
    return requirements.length === 0 || matchesParsedSelector(requirements, pod.metadata.labels);
  });
}

/** The node names to offer in the node filter: every node the pods run on, and the nodes the cluster has. */
export function nodeChoices(pods: readonly Pod[], nodeNames: readonly string[]): string[] {
  const names = new Set(nodeNames);
  let unscheduled = false;
  for (const pod of pods) {
    if (pod.spec.nodeName) names.add(pod.spec.nodeName);
    else unscheduled = true;
  }
  const sorted = [...names].sort();
  return unscheduled ? [...sorted, UNSCHEDULED] : sorted;
}
