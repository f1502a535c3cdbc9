// `shoal describe service`: kubectl's describeService, with endpoints from the Service's Endpoints object.
import type { Endpoints, Service } from '../../../shared/model/types.ts';
import type { ProxyStatus } from '../../api/proxyApi.ts';
import { formatLabels } from '../tables/cells.ts';
import { formatEndpoints } from '../tables/network.ts';
import { type DescribeContext, writeAnnotations, writeEvents, writeLabels } from './common.ts';
import { DescribeWriter } from './writer.ts';

/**
 * Where the answering agent serves this Service (Shoal has no cluster-wide virtual IP: every agent listens
 * on its own service address, and on the Docker bridge for its host's pods), and any port it could not bind.
 */
function writeListeners(w: DescribeWriter, svc: Service, proxy: ProxyStatus | undefined): void {
  if (!proxy) return;
  const key = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
  const mine = proxy.listeners.filter((l) => l.service === key);
  if (mine.length === 0) {
    w.field(0, `Listening on ${proxy.node}`, '<none>');
    return;
  }
  w.write(0, `Listening on ${proxy.node}:\n`);
  for (const l of mine) {
    const where = l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;
    w.write(1, `${where}\t${l.state}${l.error ? ` (${l.error.code}: ${l.error.message})` : ''}\n`);
  }
}

export function describeService(svc: Service, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = svc.spec;
  w.field(0, 'Name', svc.metadata.name);
  w.field(0, 'Namespace', svc.metadata.namespace ?? '');
  writeLabels(w, 'Labels', svc.metadata.labels);
  writeAnnotations(w, 'Annotations', svc.metadata.annotations);
  w.field(0, 'Selector', formatLabels(spec.selector));
  w.field(0, 'Type', spec.type ?? 'ClusterIP');
  if (spec.ipFamilyPolicy) w.field(0, 'IP Family Policy', spec.ipFamilyPolicy);
  w.field(
    0,
    'IP Families',
    spec.ipFamilies && spec.ipFamilies.length > 0 ? spec.ipFamilies.join(',') : '<none>',
  );
  // No cluster-wide virtual IP unless one was given: the answering agent's own service address stands in.
  w.field(0, 'IP', spec.clusterIP || ctx.proxy?.serviceAddress || '');
  if (spec.clusterIPs && spec.clusterIPs.length > 0) w.field(0, 'IPs', spec.clusterIPs.join(','));
  const endpoints = ctx.endpoints as Endpoints | undefined;
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const protocol = p.protocol ?? 'TCP';
    w.write(0, `Port:\t${name}\t${p.port}/${protocol}\n`);
    w.field(0, 'TargetPort', `${p.targetPort ?? p.port}/${protocol}`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`);
    w.field(0, 'Endpoints', endpoints ? formatEndpoints(endpoints, 3, new Set([p.name ?? ''])) : '<none>');
  }
  w.field(0, 'Session Affinity', spec.sessionAffinity ?? 'None');
  writeListeners(w, svc, ctx.proxy);
  if (spec.externalTrafficPolicy) w.field(0, 'External Traffic Policy', spec.externalTrafficPolicy);
  if (spec.internalTrafficPolicy) w.field(0, 'Internal Traffic Policy', spec.internalTrafficPolicy);
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}
