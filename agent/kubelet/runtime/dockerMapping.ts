// Pure translations between Shoal's container terms and Docker's API objects.

import type Docker from 'dockerode';
import type { ContainerCreateSpec, ContainerState, ObservedContainer } from './ContainerRuntime.ts';

const STATES: readonly ContainerState[] = [
  'created',
  'running',
  'paused',
  'restarting',
  'exited',
  'removing',
  'dead',
];

/** Docker's create options for a spec; exported for unit tests of the mapping. */
export function toCreateOptions(spec: ContainerCreateSpec): Docker.ContainerCreateOptions {
  const joined = spec.sandboxId !== undefined;
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
  for (const p of spec.ports ?? []) {
    const key = `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`;
    exposed[key] = {};
    if (p.hostPort !== undefined) {
      const binding: { HostPort: string; HostIp?: string } = { HostPort: String(p.hostPort) };
      if (p.hostIP !== undefined) binding.HostIp = p.hostIP;
      bindings[key] = [...(bindings[key] ?? []), binding];
    }
  }
  const hostConfig: Docker.HostConfig = {
    // A sandbox's IPC namespace must be shareable for its pod's containers to join it.
    IpcMode: joined ? `container:${spec.sandboxId}` : 'shareable',
    ReadonlyRootfs: spec.readOnlyRootFilesystem ?? false,
    Privileged: spec.privileged ?? false,
    Binds: (spec.mounts ?? []).map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`),
  };
  if (joined) hostConfig.NetworkMode = `container:${spec.sandboxId}`;
  else if (spec.dns) {
    hostConfig.Dns = spec.dns.servers;
    hostConfig.DnsSearch = spec.dns.searches;
    hostConfig.DnsOptions = spec.dns.options;
  } else if (Object.keys(bindings).length > 0) hostConfig.PortBindings = bindings;
  if (spec.resources?.cpuMillicores !== undefined) {
    hostConfig.NanoCpus = Math.round(spec.resources.cpuMillicores * 1_000_000);
  }
  if (spec.resources?.memoryBytes !== undefined) hostConfig.Memory = Math.round(spec.resources.memoryBytes);

  const options: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Labels: { ...spec.labels },
    Env: (spec.env ?? []).map((e) => `${e.name}=${e.value}`),
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig,
  };
  if (spec.command !== undefined) options.Entrypoint = spec.command;
  if (spec.args !== undefined) options.Cmd = spec.args;
  // Kubernetes: `command` without `args` drops the image's CMD too.
  else if (spec.command !== undefined) options.Cmd = [];
  if (spec.workingDir !== undefined) options.WorkingDir = spec.workingDir;
  if (spec.runAsUser !== undefined) options.User = String(spec.runAsUser);
  // Docker refuses exposed ports and a hostname on a container that joins another's network.
  if (!joined && Object.keys(exposed).length > 0) options.ExposedPorts = exposed;
  if (!joined && spec.hostname !== undefined) options.Hostname = spec.hostname;
  return options;
}

export function toObserved(info: Docker.ContainerInspectInfo): ObservedContainer {
  const state = info.State;
  const status = STATES.includes(state.Status as ContainerState) ? (state.Status as ContainerState) : 'dead';
  const observed: ObservedContainer = {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: { ...(info.Config.Labels ?? {}) },
    image: info.Config.Image,
    imageId: info.Image,
    state: status,
    oomKilled: state.OOMKilled,
    restartCount: info.RestartCount,
  };
  const startedAt = dockerTime(state.StartedAt);
  const finishedAt = dockerTime(state.FinishedAt);
  if (startedAt) observed.startedAt = startedAt;
  // A restarted container keeps its previous run's FinishedAt: only a stopped one has finished.
  if (status === 'exited' || status === 'dead') {
    observed.exitCode = state.ExitCode;
    if (finishedAt) observed.finishedAt = finishedAt;
  }
  if (state.Error) observed.error = state.Error;
  // A container that joins another's network has no network of its own here.
  const ip = Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  if (ip) observed.ipAddress = ip;
  return observed;
}

/** Docker writes 0001-01-01T00:00:00Z for "never". */
function dockerTime(value: string | undefined): Date | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
