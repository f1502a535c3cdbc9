// The configMap and secret values a pod's containers take into their environment, read from the store
// before the planner runs (the planner itself does no I/O: containerSpec.ts turns these into `env`).
//
// Kubernetes' rules (kubelet makeEnvironmentVariables), followed here:
// - `envFrom` sources are expanded in order, `prefix` prepended to each key; a key that is not a valid
//   environment variable name (after the prefix) is skipped and reported, so the caller can record the
//   InvalidEnvironmentVariableNames warning.
// - A missing source that is not `optional` stops the container: CreateContainerConfigError with
//   `configmap "x" not found`. So does a missing key of a `configMapKeyRef`/`secretKeyRef` that is not
//   optional: `couldn't find key k in ConfigMap ns/x`. The first such problem, in the order Kubernetes reads
//   them (envFrom, then env), is the one shown.
// - `configMapKeyRef` reads ConfigMap `data` only (binaryData is for volumes); Secret values are decoded.
// Pure, except for the store reads.

import type { Container, Pod } from '../../../shared/model/types.ts';
import type { InvalidEnvFromKeys, ResolvedEnv } from '../plan/containerSpec.ts';
import type { EnvVar } from '../runtime/ContainerRuntime.ts';
import {
  type ObjectReader,
  podNamespace,
  readSource,
  type SourceKind,
  type SourcePayload,
  sourceNotFound,
} from './sourceData.ts';

/** Kubernetes' IsEnvVarName (the strict rule, before RelaxedEnvironmentVariableValidation). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function isEnvVarName(name: string): boolean {
  return ENV_VAR_NAME.test(name);
}

/** The resolved env of every container of the pod, init and app, by container name. */
export function resolvePodEnv(pod: Pod, objects: ObjectReader): Record<string, ResolvedEnv> {
  const reader = new CachedReader(objects, podNamespace(pod));
  const out: Record<string, ResolvedEnv> = {};
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    out[c.name] = resolveContainerEnv(c, reader);
  }
  return out;
}

/** Kubernetes' InvalidEnvironmentVariableNames event message, for one skipped source. */
export function invalidEnvNamesMessage(pod: Pod, skipped: InvalidEnvFromKeys): string {
  const what = skipped.kind === 'ConfigMap' ? 'configMap' : 'secret';
  return (
    `Keys [${skipped.keys.join(', ')}] from the EnvFrom ${what} ${podNamespace(pod)}/${skipped.name} ` +
    'were skipped since they are considered invalid environment variable names.'
  );
}

export const INVALID_ENV_NAMES_REASON = 'InvalidEnvironmentVariableNames';

function resolveContainerEnv(container: Container, reader: CachedReader): ResolvedEnv {
  const resolved: ResolvedEnv = {};
  let error: string | undefined;
  const fail = (message: string) => {
    error ??= message;
  };

  const envFrom: EnvVar[] = [];
  const invalid: InvalidEnvFromKeys[] = [];
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (ref === undefined) continue; // Admission requires one of the two.
    const kind: SourceKind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const payload = reader.read(kind, ref.name);
    if (payload === undefined) {
      if (ref.optional !== true) fail(sourceNotFound(kind, ref.name));
      continue;
    }
    const skipped: string[] = [];
    // Go iterates a map in random order; sorted keys make the container's env the same on every create.
    for (const key of [...payload.text.keys()].sort()) {
      const name = `${source.prefix ?? ''}${key}`;
      if (!isEnvVarName(name)) {
        skipped.push(name);
        continue;
      }
      envFrom.push({ name, value: payload.text.get(key)! });
    }
    if (skipped.length > 0) invalid.push({ kind, name: ref.name, keys: skipped });
  }

  const valueFrom: Record<string, string> = {};
  for (const v of container.env ?? []) {
    const from = v.valueFrom;
    const ref = from?.configMapKeyRef ?? from?.secretKeyRef;
    if (from === undefined || ref === undefined) continue; // Plain values and fieldRefs: the planner's job.
    const kind: SourceKind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const payload = reader.read(kind, ref.name);
    if (payload === undefined) {
      if (ref.optional !== true) fail(sourceNotFound(kind, ref.name));
      continue;
    }
    const value = payload.text.get(ref.key);
    if (value === undefined) {
      if (ref.optional !== true)
        fail(`couldn't find key ${ref.key} in ${kind} ${reader.namespace}/${ref.name}`);
      continue;
    }
    valueFrom[v.name] = value;
  }

  if (envFrom.length > 0) resolved.envFrom = envFrom;
  if (Object.keys(valueFrom).length > 0) resolved.valueFrom = valueFrom;
  if (invalid.length > 0) resolved.invalidEnvFromKeys = invalid;
  if (error !== undefined) resolved.error = error;
  return resolved;
}

/** One read per source per pod sync, however many containers and variables name it. */
class CachedReader {
  readonly #cache = new Map<string, SourcePayload | undefined>();

  constructor(
    private readonly objects: ObjectReader,
    readonly namespace: string,
  ) {}

  read(kind: SourceKind, name: string): SourcePayload | undefined {
    const key = `${kind}/${name}`;
    if (!this.#cache.has(key)) this.#cache.set(key, readSource(this.objects, kind, this.namespace, name));
    return this.#cache.get(key);
  }
}
