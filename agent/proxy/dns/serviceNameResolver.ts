// Which names stand for a Service, as Kubernetes' DNS spec gives them, for one client's namespace.
import type { Service } from '../../../shared/model/types.ts';

export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * A lookup for the Services the client can name: `name` (in the client's own namespace, as the search
 * path `ns.svc.cluster.local` would expand it), `name.namespace`, `name.namespace.svc` and
 * `name.namespace.svc.cluster.local`; case-insensitive, a trailing dot ignored. Each names `[address]`,
 * where the proxy listens for pods; any other name is undefined (NXDOMAIN).
 */
export function serviceNameResolver(
  services: readonly Service[],
  namespaceOfClient: string,
  address: string,
): (name: string) => string[] | undefined {
  const known = new Set(services.map((svc) => `${svc.metadata.name}.${svc.metadata.namespace ?? 'default'}`));
  return (name) => {
    const target = serviceOfName(name, namespaceOfClient);
    return target && known.has(`${target.name}.${target.namespace}`) ? [address] : undefined;
  };
}

/** The Service a name stands for, or undefined when it is none of the forms. */
export function serviceOfName(
  name: string,
  namespaceOfClient: string,
): { name: string; namespace: string } | undefined {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.some((l) => l === '')) return undefined;
  const [service, namespace, ...rest] = labels as [string, ...string[]];
  const suffix = rest.join('.');
  if (namespace === undefined) return { name: service, namespace: namespaceOfClient };
  if (suffix === '' || suffix === 'svc' || suffix === `svc.${CLUSTER_DOMAIN}`)
    return { name: service, namespace };
  return undefined;
}
