// `shoal bootstrap`'s node: a HyperDHT bootstrap node for private or offline clusters (DESIGN.md, Swarm
// transport). Members list it as their bootstrap (`--bootstrap HOST:PORT`); it is the first DHT node they
// ask, and it stores the cluster's topic announcements, so it must be reachable by every member.
//
// Built on HyperDHT.bootstrapper, which makes a persistent, unfirewalled DHT node with no bootstrap of its
// own. Its DHT id is derived from the address peers reach it at, so `host` must be that address (the
// LAN or public IP), not 0.0.0.0; `bind` may differ (e.g. 0.0.0.0 behind a port forward).
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import HyperDHT from 'hyperdht';

export interface BootstrapNodeOptions {
  /** The IPv4 address members use to reach this node. */
  host: string;
  /** UDP port; 0 picks a free one (for tests). */
  port: number;
  /** Local address to bind to (default: `host`). */
  bind?: string;
}

export interface BootstrapNode {
  readonly host: string;
  readonly port: number;
  /** Stops the node. Idempotent. */
  close(): Promise<void>;
}

export async function startBootstrapNode({ host, port, bind }: BootstrapNodeOptions): Promise<BootstrapNode> {
  if (!isIPv4(host) || host === '0.0.0.0') {
    throw new Error(`bootstrap host must be the IPv4 address members reach it at, got "${host}"`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`bootstrap port must be 0..65535, got ${port}`);
  }
  const bindHost = bind ?? host;
  const chosenPort = port === 0 ? await freeUdpPort(bindHost) : port;

  const dht = HyperDHT.bootstrapper(chosenPort, host, { host: bindHost });
  try {
    await dht.fullyBootstrapped();
  } catch (err) {
    await dht.destroy().catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot start the bootstrap node on ${bindHost}:${chosenPort}: ${reason}`);
  }

  let closing: Promise<void> | null = null;
  return {
    host,
    port: chosenPort,
    close() {
      closing ??= dht.destroy();
      return closing;
    },
  };
}

/** A UDP port free right now (another process could take it before we bind; fine for tests). */
function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
