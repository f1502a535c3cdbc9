// Connection set-up between LAN hosts (issue 3 target: ≤ 1 s), measured on real separate network stacks:
// Linux network namespaces on one bridge (test/support/netns.ts), a `shoal bootstrap` node, and one
// SwarmNode process per host. Needs root, iproute2 and iptables; writes bench/results/connect.json.
//
// Set-up time of a pair = from the moment the second node starts (DHT bootstrap, announce, lookup and
// connect all included) until BOTH ends have an authenticated peer. Networks:
//   lan       hosts on one subnet, no NAT, bootstrap on the first host (an offline cluster)
//   nat-lan   hosts on one subnet behind one NAT, bootstrap outside (a home lab on a DHT elsewhere)
//   one-host  two nodes in one namespace bound to 0.0.0.0, bootstrap on the host's address
// Node configurations (each fix alone, then all together):
//   hyperdht-default  DHT nodes left "firewalled" (hyperdht's default), no LAN beacon, no known address
//   reachability      only shared/swarm/reachability.ts
//   lan-beacon        only shared/swarm/LanBeacon.ts
//   direct-dial       only a known address (as from the cluster document; shared/swarm/directDial.ts)
//   shoal             SwarmNode's defaults (reachability + beacon; direct dial once addresses are known)
//
// The LAN helpers here (`startLanProcess`) are also what test/integration/swarmNetns.test.ts drives.
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostPort } from '../shared/swarm/hostPort.ts';
import { generateSwarmKey } from '../shared/swarm/swarmKey.ts';
import { createLan, type Lan, type NetnsHost, netnsUnavailableReason } from '../test/support/netns.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODULES = {
  swarmNode: pathToFileURL(path.join(ROOT, 'shared/swarm/SwarmNode.ts')).href,
  bootstrap: pathToFileURL(path.join(ROOT, 'shared/swarm/bootstrapNode.ts')).href,
};
export const BOOTSTRAP_PORT = 49737;

/** What runs inside a namespace: a bootstrap node or one SwarmNode, reporting events as JSON lines. */
const CHILD_SOURCE = `
const cfg = JSON.parse(process.env.SHOAL_LAN_PROCESS);
const emit = (ev, extra = {}) => process.stdout.write(JSON.stringify({ ev, t: Date.now(), ...extra }) + '\\n');
const { createRequire } = await import('node:module');
const pino = createRequire(cfg.root + '/package.json')('pino');
const logger = pino({ level: process.env.SHOAL_LAN_LOG ?? 'warn' }, pino.destination(2));
let stop;
if (cfg.role === 'bootstrap') {
  const { startBootstrapNode } = await import(cfg.modules.bootstrap);
  const node = await startBootstrapNode({ host: cfg.host, port: cfg.port });
  emit('ready', { host: node.host, port: node.port });
  stop = () => node.close();
} else {
  const { SwarmNode } = await import(cfg.modules.swarmNode);
  const node = new SwarmNode({
    swarmKey: Buffer.from(cfg.swarmKey, 'hex'),
    bootstrap: cfg.bootstrap,
    logger,
    ...(cfg.firewalled ? { firewalled: true } : {}),
    ...(cfg.lanDiscovery === false ? { lanDiscovery: false } : {}),
  });
  node.on('peer-open', (peer) => emit('peer-open', { remote: peer.id, remoteAddress: peer.remoteAddress }));
  node.on('peer-close', (peer) => emit('peer-close', { remote: peer.id }));
  for (const d of cfg.dial) node.dialAddresses(Buffer.from(d.publicKey, 'hex'), d.addresses);
  emit('starting');
  await node.start();
  emit('announced', { publicKey: node.publicKey.toString('hex'), addresses: node.ownAddresses(), firewalled: node.dht.firewalled });
  stop = () => node.destroy();
}
let stopping = false;
const shutdown = async () => { if (stopping) return; stopping = true; await stop(); process.exit(0); };
process.stdin.on('end', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);
`;

export interface LanEvent {
  ev: 'ready' | 'starting' | 'announced' | 'peer-open' | 'peer-close';
  t: number;
  remote?: string;
  publicKey?: string;
  addresses?: HostPort[];
  firewalled?: boolean;
}

export type LanProcessConfig =
  | { role: 'bootstrap'; host: string; port: number }
  | {
      role: 'peer';
      swarmKey: string;
      bootstrap: HostPort[];
      /** true: leave hyperdht's "firewalled" default alone (no reachability detection). */
      firewalled?: boolean;
      /** false: no LAN beacon. */
      lanDiscovery?: boolean;
      /** Members whose direct addresses this node knows before it starts. */
      dial?: { publicKey: string; addresses: HostPort[] }[];
    };

/** A bootstrap node or a SwarmNode running in a namespace, with the events it reported. */
export class LanProcess {
  readonly host: NetnsHost;
  readonly events: LanEvent[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #listeners = new Set<() => void>();
  #stderr = '';

  constructor(lan: Lan, host: NetnsHost, config: LanProcessConfig) {
    this.host = host;
    const env = {
      ...process.env,
      SHOAL_LAN_PROCESS: JSON.stringify({ dial: [], ...config, root: ROOT, modules: MODULES }),
    };
    const args = ['--import', 'tsx', '--input-type=module', '-e', CHILD_SOURCE];
    this.#child = lan.spawn(host, process.execPath, args, { env, cwd: ROOT });
    let buffered = '';
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.events.push(JSON.parse(line) as LanEvent);
        } catch {
          this.#stderr += `unparsable output: ${line}\n`;
        }
      }
      for (const listener of this.#listeners) listener();
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-20_000);
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#exited.then(() => {
      for (const listener of this.#listeners) listener();
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The first event (already seen or future) that matches; rejects after `timeoutMs` or on exit. */
  waitFor(what: string, match: (e: LanEvent) => boolean, timeoutMs: number): Promise<LanEvent> {
    return new Promise((resolve, reject) => {
      let exited = false;
      this.#exited.then(() => {
        exited = true;
      });
      const check = (): void => {
        const found = this.events.find(match);
        if (found) done(() => resolve(found));
        else if (exited)
          done(() => reject(new Error(`${this.host.ns} exited before ${what}\n${this.#stderr}`)));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`${this.host.ns}: no ${what} within ${timeoutMs} ms\n${this.#stderr}`)),
          ),
        timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Asks the process to leave cleanly (closing stdin), then kills it if it takes too long. */
  async stop(): Promise<void> {
    this.#child.stdin?.end();
    const killed = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
    await this.#exited;
    clearTimeout(killed);
  }
}

export function startLanProcess(lan: Lan, host: NetnsHost, config: LanProcessConfig): LanProcess {
  return new LanProcess(lan, host, config);
}

/** Starts `shoal bootstrap`'s node on a host and waits until it is up. */
export async function startLanBootstrap(
  lan: Lan,
  host: NetnsHost,
  port = BOOTSTRAP_PORT,
): Promise<LanProcess> {
  const boot = startLanProcess(lan, host, { role: 'bootstrap', host: host.address, port });
  await boot.waitFor('bootstrap ready', (e) => e.ev === 'ready', 15_000);
  return boot;
}

type Network = 'lan' | 'nat-lan' | 'one-host';
type NodeConfig = 'hyperdht-default' | 'reachability' | 'lan-beacon' | 'direct-dial' | 'shoal';

const NODE_OPTIONS: Record<NodeConfig, { firewalled: boolean; lanDiscovery: boolean; dial: boolean }> = {
  'hyperdht-default': { firewalled: true, lanDiscovery: false, dial: false },
  reachability: { firewalled: false, lanDiscovery: false, dial: false },
  'lan-beacon': { firewalled: true, lanDiscovery: true, dial: false },
  'direct-dial': { firewalled: true, lanDiscovery: false, dial: true },
  shoal: { firewalled: false, lanDiscovery: true, dial: false },
};

/** One pair: ms from the second node's start until both ends are authenticated, or null on timeout. */
export async function connectPair(
  lan: Lan,
  bootstrap: HostPort[],
  hosts: [NetnsHost, NetnsHost],
  config: NodeConfig,
  timeoutMs: number,
): Promise<number | null> {
  const swarmKey = generateSwarmKey().toString('hex');
  const { firewalled, lanDiscovery, dial: knowsAddress } = NODE_OPTIONS[config];
  const base = { role: 'peer', swarmKey, bootstrap, firewalled, lanDiscovery } as const;
  const a = startLanProcess(lan, hosts[0], base);
  let b: LanProcess | null = null;
  try {
    const announced = await a.waitFor('announce', (e) => e.ev === 'announced', 15_000);
    const dial =
      knowsAddress && announced.publicKey && announced.addresses
        ? [{ publicKey: announced.publicKey, addresses: announced.addresses }]
        : [];
    b = startLanProcess(lan, hosts[1], { ...base, dial });
    const starting = await b.waitFor('start', (e) => e.ev === 'starting', 15_000);
    const opened = (p: LanProcess) => p.waitFor('authenticated peer', (e) => e.ev === 'peer-open', timeoutMs);
    const [openA, openB] = await Promise.all([opened(a), opened(b)]);
    return Math.max(openA.t, openB.t) - starting.t;
  } catch (err) {
    if (err instanceof Error && /no authenticated peer within/.test(err.message)) return null;
    throw err;
  } finally {
    await Promise.all([a.stop(), b?.stop()]);
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface SetupFigures {
  network: Network;
  config: NodeConfig;
  /** Median set-up time over the runs that connected, ms. */
  medianMs: number | null;
  samplesMs: number[];
  /** Runs with no authenticated connection within `timeoutMs`. */
  failures: number;
  timeoutMs: number;
}

export interface ConnectFigures {
  target: string;
  setups: SetupFigures[];
}

const SLOW = { runs: 3, timeoutMs: 20_000 }; // the broken baseline: each failure costs the full timeout
const FAST = { runs: 5, timeoutMs: 5_000 };
const PLAN: Record<Network, { config: NodeConfig; runs: number; timeoutMs: number }[]> = {
  lan: [
    { config: 'hyperdht-default', ...SLOW },
    { config: 'reachability', ...FAST },
    { config: 'lan-beacon', ...FAST },
    { config: 'direct-dial', ...FAST },
    { config: 'shoal', ...FAST },
  ],
  'nat-lan': [
    { config: 'hyperdht-default', ...SLOW },
    { config: 'lan-beacon', ...FAST },
    { config: 'direct-dial', ...FAST },
    { config: 'shoal', ...FAST },
  ],
  'one-host': [{ config: 'shoal', ...FAST }],
};

async function measureNetwork(network: Network, figures: ConnectFigures): Promise<void> {
  const lan = createLan({ hosts: network === 'nat-lan' ? 2 : 3, nat: network === 'nat-lan' });
  try {
    const [h1, h2, h3] = lan.hosts as [NetnsHost, NetnsHost, NetnsHost | undefined];
    const bootHost = network === 'nat-lan' && lan.outside ? lan.outside : h1;
    const peers: [NetnsHost, NetnsHost] =
      network === 'nat-lan' ? [h1, h2] : network === 'one-host' ? [h2, h2] : [h2, h3 ?? h2];
    const boot = await startLanBootstrap(lan, bootHost);
    const bootstrap = [{ host: bootHost.address, port: BOOTSTRAP_PORT }];
    try {
      for (const { config, runs, timeoutMs } of PLAN[network]) {
        const samplesMs: number[] = [];
        let failures = 0;
        for (let i = 0; i < runs; i++) {
          const ms = await connectPair(lan, bootstrap, peers, config, timeoutMs);
          if (ms === null) failures++;
          else samplesMs.push(ms);
        }
        figures.setups.push({ network, config, medianMs: median(samplesMs), samplesMs, failures, timeoutMs });
      }
    } finally {
      await boot.stop();
    }
  } finally {
    lan.destroy();
  }
}

export async function run(): Promise<ConnectFigures> {
  const unavailable = netnsUnavailableReason();
  if (unavailable) throw new Error(`bench/connect needs network namespaces: ${unavailable}`);
  const figures: ConnectFigures = { target: '≤ 1000 ms between two LAN hosts', setups: [] };
  for (const network of ['lan', 'nat-lan', 'one-host'] as const) await measureNetwork(network, figures);

  console.log(`connection set-up, hosts in network namespaces (target ${figures.target})`);
  console.log('network   config            median ms  ok/runs  samples ms');
  for (const s of figures.setups) {
    const med = s.medianMs === null ? `> ${s.timeoutMs}` : s.medianMs.toFixed(0);
    const ok = `${s.samplesMs.length}/${s.samplesMs.length + s.failures}`;
    console.log(
      `${s.network.padEnd(9)} ${s.config.padEnd(17)} ${med.padStart(9)}  ${ok.padStart(7)}  ${s.samplesMs.join(', ')}`,
    );
  }
  const dir = path.join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'connect.json'), `${JSON.stringify(figures, null, 2)}\n`);
  return figures;
}
