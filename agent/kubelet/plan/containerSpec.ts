// From a pod's spec to the engine's create specs: the sandbox, and each container that joins it.
//
// Everything that needs I/O (configMap and secret values, volume directories on disk) is resolved by the
// caller and passed in; what is missing becomes a reason the container cannot be created yet, never a guess.

import { posix } from 'node:path';
import { toBytes, toMillicores } from '../../../shared/model/quantity.ts';
import type { Container, Pod } from '../../../shared/model/types.ts';
import { CLUSTER_DOMAIN } from '../../proxy/dns/serviceNameResolver.ts';
import type {
  BindMount,
  ContainerCreateSpec,
  DnsSettings,
  EnvVar,
  PortMapping,
} from '../runtime/ContainerRuntime.ts';
import { type ContainerIdentity, containerLabels, engineContainerName } from './labels.ts';

/** Values the caller read from configMaps and secrets for one container (agent/kubelet/env/resolvePodEnv.ts). */
export interface ResolvedEnv {
  /** The Services' variables (`WEB_SERVICE_HOST`…), unless the pod turned service links off. */
  services?: EnvVar[];
  /** `envFrom`, expanded (prefix applied) in order. */
  envFrom?: EnvVar[];
  /** The value of each `env` entry whose `valueFrom` is a configMapKeyRef or secretKeyRef and was found. */
  valueFrom?: Record<string, string>;
  /**
   * Why this container's environment cannot be built yet, in Kubernetes' words (`configmap "x" not
   * found`): a missing envFrom source or key reference that is not optional. The container waits with
   * CreateContainerConfigError until the source appears.
   */
  error?: string;
  /** envFrom keys skipped as invalid variable names, for the caller's InvalidEnvironmentVariableNames event. */
  invalidEnvFromKeys?: InvalidEnvFromKeys[];
}

export interface InvalidEnvFromKeys {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** The skipped names, prefix included, sorted. */
  keys: string[];
}

/** What the pod's own fields say that only the node knows. */
export interface PodFieldValues {
  podIP?: string;
  hostIP?: string;
}

export type SpecResult =
  | { ok: true; spec: ContainerCreateSpec }
  | { ok: false; reason: string; message: string };

export interface ContainerSpecInput {
  pod: Pod;
  container: Container;
  identity: ContainerIdentity;
  sandboxId: string;
  resolvedEnv?: ResolvedEnv;
  /** Host directory of each pod volume, once the caller has prepared it. */
  volumePaths: Readonly<Record<string, string>>;
  fields: PodFieldValues;
  allowPrivileged: boolean;
}

/** The reason Kubernetes shows for a container whose configuration cannot be turned into a container. */
export const CONFIG_ERROR = 'CreateContainerConfigError';

export function buildContainerSpec(input: ContainerSpecInput): SpecResult {
  const { container, pod } = input;
  const security = container.securityContext;
  if (security?.privileged === true && !input.allowPrivileged) {
    return {
      ok: false,
      reason: CONFIG_ERROR,
      message: `container ${container.name} is privileged, and this node does not allow privileged containers`,
    };
  }
  const env = buildEnv(input);
  if (!env.ok) return env;
  const mounts = buildMounts(pod, container, input.volumePaths);
  if (!mounts.ok) return mounts;

  const spec: ContainerCreateSpec = {
    name: engineContainerName(input.identity),
    image: container.image,
    labels: containerLabels(input.identity),
    sandboxId: input.sandboxId,
  };
  if (container.command) spec.command = [...container.command];
  if (container.args) spec.args = [...container.args];
  if (container.workingDir) spec.workingDir = container.workingDir;
  if (env.env.length > 0) spec.env = env.env;
  const limits = container.resources?.limits;
  if (limits?.cpu !== undefined || limits?.memory !== undefined) {
    spec.resources = {};
    if (limits.cpu !== undefined) spec.resources.cpuMillicores = toMillicores(limits.cpu);
    if (limits.memory !== undefined) spec.resources.memoryBytes = toBytes(limits.memory);
  }
  // The container's own setting wins over the pod's, as in Kubernetes.
  const runAsUser = security?.runAsUser ?? pod.spec.securityContext?.runAsUser;
  if (runAsUser !== undefined) spec.runAsUser = runAsUser;
  if (security?.readOnlyRootFilesystem) spec.readOnlyRootFilesystem = true;
  if (security?.privileged) spec.privileged = true;
  if (mounts.mounts.length > 0) spec.mounts = mounts.mounts;
  return { ok: true, spec };
}

/**
 * The sandbox holds the pod's network, so it publishes every host port of every container (a joined
 * container may not) and carries the pod's hostname.
 */
export function buildSandboxSpec(
  pod: Pod,
  identity: ContainerIdentity,
  image: string,
  clusterDns?: string,
): ContainerCreateSpec {
  const ports: PortMapping[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort === undefined) continue;
      const mapping: PortMapping = { containerPort: p.containerPort, hostPort: p.hostPort };
      if (p.hostIP) mapping.hostIP = p.hostIP;
      if (p.protocol) mapping.protocol = p.protocol;
      ports.push(mapping);
    }
  }
  const spec: ContainerCreateSpec = {
    name: engineContainerName(identity),
    image,
    labels: containerLabels(identity),
    hostname: pod.spec.hostname ?? pod.metadata.name,
  };
  if (ports.length > 0) spec.ports = ports;
  const dns = podDns(pod, clusterDns);
  if (dns) spec.dns = dns;
  return spec;
}

/**
 * A ClusterFirst pod (the default) resolves through the node's service DNS with Kubernetes' search path, so
 * `web`, `web.ns` and `web.ns.svc.cluster.local` all find a Service; `Default` keeps the node's resolv.conf.
 * Without a service DNS on this node, the pod keeps the engine's default rather than a dead nameserver.
 */
export function podDns(pod: Pod, clusterDns: string | undefined): DnsSettings | undefined {
  if ((pod.spec.dnsPolicy ?? 'ClusterFirst') !== 'ClusterFirst' || !clusterDns) return undefined;
  const namespace = pod.metadata.namespace ?? 'default';
  return {
    servers: [clusterDns],
    searches: [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN],
    options: ['ndots:5'],
  };
}

type EnvResult = { ok: true; env: EnvVar[] } | { ok: false; reason: string; message: string };

/**
 * Service variables first, then envFrom, then env, a later variable replacing an earlier one of the same name
 * (Kubernetes' order).
 */
function buildEnv(input: ContainerSpecInput): EnvResult {
  const error = input.resolvedEnv?.error;
  if (error !== undefined) return { ok: false, reason: CONFIG_ERROR, message: error };
  const values = new Map<string, string>();
  for (const v of input.resolvedEnv?.services ?? []) values.set(v.name, v.value);
  for (const v of input.resolvedEnv?.envFrom ?? []) values.set(v.name, v.value);
  for (const v of input.container.env ?? []) {
    const from = v.valueFrom;
    if (from === undefined) {
      values.set(v.name, v.value ?? '');
      continue;
    }
    if (from.fieldRef) {
      const value = fieldValue(input, from.fieldRef.fieldPath);
      if (value === undefined) {
        return {
          ok: false,
          reason: CONFIG_ERROR,
          message: `${from.fieldRef.fieldPath} is not known yet (env ${v.name})`,
        };
      }
      values.set(v.name, value);
      continue;
    }
    const ref = from.configMapKeyRef ?? from.secretKeyRef;
    const resolved = input.resolvedEnv?.valueFrom?.[v.name];
    if (resolved !== undefined) values.set(v.name, resolved);
    else if (ref?.optional !== true) {
      const what = from.configMapKeyRef ? 'configmap' : 'secret';
      return {
        ok: false,
        reason: CONFIG_ERROR,
        message: `${what} key ${ref?.name ?? '?'}/${ref?.key ?? '?'} not found (env ${v.name})`,
      };
    }
  }
  return { ok: true, env: [...values].map(([name, value]) => ({ name, value })) };
}

function fieldValue(input: ContainerSpecInput, path: string): string | undefined {
  switch (path) {
    case 'metadata.name':
      return input.pod.metadata.name;
    case 'metadata.namespace':
      return input.pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return input.pod.metadata.uid;
    case 'spec.nodeName':
      return input.pod.spec.nodeName;
    case 'status.podIP':
      return input.fields.podIP;
    case 'status.hostIP':
      return input.fields.hostIP;
    default:
      return undefined;
  }
}

type MountResult = { ok: true; mounts: BindMount[] } | { ok: false; reason: string; message: string };

function buildMounts(
  pod: Pod,
  container: Container,
  volumePaths: Readonly<Record<string, string>>,
): MountResult {
  const mounts: BindMount[] = [];
  // Kubernetes mounts configMap and secret volumes read-only whatever the mount says: the kubelet rewrites
  // them, and a container writing there would be writing into the kubelet's copy.
  const projected = new Set(
    (pod.spec.volumes ?? []).filter((v) => v.configMap || v.secret).map((v) => v.name),
  );
  for (const m of container.volumeMounts ?? []) {
    const root = volumePaths[m.name];
    if (root === undefined) {
      // Kubernetes keeps such a container in ContainerCreating while the volume is set up (FailedMount).
      return { ok: false, reason: 'ContainerCreating', message: `volume ${m.name} is not ready` };
    }
    let hostPath = root;
    if (m.subPath) {
      // A subPath must stay inside its volume: no absolute paths and no way up.
      const normal = posix.normalize(m.subPath);
      if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
        return { ok: false, reason: CONFIG_ERROR, message: `subPath ${m.subPath} leaves volume ${m.name}` };
      }
      hostPath = posix.join(root, normal);
    }
    const mount: BindMount = { hostPath, containerPath: m.mountPath };
    if (m.readOnly || projected.has(m.name)) mount.readOnly = true;
    mounts.push(mount);
  }
  return { ok: true, mounts };
}
