// Cross-field rules of a pod spec that a schema cannot express (Kubernetes' ValidatePodSpec, in part).
import type { FieldError } from '../fieldErrors.ts';
import { duplicate, fieldPath, forbidden, invalid, notFound, required } from '../fieldErrors.ts';
import { parseQuantity } from '../quantity.ts';
import { VOLUME_SOURCES } from '../schemas/pod.ts';
import type { Container, PodSpec } from '../types.ts';

type Probe = NonNullable<Container['livenessProbe']>;

function validateProbe(probe: Probe, path: string, container: Container): FieldError[] {
  const handlers = (['exec', 'httpGet', 'tcpSocket'] as const).filter((h) => probe[h] !== undefined);
  if (handlers.length === 0) return [required(path, 'must specify a handler type')];
  if (handlers.length > 1)
    return [forbidden(fieldPath(path, handlers[1]!), 'may not specify more than 1 handler type')];
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (typeof port === 'string') {
    const named = (container.ports ?? []).some((p) => p.name === port);
    if (!named) return [notFound(fieldPath(fieldPath(path, handlers[0]!), 'port'), port)];
  }
  return [];
}

function validateResources(c: Container, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const { limits = {}, requests = {} } = c.resources ?? {};
  for (const [name, value] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const request = parseQuantity(value);
    const max = parseQuantity(limit);
    // Malformed quantities are reported by the schema; compare only what parses.
    if (request.ok && max.ok && request.value > max.value) {
      errors.push(
        invalid(
          fieldPath(fieldPath(path, 'requests'), name),
          value,
          `must be less than or equal to ${name} limit of ${limit}`,
        ),
      );
    }
  }
  for (const name of new Set([...Object.keys(limits), ...Object.keys(requests)])) {
    if (name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage') {
      const where = name in limits ? 'limits' : 'requests';
      errors.push(
        invalid(
          fieldPath(fieldPath(path, where), name),
          name,
          'must be one of cpu, memory, ephemeral-storage',
        ),
      );
    }
  }
  return errors;
}

function validateContainer(c: Container, path: string, volumeNames: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  const portNames = new Set<string>();
  for (const [i, p] of (c.ports ?? []).entries()) {
    if (p.name === undefined) continue;
    if (portNames.has(p.name))
      errors.push(duplicate(fieldPath(fieldPath(fieldPath(path, 'ports'), i), 'name'), p.name));
    portNames.add(p.name);
  }
  for (const [i, m] of (c.volumeMounts ?? []).entries()) {
    const mountPath = fieldPath(fieldPath(path, 'volumeMounts'), i);
    if (!volumeNames.has(m.name)) errors.push(notFound(fieldPath(mountPath, 'name'), m.name));
    if (m.subPath?.split('/').includes('..') || m.subPath?.startsWith('/')) {
      errors.push(
        invalid(fieldPath(mountPath, 'subPath'), m.subPath, "must be a relative path not containing '..'"),
      );
    }
  }
  for (const [i, e] of (c.env ?? []).entries()) {
    const envPath = fieldPath(fieldPath(path, 'env'), i);
    const sources = e.valueFrom ? Object.keys(e.valueFrom).length : 0;
    if (e.value !== undefined && sources > 0) {
      errors.push(
        invalid(fieldPath(envPath, 'valueFrom'), '', 'may not be specified when `value` is not empty'),
      );
    } else if (e.valueFrom && sources !== 1) {
      errors.push(
        invalid(fieldPath(envPath, 'valueFrom'), '', 'may not have more than one field specified at a time'),
      );
    }
  }
  for (const [i, e] of (c.envFrom ?? []).entries()) {
    if ((e.configMapRef ? 1 : 0) + (e.secretRef ? 1 : 0) !== 1) {
      errors.push(
        invalid(
          fieldPath(fieldPath(path, 'envFrom'), i),
          '',
          'must specify exactly one of configMapRef or secretRef',
        ),
      );
    }
  }
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = c[kind];
    if (probe) errors.push(...validateProbe(probe, fieldPath(path, kind), c));
  }
  if (c.startupProbe?.successThreshold !== undefined && c.startupProbe.successThreshold !== 1) {
    errors.push(
      invalid(
        fieldPath(fieldPath(path, 'startupProbe'), 'successThreshold'),
        c.startupProbe.successThreshold,
        'must be 1',
      ),
    );
  }
  if (c.livenessProbe?.successThreshold !== undefined && c.livenessProbe.successThreshold !== 1) {
    errors.push(
      invalid(
        fieldPath(fieldPath(path, 'livenessProbe'), 'successThreshold'),
        c.livenessProbe.successThreshold,
        'must be 1',
      ),
    );
  }
  errors.push(...validateResources(c, fieldPath(path, 'resources')));
  return errors;
}

export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const volumeNames = new Set<string>();
  for (const [i, v] of (spec.volumes ?? []).entries()) {
    const vPath = fieldPath(fieldPath(path, 'volumes'), i);
    if (volumeNames.has(v.name)) errors.push(duplicate(fieldPath(vPath, 'name'), v.name));
    volumeNames.add(v.name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    if (sources.length === 0) errors.push(required(vPath, 'must specify a volume type'));
    if (sources.length > 1)
      errors.push(forbidden(fieldPath(vPath, sources[1]!), 'may not specify more than 1 volume type'));
  }
  const containerNames = new Set<string>();
  const hostPorts = new Set<number>();
  const groups = [
    ['initContainers', spec.initContainers ?? []],
    ['containers', spec.containers],
  ] as const;
  for (const [field, containers] of groups) {
    for (const [i, c] of containers.entries()) {
      const cPath = fieldPath(fieldPath(path, field), i);
      if (containerNames.has(c.name)) errors.push(duplicate(fieldPath(cPath, 'name'), c.name));
      containerNames.add(c.name);
      errors.push(...validateContainer(c, cPath, volumeNames));
      for (const [j, p] of (c.ports ?? []).entries()) {
        if (p.hostPort === undefined) continue;
        if (hostPorts.has(p.hostPort)) {
          errors.push(duplicate(fieldPath(fieldPath(fieldPath(cPath, 'ports'), j), 'hostPort'), p.hostPort));
        }
        hostPorts.add(p.hostPort);
      }
      if (field === 'initContainers') {
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
          if (c[probe]) errors.push(forbidden(fieldPath(cPath, probe), 'may not be set for init containers'));
        }
      }
    }
  }
  for (const [i, t] of (spec.tolerations ?? []).entries()) {
    const tPath = fieldPath(fieldPath(path, 'tolerations'), i);
    if (t.operator === 'Exists' && t.value)
      errors.push(
        invalid(fieldPath(tPath, 'operator'), t.operator, "value must be empty when `operator` is 'Exists'"),
      );
    if (!t.key && t.operator !== 'Exists')
      errors.push(
        invalid(
          fieldPath(tPath, 'operator'),
          t.operator ?? 'Equal',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errors.push(
        invalid(
          fieldPath(tPath, 'effect'),
          t.effect ?? '',
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
  }
  return errors;
}
