// `labelSelector` and `fieldSelector` query parameters, parsed with Kubernetes' grammar; a bad one is a 400.

import { matchesFieldSelector, parseFieldSelector } from '../../shared/model/fieldSelector.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { matchesParsedSelector, parseLabelSelectorString } from '../../shared/model/selector.ts';
import type { ListOptions } from '../../shared/store/ClusterStore.ts';
import { badRequest } from './kubeStatus.ts';

export interface Selectors {
  labelSelector?: ListOptions['labelSelector'];
  fieldSelector?: ListOptions['fieldSelector'];
}

export function selectorsFromQuery(query: URLSearchParams): Selectors {
  const out: Selectors = {};
  const label = query.get('labelSelector');
  if (label !== null && label !== '') {
    const parsed = parseLabelSelectorString(label);
    if (!parsed.ok) throw badRequest(`invalid labelSelector "${label}": ${parsed.error}`);
    out.labelSelector = (labels) => matchesParsedSelector(parsed.selector, labels);
  }
  const field = query.get('fieldSelector');
  if (field !== null && field !== '') {
    const parsed = parseFieldSelector(field);
    if (!parsed.ok) throw badRequest(`invalid fieldSelector "${field}": ${parsed.error}`);
    out.fieldSelector = (obj) => matchesFieldSelector(parsed.selector, obj);
  }
  return out;
}

/** Whether an object passes the selectors (and the namespace, when one is given). */
export function matchesSelectors(obj: KubeObject, namespace: string | undefined, s: Selectors): boolean {
  return (
    (namespace === undefined || obj.metadata.namespace === namespace) &&
    (!s.labelSelector || s.labelSelector(obj.metadata.labels ?? {})) &&
    (!s.fieldSelector || s.fieldSelector(obj))
  );
}
