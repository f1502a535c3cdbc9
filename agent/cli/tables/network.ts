// kubectl's columns for services and endpoints.
import { formatServicePorts } from '../../../shared/display/servicePorts.ts';
import type { Endpoints, Service } from '../../../shared/model/types.ts';
import { ageSince } from './age.ts';
import { formatLabels } from './cells.ts';
import type { KindColumns } from './types.ts';

/** PORT(S): `80/TCP`, `80:30080/TCP` (shared with the dashboard). */
export { formatServicePorts as servicePorts } from '../../../shared/display/servicePorts.ts';

/**
 * The Service's cluster IP if it was given one; otherwise where the answering agent serves it (Shoal has no
 * cluster-wide virtual IP: every agent listens on its own service address).
 */
export function serviceClusterIP(svc: Service, serviceAddress?: string): string {
  return svc.spec.clusterIPs?.[0] ?? (svc.spec.clusterIP || serviceAddress || '<none>');
}

export const serviceColumns: KindColumns = {
  headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
  wideHeaders: ['SELECTOR'],
  row(obj, now, ctx) {
    const svc = obj as Service;
    return [
      svc.spec.type ?? 'ClusterIP',
      serviceClusterIP(svc, ctx?.serviceAddress),
      '<none>',
      formatServicePorts(svc),
      ageSince(svc.metadata.creationTimestamp, now),
    ];
  },
  wideRow(obj) {
    return [formatLabels((obj as Service).spec.selector)];
  },
};

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * formatEndpoints: at most `max` `ip:port`, then ` + N more...`; `<none>` when empty. With `portNames`, only
 * the ports of those names (a Service port's endpoints).
 */
export function formatEndpoints(ep: Endpoints, max = 3, portNames?: ReadonlySet<string>): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      if (portNames && !portNames.has(port.name ?? '')) continue;
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(hostPort(a.ip, port.port));
      }
    }
  }
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined === '' ? '<none>' : joined;
}

export const endpointsColumns: KindColumns = {
  headers: ['NAME', 'ENDPOINTS', 'AGE'],
  row(obj, now) {
    return [formatEndpoints(obj as Endpoints), ageSince(obj.metadata.creationTimestamp, now)];
  },
};
