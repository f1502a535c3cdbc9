// What an agent tells the cluster about its machine: the Node object it registers (capacity from the OS,
// versions, addresses, well-known labels). The leader owns the Ready condition; see nodeReadiness.ts.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { KIND_INFO } from '../../shared/model/kinds.ts';
import type { Node } from '../../shared/model/types.ts';

/** Kubernetes' default pod capacity per node. */
const PODS_PER_NODE = '110';

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
  hostname: string;
  addresses: string[];
  dockerVersion?: string;
  shoalVersion: string;
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

export function readMachineFacts(shoalVersion: string, dockerVersion?: string): MachineFacts {
  return {
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    kernel: os.release(),
    osImage: osImage(),
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
  const memoryKi = `${Math.floor(facts.memoryBytes / 1024)}Ki`;
  const capacity = { cpu: String(facts.cpus), memory: memoryKi, pods: PODS_PER_NODE };
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
      allocatable: { ...capacity },
      addresses: [
        ...addresses.map((address) => ({ type: 'InternalIP', address })),
        { type: 'Hostname', address: facts.hostname },
      ],
      nodeInfo: {
        kernelVersion: facts.kernel,
        osImage: facts.osImage,
        operatingSystem: facts.platform,
        architecture: kubeArch(facts.arch),
        containerRuntimeVersion: facts.dockerVersion ? `docker://${facts.dockerVersion}` : 'docker://unknown',
        kubeletVersion: `shoal-${facts.shoalVersion}`,
      },
    },
  };
}
