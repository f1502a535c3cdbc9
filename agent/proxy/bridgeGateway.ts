// The address pods on this host reach the host at: the gateway of Docker's default bridge, where the proxy
// listens for them and answers their DNS.
import os from 'node:os';
import type Docker from 'dockerode';

export async function bridgeGateway(docker: Docker): Promise<string | undefined> {
  const network = (await docker.getNetwork('bridge').inspect()) as {
    IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> };
    Options?: Record<string, string>;
  };
  const configured = network.IPAM?.Config?.find((c) => c.Gateway && net4(c.Gateway))?.Gateway;
  if (configured) return configured;
  // Some engines leave the default bridge's gateway out of IPAM: it is the bridge interface's own address.
  const name = network.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  return os.networkInterfaces()[name]?.find((a) => a.family === 'IPv4')?.address;
}

function net4(address: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(address);
}
