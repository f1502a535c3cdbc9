// One Service's Endpoints: create, update (only when different, conditional on its resourceVersion) or
// delete. Endpoints this controller writes carry MANAGED_BY_ANNOTATION, so that the Endpoints a user writes
// for a Service without selector (an external backend) are never touched, as in Kubernetes.

import type { Endpoints, Pod, Service } from '../../../shared/model/types.ts';
import type { ControllerAction } from '../controllerTypes.ts';
import { endpointSubsetsFor } from './endpointSubsets.ts';

export const MANAGED_BY_ANNOTATION = 'shoal.dev/managed-by';
export const ENDPOINTS_CONTROLLER = 'endpoints-controller';

export interface EndpointsInput {
  namespace: string;
  name: string;
  service: Service | undefined;
  endpoints: Endpoints | undefined;
  /** Every pod of the namespace; the plan picks the ones the selector matches. */
  pods: readonly Pod[];
}

/** Kubernetes leaves a Service without selector (nil or, once stored, empty) to the user's Endpoints. */
export function hasSelector(svc: Service): boolean {
  return svc.spec.selector !== undefined && Object.keys(svc.spec.selector).length > 0;
}

export function selectsPod(svc: Service, pod: Pod): boolean {
  if (!hasSelector(svc)) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(svc.spec.selector ?? {}).every(([k, v]) => labels[k] === v);
}

export function isManaged(ep: Endpoints): boolean {
  return ep.metadata.annotations?.[MANAGED_BY_ANNOTATION] === ENDPOINTS_CONTROLLER;
}

export function planEndpoints(input: EndpointsInput): ControllerAction[] {
  const { service, endpoints } = input;
  if (service === undefined || !hasSelector(service)) {
    if (endpoints === undefined || !isManaged(endpoints)) return [];
    return [
      {
        type: 'delete',
        kind: 'Endpoints',
        namespace: input.namespace,
        name: input.name,
        ...(endpoints.metadata.uid ? { uid: endpoints.metadata.uid } : {}),
      },
    ];
  }
  const subsets = endpointSubsetsFor(
    service,
    input.pods.filter((p) => selectsPod(service, p)),
  );
  const labels = service.metadata.labels;
  if (endpoints === undefined) {
    const created: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: input.name,
        namespace: input.namespace,
        ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
        annotations: { [MANAGED_BY_ANNOTATION]: ENDPOINTS_CONTROLLER },
      },
      ...(subsets.length > 0 ? { subsets } : {}),
    } as Endpoints;
    return [{ type: 'create', object: created }];
  }
  if (
    isManaged(endpoints) &&
    sameLabels(endpoints.metadata.labels, labels) &&
    sameSubsets(endpoints, subsets)
  )
    return [];
  const updated = structuredClone(endpoints) as Endpoints;
  if (labels && Object.keys(labels).length > 0) updated.metadata.labels = { ...labels };
  else delete updated.metadata.labels;
  updated.metadata.annotations = {
    ...updated.metadata.annotations,
    [MANAGED_BY_ANNOTATION]: ENDPOINTS_CONTROLLER,
  };
  if (subsets.length > 0) updated.subsets = subsets;
  else delete updated.subsets;
  return [{ type: 'update', object: updated }];
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ae = Object.entries(a ?? {}).sort(([x], [y]) => (x < y ? -1 : 1));
  const be = Object.entries(b ?? {}).sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify(ae) === JSON.stringify(be);
}

/** Compares in a canonical key order: the document may hand fields back in another order than we wrote. */
function sameSubsets(ep: Endpoints, subsets: readonly unknown[]): boolean {
  return canonical(ep.subsets ?? []) === canonical(subsets);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
