// The subsets of a Service's Endpoints, as Kubernetes' endpoints controller builds them: every pod the
// Service selects that has an IP and is not being deleted, Ready ones under `addresses` and the others under
// `notReadyAddresses`, grouped by the set of ports each pod resolves (RepackSubsets): a pod lacking a named
// target port is left out of that port only.

import type { Endpoints, Pod, Service } from '../../../shared/model/types.ts';
import { isPodReady } from '../podUtil.ts';

export type EndpointSubset = NonNullable<Endpoints['subsets']>[number];
export type EndpointAddress = NonNullable<EndpointSubset['addresses']>[number];
export type EndpointPort = NonNullable<EndpointSubset['ports']>[number];
type ServicePort = NonNullable<Service['spec']['ports']>[number];

/**
 * The container port a Service port reaches on `pod` (Kubernetes' podutil.FindPort): a number as is, a name
 * looked up among the pod's container ports of the same protocol; undefined when the pod has no such port.
 */
export function findTargetPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec.containers) {
    for (const cp of c.ports ?? []) {
      if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
    }
  }
  return undefined;
}

/** Pods that belong in a Service's Endpoints at all (Ready or not): an IP, not finished, not being deleted. */
export function isEndpointCandidate(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return (
    pod.metadata.deletionTimestamp === undefined &&
    phase !== 'Succeeded' &&
    phase !== 'Failed' &&
    typeof pod.status?.podIP === 'string' &&
    pod.status.podIP !== ''
  );
}

function addressOf(pod: Pod): EndpointAddress {
  const namespace = pod.metadata.namespace ?? 'default';
  return {
    ip: pod.status?.podIP ?? '',
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: {
      kind: 'Pod',
      namespace,
      name: pod.metadata.name,
      ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
    },
  };
}

function portsOf(svc: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const p of svc.spec.ports ?? []) {
    // Admission refuses other protocols; a stored one the proxy cannot carry is not advertised.
    const protocol = p.protocol ?? 'TCP';
    if (protocol !== 'TCP') continue;
    const port = findTargetPort(pod, p);
    if (port === undefined) continue;
    ports.push({ ...(p.name ? { name: p.name } : {}), port, protocol });
  }
  return ports;
}

/** By IP, then pod name, so the same pods always give the same object. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const an = a.targetRef?.name ?? '';
  const bn = b.targetRef?.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** `pods` are the Service's namespace's pods its selector matches; the result is in a deterministic order. */
export function endpointSubsetsFor(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const hasPorts = (svc.spec.ports ?? []).length > 0;
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (!isEndpointCandidate(pod)) continue;
    const ports = portsOf(svc, pod);
    // A pod that resolves none of the Service's ports serves nothing (headless Services, without ports,
    // still list their pods).
    if (hasPorts && ports.length === 0) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (group === undefined) {
      group = { ports, ready: [], notReady: [] };
      groups.set(key, group);
    }
    (isPodReady(pod) ? group.ready : group.notReady).push(addressOf(pod));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(compareAddresses) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(compareAddresses) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    }));
}
