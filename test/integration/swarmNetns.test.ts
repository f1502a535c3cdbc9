// LAN connection set-up on separate hosts: three network namespaces on one bridge (test/support/netns.ts),
// `shoal bootstrap`'s node on the first, a SwarmNode process on each. Issue 3's target: agents on
// different machines of one LAN connect within 1 s, with or without a NAT between them and the DHT. With
// hyperdht 6.34's defaults these connections stay half-open (bench/connect.ts compares); these tests pin
// the fixes: reachability + LAN beacon (SwarmNode defaults), and direct dial of a known address.
//
// Needs root and iproute2. In CI a missing prerequisite fails the suite; elsewhere it is skipped with a
// message. Namespaces and processes are removed in afterAll, by an exit hook, and by the next run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_PORT, type LanProcess, startLanBootstrap, startLanProcess } from '../../bench/connect.ts';
import type { HostPort } from '../../shared/swarm/hostPort.ts';
import { generateSwarmKey } from '../../shared/swarm/swarmKey.ts';
import { createLan, type Lan, type NetnsHost, netnsUnavailableReason } from '../support/netns.ts';

const TARGET_MS = 1000;
const ci = process.env.CI;
const isCI = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
const unavailable = netnsUnavailableReason();
if (unavailable && !isCI) console.warn(`skipping swarmNetns: ${unavailable}`);
const describeNetns = unavailable && !isCI ? describe.skip : describe;

describeNetns('swarm between LAN hosts (network namespaces)', () => {
  let lan: Lan;
  let hosts: [NetnsHost, NetnsHost, NetnsHost];
  let bootstrap: HostPort[];
  const processes: LanProcess[] = [];

  beforeAll(async () => {
    if (unavailable) throw new Error(`network namespaces are required in CI: ${unavailable}`);
    lan = createLan({ hosts: 3 });
    hosts = lan.hosts as [NetnsHost, NetnsHost, NetnsHost];
    processes.push(await startLanBootstrap(lan, hosts[0]));
    bootstrap = [{ host: hosts[0].address, port: BOOTSTRAP_PORT }];
  });

  afterAll(async () => {
    try {
      await Promise.all(processes.map((p) => p.stop()));
    } finally {
      lan?.destroy();
    }
  });

  /** ms from the later node's start until both ends reported the other as an authenticated peer. */
  async function pairSetup(early: LanProcess, late: LanProcess): Promise<number> {
    const [earlyKey, lateKey] = [early, late].map(
      (p) => p.events.find((e) => e.ev === 'announced')?.publicKey,
    );
    const started = await late.waitFor('start', (e) => e.ev === 'starting', 5_000);
    const [a, b] = await Promise.all([
      early.waitFor(`peer ${lateKey}`, (e) => e.ev === 'peer-open' && e.remote === lateKey, 5_000),
      late.waitFor(`peer ${earlyKey}`, (e) => e.ev === 'peer-open' && e.remote === earlyKey, 5_000),
    ]);
    return Math.max(a.t, b.t) - started.t;
  }

  it('connects three hosts pairwise within the target, SwarmNode defaults', async () => {
    const swarmKey = generateSwarmKey().toString('hex');
    const nodes: LanProcess[] = [];
    for (const host of hosts) {
      const node = startLanProcess(lan, host, { role: 'peer', swarmKey, bootstrap });
      processes.push(node);
      nodes.push(node);
      await node.waitFor('announce', (e) => e.ev === 'announced', 15_000);
    }
    const [n1, n2, n3] = nodes as [LanProcess, LanProcess, LanProcess];
    const figures = {
      'h1-h2': await pairSetup(n1, n2),
      'h1-h3': await pairSetup(n1, n3),
      'h2-h3': await pairSetup(n2, n3),
    };
    console.log(
      `LAN connection set-up, ms from the later node's start to both ends authenticated: ${JSON.stringify(figures)}`,
    );
    for (const ms of Object.values(figures)) expect(ms).toBeLessThan(TARGET_MS);
    for (const node of nodes) expect(node.events.filter((e) => e.ev === 'peer-open')).toHaveLength(2);
  });

  it('connects firewalled nodes within the target when the joiner knows the address (direct dial)', async () => {
    const swarmKey = generateSwarmKey().toString('hex');
    const [, h2, h3] = hosts;
    const only = { firewalled: true, lanDiscovery: false }; // no other fix may help
    const first = startLanProcess(lan, h2, { role: 'peer', swarmKey, bootstrap, ...only });
    processes.push(first);
    const announced = await first.waitFor('announce', (e) => e.ev === 'announced', 15_000);
    expect(announced.firewalled).toBe(true); // hyperdht's default state, which alone leaves LAN links half-open
    const dial = [{ publicKey: announced.publicKey ?? '', addresses: announced.addresses ?? [] }];
    const joiner = startLanProcess(lan, h3, { role: 'peer', swarmKey, bootstrap, ...only, dial });
    processes.push(joiner);
    await joiner.waitFor('announce', (e) => e.ev === 'announced', 15_000);
    const ms = await pairSetup(first, joiner);
    console.log(`LAN connection set-up with a known address (direct dial): ${ms} ms`);
    expect(ms).toBeLessThan(TARGET_MS);
  });

  it('connects two hosts behind one NAT within the target, bootstrap outside, SwarmNode defaults', async () => {
    const natLan = createLan({ hosts: 2, nat: true });
    const natProcesses: LanProcess[] = [];
    try {
      const outside = natLan.outside as NetnsHost;
      natProcesses.push(await startLanBootstrap(natLan, outside));
      const natBootstrap = [{ host: outside.address, port: BOOTSTRAP_PORT }];
      const swarmKey = generateSwarmKey().toString('hex');
      const nodes = natLan.hosts.map((host) => {
        const node = startLanProcess(natLan, host, { role: 'peer', swarmKey, bootstrap: natBootstrap });
        natProcesses.push(node);
        return node;
      });
      const [first, second] = nodes as [LanProcess, LanProcess];
      await first.waitFor('announce', (e) => e.ev === 'announced', 15_000);
      await second.waitFor('announce', (e) => e.ev === 'announced', 15_000);
      const ms = await pairSetup(first, second);
      console.log(`LAN connection set-up behind a NAT (DHT outside): ${ms} ms`);
      expect(ms).toBeLessThan(TARGET_MS);
    } finally {
      await Promise.all(natProcesses.map((p) => p.stop()));
      natLan.destroy();
    }
  });
});
