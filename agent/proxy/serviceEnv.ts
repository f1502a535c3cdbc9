// The service environment variables a container gets at creation: Kubernetes' docker-links variables,
// exactly as the kubelet's envvars.FromServices writes them, so images written for Kubernetes (or for
// Docker links) find their Services the same way on Shoal.
import { isIPv6 } from 'node:net';
import type { Service } from '../../shared/model/types.ts';
import type { EnvVar } from '../kubelet/runtime/ContainerRuntime.ts';

/**
 * The variables for every Service of `namespace`, services sorted by name (Kubernetes walks a map, so its
 * order is arbitrary; a stable order keeps a container's spec hash stable). `host` is where the proxy
 * listens for pods: it stands in for Kubernetes' cluster IP in every variable.
 *
 * Headless Services (`clusterIP: None`) are left out, as Kubernetes does: nothing listens for them.
 */
export function serviceEnvVars(services: readonly Service[], namespace: string, host: string): EnvVar[] {
  const inNamespace = services
    .filter((svc) => (svc.metadata.namespace ?? 'default') === namespace)
    .filter((svc) => svc.spec.clusterIP !== 'None' && (svc.spec.ports?.length ?? 0) > 0)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return inNamespace.flatMap((svc) => variablesOf(svc, host));
}

type ServicePort = NonNullable<Service['spec']['ports']>[number];

function variablesOf(svc: Service, host: string): EnvVar[] {
  const ports = svc.spec.ports ?? [];
  const prefix = envVariableName(svc.metadata.name);
  const vars: EnvVar[] = [
    { name: `${prefix}_SERVICE_HOST`, value: host },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) },
  ];
  // Only the first port may be unnamed (validation), so every other port gets its own variable.
  for (const port of ports) {
    if (port.name)
      vars.push({ name: `${prefix}_SERVICE_PORT_${envVariableName(port.name)}`, value: String(port.port) });
  }
  vars.push(...linkVariables(prefix, ports, host));
  return vars;
}

/** Docker links' variables; Docker special-cases the first port with `{NAME}_PORT`. */
function linkVariables(prefix: string, ports: readonly ServicePort[], host: string): EnvVar[] {
  const vars: EnvVar[] = [];
  for (const [i, port] of ports.entries()) {
    const protocol = port.protocol ?? 'TCP';
    const url = `${protocol.toLowerCase()}://${joinHostPort(host, port.port)}`;
    if (i === 0) vars.push({ name: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
    vars.push(
      { name: portPrefix, value: url },
      { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
      { name: `${portPrefix}_PORT`, value: String(port.port) },
      { name: `${portPrefix}_ADDR`, value: host },
    );
  }
  return vars;
}

/** Kubernetes' makeEnvVariableName: upper case, '-' becomes '_'. */
export function envVariableName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

/** Go's net.JoinHostPort: an IPv6 address is bracketed. */
function joinHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
