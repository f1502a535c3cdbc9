// Service rules (Kubernetes' ValidateService, for the types and protocols Shoal serves).
import type { FieldError } from '../fieldErrors.ts';
import { duplicate, forbidden, invalid, required, unsupported } from '../fieldErrors.ts';
import { validateLabels, validatePortName } from '../names.ts';
import type { Service } from '../types.ts';

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/**
 * How every agent's proxy picks an endpoint for a new connection of this Service: `round-robin` (the
 * default) or `least-connections` (the endpoint with the fewest open connections through that agent).
 */
export const BALANCE_ANNOTATION = 'shoal.dev/balance';
export const BALANCE_MODES = ['round-robin', 'least-connections'] as const;
export type BalanceMode = (typeof BALANCE_MODES)[number];

/** The Service's balance mode; undefined when it does not say (or says something unknown). */
export function balanceModeOf(svc: Pick<Service, 'metadata'>): BalanceMode | undefined {
  const value = svc.metadata.annotations?.[BALANCE_ANNOTATION];
  return (BALANCE_MODES as readonly string[]).includes(value ?? '') ? (value as BalanceMode) : undefined;
}

/** The protocols Shoal's service proxy carries; Kubernetes' others are refused with the reason. */
export const SERVICE_PROTOCOLS = ['TCP'] as const;

/**
 * `spec.ports[0].protocol: Unsupported value: "UDP": Shoal's service proxy supports TCP only`: a protocol
 * Kubernetes knows but the proxy cannot carry yet, refused with the reason rather than a bare list.
 */
export function validateServiceProtocol(protocol: unknown, path: string): FieldError[] {
  if (protocol === undefined || (SERVICE_PROTOCOLS as readonly unknown[]).includes(protocol)) return [];
  return [
    {
      path,
      type: 'Unsupported',
      value: protocol,
      detail: "Shoal's service proxy supports TCP only",
    },
  ];
}

export function validateService(svc: Service): FieldError[] {
  const errors: FieldError[] = [];
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) errors.push(required('spec.ports'));
  const names = new Set<string>();
  const portNumbers = new Set<number>();
  const nodePorts = new Set<number>();
  for (const [i, p] of ports.entries()) {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errors.push(required(`${path}.name`));
    if (p.name) {
      if (names.has(p.name)) errors.push(duplicate(`${path}.name`, p.name));
      names.add(p.name);
      errors.push(...validatePortName(p.name, `${path}.name`));
    }
    if (portNumbers.has(p.port)) errors.push(duplicate(`${path}.port`, p.port));
    portNumbers.add(p.port);
    errors.push(...validateServiceProtocol(p.protocol, `${path}.protocol`));
    if (p.nodePort !== undefined) {
      // One port per protocol, and Shoal has one protocol: a node port serves one Service port.
      if (nodePorts.has(p.nodePort)) errors.push(duplicate(`${path}.nodePort`, p.nodePort));
      nodePorts.add(p.nodePort);
      if (svc.spec.type !== 'NodePort') {
        errors.push(forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      } else if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
        errors.push(
          invalid(
            `${path}.nodePort`,
            p.nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
          ),
        );
      }
    }
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) {
      errors.push(invalid(`${path}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'));
    }
    if (typeof p.targetPort === 'string')
      errors.push(...validatePortName(p.targetPort, `${path}.targetPort`));
  }
  // A selector is matched against pod labels, so it must be made of valid label keys and values.
  errors.push(...validateLabels(svc.spec.selector, 'spec.selector'));
  const balance = svc.metadata.annotations?.[BALANCE_ANNOTATION];
  if (balance !== undefined && balanceModeOf(svc) === undefined) {
    errors.push(unsupported(`metadata.annotations[${BALANCE_ANNOTATION}]`, balance, BALANCE_MODES));
  }
  if (svc.spec.sessionAffinityConfig && svc.spec.sessionAffinity !== 'ClientIP') {
    errors.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  return errors;
}
