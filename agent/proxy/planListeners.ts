// The pure plan of the proxy's listeners: for each TCP port of each Service, one listener per ClusterIP
// address at `port`, plus one per node address at `nodePort` for NodePort Services, each carrying the Ready
// endpoints the Service's Endpoints list for that port.
import { objectKey } from '../../shared/model/meta.ts';
import { balanceModeOf } from '../../shared/model/semantics/service.ts';
import type { Endpoints, Service } from '../../shared/model/types.ts';
import {
  type ListenAddresses,
  type ListenerConflict,
  type ListenerPlan,
  type ListenerSpec,
  listenerKey,
  type ProxyTarget,
  targetKey,
} from './types.ts';

type ServicePort = NonNullable<Service['spec']['ports']>[number];
type Subset = NonNullable<Endpoints['subsets']>[number];

/**
 * The endpoints of one Service port. Endpoints ports carry the Service port's name; an unnamed port of a
 * single-port Service takes a subset's only port. A named port never falls back to another port: a subset
 * lacks it when its pods do not expose that name, and those pods must not receive its traffic.
 */
export function endpointsForPort(
  port: ServicePort,
  singlePort: boolean,
  ep: Endpoints | undefined,
): ProxyTarget[] {
  const name = port.name ?? '';
  const seen = new Set<string>();
  const targets: ProxyTarget[] = [];
  for (const subset of ep?.subsets ?? []) {
    const number = subsetPort(subset, name, singlePort);
    if (number === undefined) continue;
    // Only `addresses`: the leader puts pods that are not Ready under `notReadyAddresses`.
    for (const a of subset.addresses ?? []) {
      const target: ProxyTarget = {
        ip: a.ip,
        port: number,
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        ...(a.targetRef?.name
          ? {
              pod: {
                namespace: a.targetRef.namespace ?? ep?.metadata.namespace ?? 'default',
                name: a.targetRef.name,
              },
            }
          : {}),
      };
      // The key holds the node: two nodes' pods may share an IP (each engine's own 172.17.0.0/16), and both
      // are endpoints; only the same address listed twice for one node is dropped.
      const key = targetKey(target);
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push(target);
    }
  }
  return targets;
}

function subsetPort(subset: Subset, name: string, singlePort: boolean): number | undefined {
  const ports = (subset.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  const named = ports.find((p) => (p.name ?? '') === name);
  if (named) return named.port;
  if (singlePort && name === '' && ports.length === 1) return ports[0]?.port;
  return undefined;
}

function affinityOf(svc: Service): ListenerSpec['affinity'] {
  if (svc.spec.sessionAffinity !== 'ClientIP') return undefined;
  const seconds = svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  return seconds === undefined ? {} : { timeoutMs: seconds * 1000 };
}

export function planListeners(
  services: readonly Service[],
  endpoints: readonly Endpoints[],
  addresses: ListenAddresses,
): ListenerPlan {
  const endpointsByKey = new Map(endpoints.map((e) => [objectKey(e), e]));
  // Sorted so that which Service wins a contested port does not depend on the order the caller read them.
  const sorted = [...services].sort((a, b) => compare(objectKey(a), objectKey(b)));
  const claimed = new Map<string, ListenerSpec>();
  const conflicts: ListenerConflict[] = [];

  const claim = (spec: ListenerSpec) => {
    const key = listenerKey(spec.address, spec.port);
    const holder = claimed.get(key);
    if (!holder) {
      claimed.set(key, spec);
      return;
    }
    conflicts.push({
      address: spec.address,
      port: spec.port,
      service: spec.service,
      portName: spec.portName,
      claimedBy: holder.service,
    });
  };

  for (const svc of sorted) {
    const key = objectKey(svc);
    const ports = svc.spec.ports ?? [];
    const affinity = affinityOf(svc);
    for (const port of ports) {
      // Admission refuses other protocols; a stored one the proxy cannot carry is not served.
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      const targets = endpointsForPort(port, ports.length === 1, endpointsByKey.get(key));
      const balance = balanceModeOf(svc);
      const base = {
        service: key,
        portName: port.name ?? '',
        endpoints: targets,
        ...(affinity ? { affinity } : {}),
        ...(balance ? { balance } : {}),
      };
      for (const address of addresses.service) claim({ address, port: port.port, ...base });
      if (svc.spec.type === 'NodePort' && port.nodePort !== undefined) {
        for (const address of addresses.nodePort) claim({ address, port: port.nodePort, ...base });
      }
    }
  }
  return { listeners: [...claimed.values()], conflicts };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
