// Service rules (Kubernetes' ValidateService, for the types and protocols Shoal serves).
import type { FieldError } from '../fieldErrors.ts';
import { duplicate, forbidden, invalid, required } from '../fieldErrors.ts';
import { validatePortName } from '../names.ts';
import type { Service } from '../types.ts';

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export function validateService(svc: Service): FieldError[] {
  const errors: FieldError[] = [];
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) errors.push(required('spec.ports'));
  const names = new Set<string>();
  const portNumbers = new Set<number>();
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
    if (p.nodePort !== undefined) {
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
  if (svc.spec.sessionAffinityConfig && svc.spec.sessionAffinity !== 'ClientIP') {
    errors.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  return errors;
}
