// Required inter-pod affinity and anti-affinity (kube-scheduler's InterPodAffinity filter), for any
// topologyKey: a node's topology domain is its label value for the key (its name stands in for
// kubernetes.io/hostname when the label is missing, since Shoal's node name is its hostname).
//
// The index remembers, per distinct term, the domains that hold a pod matching it, and is told of every
// placement, so checking a term costs a set lookup per node instead of a scan of every pod per pod.

import type { LabelRequirement, LabelSelector } from '../../../shared/model/selector.ts';
import { matchesParsedSelector, validateLabelSelector } from '../../../shared/model/selector.ts';
import type { Node, Pod } from '../../../shared/model/types.ts';

export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

export interface AffinityTerm {
  /** Identifies equal terms, so their domains are computed once. */
  id: string;
  topologyKey: string;
  /** The namespaces whose pods the term looks at (the pod's own when the term names none). */
  namespaces: readonly string[];
  selector: LabelSelector | undefined;
  /** The selector parsed once; undefined when it selects nothing (absent or invalid). */
  requirements: readonly LabelRequirement[] | undefined;
}

const OPERATORS = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const;

// Parsing a selector on every match (as matchesLabelSelector does) dominated a pass with anti-affinity.
function parseSelector(sel: LabelSelector | undefined): LabelRequirement[] | undefined {
  if (sel === undefined || validateLabelSelector(sel, '').length > 0) return undefined;
  return [
    ...Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({
      key,
      operator: '=' as const,
      values: [v],
    })),
    ...(sel.matchExpressions ?? []).map((e) => ({
      key: e.key,
      operator: OPERATORS[e.operator],
      values: [...(e.values ?? [])],
    })),
  ];
}

const parsedTerms = new Map<string, AffinityTerm>();

export function topologyValue(node: Node, topologyKey: string): string | undefined {
  const labels = node.metadata.labels;
  const value = labels !== undefined && Object.hasOwn(labels, topologyKey) ? labels[topologyKey] : undefined;
  return value ?? (topologyKey === HOSTNAME_TOPOLOGY_KEY ? node.metadata.name : undefined);
}

export function requiredTerms(pod: Pod, kind: 'podAffinity' | 'podAntiAffinity'): AffinityTerm[] {
  const terms = pod.spec.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms.map((t) => {
    const namespaces = t.namespaces?.length
      ? [...t.namespaces].sort()
      : [pod.metadata.namespace ?? 'default'];
    const id = JSON.stringify([t.topologyKey, namespaces, t.labelSelector ?? null]);
    let term = parsedTerms.get(id);
    if (!term) {
      term = {
        id,
        topologyKey: t.topologyKey,
        namespaces,
        selector: t.labelSelector,
        requirements: parseSelector(t.labelSelector),
      };
      if (parsedTerms.size > 10_000) parsedTerms.clear();
      parsedTerms.set(id, term);
    }
    return term;
  });
}

/** A nil selector matches no pod, `{}` every pod, as in Kubernetes. */
export function termMatchesPod(term: AffinityTerm, pod: Pod): boolean {
  return (
    term.requirements !== undefined &&
    term.namespaces.includes(pod.metadata.namespace ?? 'default') &&
    matchesParsedSelector(term.requirements, pod.metadata.labels)
  );
}

interface PlacedPod {
  pod: Pod;
  node: Node;
}

interface ExistingAntiAffinity {
  term: AffinityTerm;
  /** Domains holding a pod that carries this term. */
  domains: Set<string>;
}

export class TopologyIndex {
  readonly #pods: PlacedPod[] = [];
  /** Per term id: the domains (of the term's topology key) that hold at least one matching pod. */
  readonly #domains = new Map<string, { term: AffinityTerm; domains: Set<string> }>();
  /** Anti-affinity terms of pods already placed, which a newcomer must not violate either. */
  readonly #existingAnti = new Map<string, ExistingAntiAffinity>();

  add(pod: Pod, node: Node): void {
    this.#pods.push({ pod, node });
    for (const entry of this.#domains.values()) {
      if (!termMatchesPod(entry.term, pod)) continue;
      const domain = topologyValue(node, entry.term.topologyKey);
      if (domain !== undefined) entry.domains.add(domain);
    }
    if (pod.spec.affinity?.podAntiAffinity) {
      for (const term of requiredTerms(pod, 'podAntiAffinity')) {
        const domain = topologyValue(node, term.topologyKey);
        if (domain === undefined) continue;
        const entry = this.#existingAnti.get(term.id) ?? { term, domains: new Set<string>() };
        this.#existingAnti.set(term.id, entry);
        entry.domains.add(domain);
      }
    }
  }

  /** The domains holding a pod that matches `term`. */
  domainsMatching(term: AffinityTerm): ReadonlySet<string> {
    let entry = this.#domains.get(term.id);
    if (!entry) {
      entry = { term, domains: new Set() };
      for (const { pod, node } of this.#pods) {
        if (!termMatchesPod(term, pod)) continue;
        const domain = topologyValue(node, term.topologyKey);
        if (domain !== undefined) entry.domains.add(domain);
      }
      this.#domains.set(term.id, entry);
    }
    return entry.domains;
  }

  /** Per topology key, the domains where a placed pod's anti-affinity term matches `pod`. */
  domainsRefusing(pod: Pod): Map<string, Set<string>> | undefined {
    let refused: Map<string, Set<string>> | undefined;
    for (const { term, domains } of this.#existingAnti.values()) {
      if (!termMatchesPod(term, pod)) continue;
      refused ??= new Map();
      const set = refused.get(term.topologyKey) ?? new Set<string>();
      refused.set(term.topologyKey, set);
      for (const d of domains) set.add(d);
    }
    return refused;
  }
}

/** What one pending pod's inter-pod rules need, worked out once before its nodes are checked. */
export interface InterPodRules {
  affinity: { term: AffinityTerm; domains: ReadonlySet<string> }[];
  /** True when no pod matches any affinity term and the pod matches all of them (the first of a group). */
  affinitySelfSatisfied: boolean;
  antiAffinity: { term: AffinityTerm; domains: ReadonlySet<string> }[];
  existingAnti: Map<string, Set<string>> | undefined;
}

export function interPodRules(pod: Pod, index: TopologyIndex): InterPodRules | undefined {
  const affinityTerms = pod.spec.affinity?.podAffinity ? requiredTerms(pod, 'podAffinity') : [];
  const antiTerms = pod.spec.affinity?.podAntiAffinity ? requiredTerms(pod, 'podAntiAffinity') : [];
  const existingAnti = index.domainsRefusing(pod);
  if (affinityTerms.length === 0 && antiTerms.length === 0 && existingAnti === undefined) return undefined;
  const affinity = affinityTerms.map((term) => ({ term, domains: index.domainsMatching(term) }));
  return {
    affinity,
    affinitySelfSatisfied:
      affinity.length > 0 &&
      affinity.every((a) => a.domains.size === 0) &&
      affinityTerms.every((t) => termMatchesPod(t, pod)),
    antiAffinity: antiTerms.map((term) => ({ term, domains: index.domainsMatching(term) })),
    existingAnti,
  };
}

/** The InterPodAffinity filter's reason for refusing `node`, in its order of checks, or undefined. */
export function interPodRefusal(
  rules: InterPodRules,
  node: Node,
): 'podAffinity' | 'podAntiAffinity' | 'existingAntiAffinity' | undefined {
  if (rules.affinity.length > 0) {
    let allPresent = true;
    for (const { term, domains } of rules.affinity) {
      const domain = topologyValue(node, term.topologyKey);
      if (domain === undefined) return 'podAffinity'; // the node must carry every topology key
      if (!domains.has(domain)) allPresent = false;
    }
    if (!allPresent && !rules.affinitySelfSatisfied) return 'podAffinity';
  }
  for (const { term, domains } of rules.antiAffinity) {
    const domain = topologyValue(node, term.topologyKey);
    if (domain !== undefined && domains.has(domain)) return 'podAntiAffinity';
  }
  if (rules.existingAnti) {
    for (const [key, domains] of rules.existingAnti) {
      const domain = topologyValue(node, key);
      if (domain !== undefined && domains.has(domain)) return 'existingAntiAffinity';
    }
  }
  return undefined;
}
