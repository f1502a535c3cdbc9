// What an agent tells the cluster about its machine: the Node object it registers (capacity and
// allocatable, versions, addresses, well-known labels, the engine's images, and the MemoryPressure and
// DiskPressure conditions it measures). The leader owns the Ready condition; see nodeReadiness.ts and
// nodeConditions.ts for how the two writers share `status.conditions`. nodeFacts.ts gathers the facts.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { KIND_INFO } from '../../shared/model/kinds.ts';
import type { Node } from '../../shared/model/types.ts';
import { nodeCapacity } from './capacity.ts';
import type { NodeImage } from './images.ts';
import { diskPressureCondition, type FsStats, memoryPressureCondition } from './pressure.ts';

export const PEER_ID_ANNOTATION = 'shoal.dev/peer-id';
/** Where this node's DHT socket can be dialled directly (`host:port,…`): LAN peers connect in one round trip. */
export const SWARM_ADDRESSES_ANNOTATION = 'shoal.dev/swarm-addresses';

export interface MachineFacts {
  cpus: number;
  memoryBytes: number;
  platform: string;
  arch: string;
  kernel: string;
  osImage: string;
  /** /etc/machine-id, as the kubelet reports it; absent outside systemd-style Linux. */
  machineID?: string;
  hostname: string;
  addresses: string[];
  dockerVersion?: string;
  shoalVersion: string;
  /**
   * When memory and disk were measured (nodeFacts.ts). Unset (`shoal init` registers before any
   * measurement): no pressure conditions are reported, and the ones already on the Node stay.
   */
  measuredAt?: number;
  /** /proc/meminfo MemAvailable; undefined when measured but unreadable (MemoryPressure Unknown). */
  memoryAvailableBytes?: number;
  /** The engine's root file system; undefined when unknown (no ephemeral-storage, DiskPressure Unknown). */
  rootFs?: FsStats;
  /** The engine's images, as status.images; undefined when the engine did not list them. */
  images?: NodeImage[];
}

/** Non-loopback IPv4 addresses first, as Kubernetes lists InternalIP. */
export function machineAddresses(interfaces = os.networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}

/** `Debian GNU/Linux 12 (bookworm)`, as kubectl shows OS-IMAGE; the kernel's own words elsewhere. */
export function osImage(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
    if (pretty) return pretty;
  } catch {
    // not Linux, or no os-release: fall through
  }
  return `${os.type()} ${os.release()}`;
}

export function machineId(): string | undefined {
  try {
    const id = readFileSync('/etc/machine-id', 'utf8').trim();
    return /^[0-9a-f]{32}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export function readMachineFacts(shoalVersion: string, dockerVersion?: string): MachineFacts {
  return {
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    kernel: os.release(),
    osImage: osImage(),
    machineID: machineId(),
    hostname: os.hostname(),
    addresses: machineAddresses(),
    dockerVersion,
    shoalVersion,
  };
}

/** Kubernetes' names for Node's `kubernetes.io/arch` label. */
function kubeArch(arch: string): string {
  if (arch === 'x64') return 'amd64';
  if (arch === 'ia32') return '386';
  return arch;
}

export function buildNode(
  nodeName: string,
  peerId: string,
  facts: MachineFacts,
  extraAddresses: string[] = [],
  swarmAddresses: string[] = [],
): Node {
  const { capacity, allocatable } = nodeCapacity(facts);
  const conditions =
    facts.measuredAt === undefined
      ? undefined
      : [
          memoryPressureCondition(facts.memoryAvailableBytes, facts.measuredAt),
          diskPressureCondition(facts.rootFs, facts.measuredAt),
        ];
  const addresses = [...new Set([...extraAddresses, ...facts.addresses])];
  return {
    apiVersion: KIND_INFO.Node.apiVersion,
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: {
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': facts.platform,
        'kubernetes.io/arch': kubeArch(facts.arch),
      },
      annotations: {
        [PEER_ID_ANNOTATION]: peerId,
        ...(swarmAddresses.length > 0 ? { [SWARM_ADDRESSES_ANNOTATION]: swarmAddresses.join(',') } : {}),
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable,
      ...(conditions ? { conditions } : {}),
      addresses: [
        ...addresses.map((address) => ({ type: 'InternalIP', address })),
        { type: 'Hostname', address: facts.hostname },
      ],
      nodeInfo: {
        ...(facts.machineID ? { machineID: facts.machineID } : {}),
        kernelVersion: facts.kernel,
        osImage: facts.osImage,
        operatingSystem: facts.platform,
        architecture: kubeArch(facts.arch),
        containerRuntimeVersion: facts.dockerVersion ? `docker://${facts.dockerVersion}` : 'docker://unknown',
        kubeletVersion: `shoal-${facts.shoalVersion}`,
      },
      ...(facts.images ? { images: facts.images } : {}),
    },
  };
}
