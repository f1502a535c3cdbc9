// What the Services view shows, as pure functions: the selector, endpoint counts and addresses, and the
// browser URLs of node ports (the PORT(S) cell is shared/display/servicePorts.ts, as the CLI prints it).
import type { Endpoints, Service } from '../../../../shared/model/types.ts';

/** `app=web,tier=front`; `<none>` for a Service without a selector (its endpoints are managed by hand). */
export function formatSelector(selector: Record<string, string> | undefined): string {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return '<none>';
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface EndpointAddress {
  ip: string;
  ready: boolean;
  pod?: string;
  node?: string;
  /** The ports the address serves, e.g. `http 8080/TCP`. */
  ports: string[];
}

/**
 * Every address of an Endpoints object, ready ones first. An address that appears in several subsets (one
 * per distinct port set) is listed once, with all its ports.
 */
export function endpointAddresses(ep: Endpoints | undefined): EndpointAddress[] {
  const byKey = new Map<string, EndpointAddress>();
  for (const subset of ep?.subsets ?? []) {
    const ports = (subset.ports ?? []).map(
      (p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol ?? 'TCP'}`,
    );
    const add = (a: NonNullable<typeof subset.addresses>[number], ready: boolean) => {
      const key = `${ready}/${a.targetRef?.uid ?? a.targetRef?.name ?? a.ip}`;
      const known = byKey.get(key);
      if (known) {
        known.ports.push(...ports.filter((p) => !known.ports.includes(p)));
        return;
      }
      byKey.set(key, { ip: a.ip, ready, pod: a.targetRef?.name, node: a.nodeName, ports: [...ports] });
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  return [...byKey.values()].sort((a, b) => Number(b.ready) - Number(a.ready) || a.ip.localeCompare(b.ip));
}

export interface EndpointCount {
  ready: number;
  total: number;
}

export function countEndpoints(ep: Endpoints | undefined): EndpointCount {
  const addresses = endpointAddresses(ep);
  return { ready: addresses.filter((a) => a.ready).length, total: addresses.length };
}

/** `2/3`, or `-` when the Endpoints object does not exist (yet). */
export function formatEndpointCount(ep: Endpoints | undefined): string {
  if (!ep) return '-';
  const { ready, total } = countEndpoints(ep);
  return `${ready}/${total}`;
}

/**
 * The host a browser reaches node ports on. The web dashboard is served by an agent on the machine the
 * user browses from, so its host name serves the node ports too; the desktop app's page has no host.
 */
export function nodePortHost(transport: 'web' | 'ipc', locationHostname: string): string {
  if (transport !== 'web' || locationHostname === '') return 'localhost';
  // An IPv6 literal needs its brackets in a URL; location.hostname keeps them, other sources may not.
  return locationHostname.includes(':') && !locationHostname.startsWith('[')
    ? `[${locationHostname}]`
    : locationHostname;
}

export interface NodePortLink {
  port: number;
  nodePort: number;
  url: string;
}

export function nodePortLinks(svc: Service, host: string): NodePortLink[] {
  if (svc.spec.type !== 'NodePort') return [];
  return (svc.spec.ports ?? []).flatMap((p) =>
    p.nodePort ? [{ port: p.port, nodePort: p.nodePort, url: `http://${host}:${p.nodePort}/` }] : [],
  );
}
