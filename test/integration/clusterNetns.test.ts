// Three `shoal agent` processes on separate hosts: each in its own network namespace with its own LAN
// address (test/support/netns.ts), a `shoal bootstrap` node on a fourth host, no `--host` (agents bind every
// interface of their namespace). The CLI reaches each agent's local API, 127.0.0.1 inside that agent's
// namespace, through `ip netns exec`. Issue 3's "as separate hosts" tests:
//   - the cluster forms (three Ready members, one agreed leader), timed from the last agent's start;
//   - cutting one host's link at the bridge is a real partition: the majority keeps a leader and takes
//     writes, the cut host has no leader and does not see those writes;
//   - after healing, the write reaches the cut host and all three agree on one leader again.
//
// Needs root and iproute2. In CI a missing prerequisite fails the suite; elsewhere it is skipped with a
// message. Agents get SIGTERM, then everything left in the namespaces is killed and the namespaces are
// deleted in afterAll (and by netns.ts's exit and signal hooks, or the next run if this process is killed;
// the next run also removes a killed run's data directories).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../agent/api/clusterStatus.ts';
import { eventually, FAST_TIMINGS } from '../support/agentProcesses.ts';
import { createLan, type Lan, type NetnsHost, netnsUnavailableReason } from '../support/netns.ts';
import { collectOutput, REPO_ROOT, SHOAL_BIN } from '../support/runShoal.ts';

const SUBNET = '10.250.7';
const BOOTSTRAP_PORT = 49738;
/** FAST_TIMINGS' election timeout: followers give up on a silent leader after 300–600 ms. */
const ELECTION_TIMEOUT_MS = 300;
const NAMES = ['node-1', 'node-2', 'node-3'] as const;
/** Issue 3: agents on different machines of one LAN connect within 1 s. */
const CONNECT_TARGET_MS = 1000;

const ci = process.env.CI;
const isCI = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
const unavailable = netnsUnavailableReason();
if (unavailable && !isCI) console.warn(`skipping clusterNetns: ${unavailable}`);
const describeNetns = unavailable && !isCI ? describe.skip : describe;

/** One line of an agent's JSON log (pino). */
interface LogLine {
  time: number;
  msg: string;
  remote?: string;
  publicKey?: string;
}

interface HostAgent {
  name: string;
  host: NetnsHost;
  dataDir: string;
  child?: ChildProcess;
  spawnedAt: number;
  events: LogLine[];
  tail: string[];
}

/** Data directories: `<tmp>/shoal-netns-<pid>-…`, so a later run can remove those of a run that was killed. */
const TMP_PREFIX = 'shoal-netns-';

function removeStaleDataDirs(): void {
  for (const name of readdirSync(os.tmpdir())) {
    const pid = Number(/^shoal-netns-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeNetns('a three-agent cluster on separate hosts (network namespaces)', { timeout: 60_000 }, () => {
  let lan: Lan;
  let root = '';
  let key = '';
  let bootstrapProcess: ChildProcess | undefined;
  const agents: HostAgent[] = [];

  /** `shoal <args>` inside a host's namespace; killed after `timeoutMs` (and by lan.destroy()). */
  function shoalIn(host: NetnsHost, args: readonly string[], stdin = '', timeoutMs = 20_000) {
    const child = lan.spawn(host, process.execPath, [SHOAL_BIN, ...args], { cwd: REPO_ROOT });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    return collectOutput(child, stdin).finally(() => clearTimeout(timer));
  }

  async function status(agent: HostAgent): Promise<ClusterStatus> {
    const r = await shoalIn(agent.host, ['status', '-o', 'json', '--data-dir', agent.dataDir]);
    if (r.code !== 0) throw new Error(`shoal status on ${agent.name} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as ClusterStatus;
  }

  /** The ConfigMap's data as an agent sees it, or undefined when it does not have it (yet). */
  async function configMap(agent: HostAgent, name: string): Promise<Record<string, string> | undefined> {
    const r = await shoalIn(agent.host, [
      'get',
      'configmap',
      name,
      '-o',
      'json',
      '--data-dir',
      agent.dataDir,
    ]);
    if (r.code === 0) return (JSON.parse(r.stdout) as { data: Record<string, string> }).data;
    if (/not ?found/i.test(r.stderr)) return undefined;
    throw new Error(`shoal get configmap on ${agent.name} failed (${r.code}): ${r.stderr}`);
  }

  /**
   * The statuses of `group` when every one of them sees 3 members, all Ready voters, and they name the same
   * leader; otherwise undefined.
   */
  async function agreement(group: readonly HostAgent[]): Promise<ClusterStatus[] | undefined> {
    const all = await Promise.all(group.map(status));
    const healthy = all.every(
      (s) => s.members.length === NAMES.length && s.members.every((m) => m.ready === true && m.voter),
    );
    const leaders = new Set(all.map((s) => s.leader?.name));
    return healthy && leaders.size === 1 && all[0]?.leader ? all : undefined;
  }

  /** The leader `group` agrees on (see agreement()). */
  async function agreedLeader(group: readonly HostAgent[]): Promise<string | undefined> {
    return (await agreement(group))?.[0]?.leader?.name;
  }

  function startAgent(agent: HostAgent): void {
    const args = [SHOAL_BIN, 'agent', '--data-dir', agent.dataDir, '--node-name', agent.name];
    args.push('--log-format', 'json', ...FAST_TIMINGS);
    if (agent !== agents[0]) args.push('--join', key);
    agent.spawnedAt = Date.now();
    const child = lan.spawn(agent.host, process.execPath, args, { cwd: REPO_ROOT });
    agent.child = child;
    let buffered = '';
    const keep = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        agent.tail = [...agent.tail.slice(-59), line];
        try {
          agent.events.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The first log line of `agent` that matches; rejects on timeout or when the agent exits. */
  async function logged(
    agent: HostAgent,
    match: (e: LogLine) => boolean,
    timeoutMs: number,
  ): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = agent.events.find(match);
      if (found) return found;
      const child = agent.child;
      if (child && (child.exitCode !== null || child.signalCode !== null))
        throw new Error(`${agent.name} exited (${child.exitCode ?? child.signalCode})\n${logs()}`);
      if (Date.now() > deadline)
        throw new Error(`${agent.name}: no such log line within ${timeoutMs} ms\n${logs()}`);
      await sleep(50);
    }
  }

  const logs = () =>
    agents
      .map((a) => `--- ${a.name} (${a.host.ns}, exit ${a.child?.exitCode})\n${a.tail.slice(-30).join('\n')}`)
      .join('\n');

  const byName = (name: string | undefined) => agents.find((a) => a.name === name);

  beforeAll(async () => {
    if (unavailable) throw new Error(`network namespaces are required in CI: ${unavailable}`);
    removeStaleDataDirs();
    root = mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}${process.pid}-`));
    lan = createLan({ hosts: NAMES.length + 1, subnet: SUBNET });
    const bootHost = lan.hosts[NAMES.length] as NetnsHost;
    NAMES.forEach((name, i) => {
      const host = lan.hosts[i] as NetnsHost;
      agents.push({ name, host, dataDir: path.join(root, name), spawnedAt: 0, events: [], tail: [] });
    });

    // `shoal bootstrap` on its own host, bound to that host's LAN address.
    bootstrapProcess = lan.spawn(
      bootHost,
      process.execPath,
      [SHOAL_BIN, 'bootstrap', '--host', bootHost.address, '--port', String(BOOTSTRAP_PORT)],
      { cwd: REPO_ROOT },
    );
    let bootOut = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no bootstrap within 15 s: ${bootOut}`)), 15_000);
      const onData = (d: Buffer) => {
        bootOut += d.toString();
        if (bootOut.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      bootstrapProcess?.stdout?.on('data', onData);
      bootstrapProcess?.stderr?.on('data', onData);
      bootstrapProcess?.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`shoal bootstrap exited (${code}): ${bootOut}`));
      });
    });

    const founder = agents[0] as HostAgent;
    const init = await shoalIn(founder.host, [
      'init',
      '--data-dir',
      founder.dataDir,
      '--node-name',
      founder.name,
      '--name',
      'netns',
      '--bootstrap',
      `${bootHost.address}:${BOOTSTRAP_PORT}`,
      '-o',
      'json',
    ]);
    if (init.code !== 0) throw new Error(`shoal init failed: ${init.stderr}`);
    key = (JSON.parse(init.stdout) as { key: string }).key;
  });

  afterAll(async () => {
    try {
      // A clean stop first (SIGTERM), then lan.destroy() kills whatever is still inside the namespaces.
      const running = [...agents.map((a) => a.child), bootstrapProcess].filter(
        (c): c is ChildProcess => c !== undefined && c.exitCode === null && c.signalCode === null,
      );
      await Promise.all(
        running.map(
          (c) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 3000);
              c.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              c.kill('SIGTERM');
            }),
        ),
      );
    } finally {
      lan?.destroy();
      if (root) rmSync(root, { recursive: true, force: true });
    }
  });

  it('forms: every agent sees three Ready members with their own addresses and one agreed leader', async () => {
    // One after the other, each once the previous is up: like machines that each have their own CPU (three
    // agents booting at once on two cores would measure CPU contention, not the network).
    for (const agent of agents) {
      startAgent(agent);
      await logged(agent, (e) => e.msg === `agent ${agent.name} is up`, 30_000);
    }
    const lastSpawn = Math.max(...agents.map((a) => a.spawnedAt));
    const statuses = await eventually(
      'three Ready members and one agreed leader',
      () => agreement(agents),
      45_000,
      logs,
    );
    const formedMs = Date.now() - lastSpawn;
    const leader = statuses[0]?.leader?.name;

    // Swarm connection set-up from the agents' logs: ms from the later agent's "starting agent" until both
    // ends logged "peer connected" for the other.
    const started = (a: HostAgent) => a.events.find((e) => e.msg === 'starting agent')?.time ?? a.spawnedAt;
    const publicKey = (a: HostAgent) => a.events.find((e) => e.msg === 'joined the swarm')?.publicKey;
    const connectedAt = (a: HostAgent, b: HostAgent) =>
      a.events.find((e) => e.msg === 'peer connected' && e.remote === publicKey(b))?.time;
    const pairs: Record<string, number | null> = {};
    let allConnected = 0;
    for (const [i, a] of agents.entries()) {
      for (const b of agents.slice(i + 1)) {
        const [ab, ba] = [connectedAt(a, b), connectedAt(b, a)];
        const at = ab && ba ? Math.max(ab, ba) : undefined;
        pairs[`${a.name}-${b.name}`] = at ? at - Math.max(started(a), started(b)) : null;
        allConnected = Math.max(allConnected, at ?? Number.POSITIVE_INFINITY);
      }
    }
    const lastStarted = Math.max(...agents.map(started));
    console.log(
      `netns cluster formed (3 Ready members, agreed leader ${leader}) ${formedMs} ms after the last agent was ` +
        `spawned (through the CLI, includes polling and process start); all three swarm-connected ` +
        `${allConnected - lastStarted} ms after the last agent's "starting agent" (${allConnected - lastSpawn} ms ` +
        `after its spawn); pairwise swarm set-up, ms: ${JSON.stringify(pairs)}`,
    );

    for (const [i, s] of statuses.entries()) {
      expect(s.clusterName).toBe('netns');
      expect(s.node.name).toBe(agents[i]?.name);
      expect(s.members.map((m) => m.name).sort()).toEqual([...NAMES]);
      // Each member publishes its own namespace's LAN address: the agents really are separate hosts.
      for (const m of s.members) expect(m.addresses).toEqual([byName(m.name)?.host.address]);
    }
    expect(NAMES).toContain(leader);
    // Issue 3's target: LAN hosts connect within 1 s.
    for (const ms of Object.values(pairs)) expect(ms).not.toBeNull();
    for (const ms of Object.values(pairs)) expect(ms).toBeLessThanOrEqual(CONNECT_TARGET_MS);
  });

  // Set by the partition test for the two after it.
  let partitioned = false;
  let leaderName = '';
  let cut: HostAgent;
  let majority: HostAgent[] = [];

  it('a cut link is a real partition: the majority keeps a leader, the cut host has none', async () => {
    leaderName = await eventually('an agreed leader', () => agreedLeader(agents), 20_000, logs);
    // Cut a follower: the two others are a majority, which keeps its leader (or elects one of its own).
    cut = agents.filter((a) => a.name !== leaderName).at(-1) as HostAgent;
    majority = agents.filter((a) => a !== cut);
    const majorityLeader = async (): Promise<string | undefined> => {
      const all = await Promise.all(majority.map(status));
      const leaders = new Set(all.map((s) => s.leader?.name));
      const [name] = leaders;
      return leaders.size === 1 && majority.some((a) => a.name === name) ? name : undefined;
    };

    const cutAt = Date.now();
    const eventsBefore = cut.events.length;
    lan.cut(cut.host);
    const cutStatus = await eventually(
      `no leader on the cut host ${cut.name}`,
      async () => {
        const s = await status(cut);
        return s.leader === undefined ? s : undefined;
      },
      15_000,
      logs,
    );
    const leaderlessMs = Date.now() - cutAt;
    const dropped = cut.events.slice(eventsBefore).find((e) => e.msg.startsWith('election:'));
    // A few election timeouts later it still has none, and the majority agrees on a leader of its own side.
    await sleep(5 * ELECTION_TIMEOUT_MS);
    const keptLeader = await eventually('a leader on the majority side', majorityLeader, 15_000, logs);
    const after = await status(cut);
    expect(after.leader).toBeUndefined();
    console.log(
      `partition: cut ${cut.name}; it reported no leader ${leaderlessMs} ms after the cut through the CLI ` +
        `(its log: ${dropped ? `${dropped.time - cutAt} ms` : 'no role change'}), term ${cutStatus.term} -> ` +
        `${after.term}; majority leader ${keptLeader} (before the cut: ${leaderName})`,
    );
    leaderName = keptLeader;
    partitioned = true;
  });

  it('a write on the majority side during the partition does not reach the cut host', async () => {
    if (!partitioned) throw new Error('needs the partition made by the previous test');
    const leader = byName(leaderName) as HostAgent;
    const manifest =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: partition-write}\ndata: {written: during-partition}\n';
    const applied = await shoalIn(leader.host, ['apply', '-f', '-', '--data-dir', leader.dataDir], manifest);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('configmap/partition-write created');
    const other = majority.find((a) => a !== leader) as HostAgent;
    await eventually(`the write on ${other.name}`, () => configMap(other, 'partition-write'), 10_000, logs);
    expect(await configMap(cut, 'partition-write')).toBeUndefined();
    expect((await status(cut)).leader).toBeUndefined();
  });

  it('after healing the link the write reaches the cut host and all three agree on one leader', async () => {
    if (!partitioned) throw new Error('needs the partition made by the previous tests');
    const healedAt = Date.now();
    lan.heal(cut.host);
    const data = await eventually(
      `the write on ${cut.name} after healing`,
      () => configMap(cut, 'partition-write'),
      20_000,
      logs,
    );
    const visibleMs = Date.now() - healedAt;
    expect(data).toEqual({ written: 'during-partition' });
    const healedLeader = await eventually(
      'three Ready members and one agreed leader after healing',
      () => agreedLeader(agents),
      20_000,
      logs,
    );
    console.log(
      `heal: the write reached ${cut.name} ${visibleMs} ms after the link came back; all three agreed on ` +
        `leader ${healedLeader} (before the cut: ${leaderName}) with 3 Ready members after ` +
        `${Date.now() - healedAt} ms (through the CLI, includes polling)`,
    );
    expect(NAMES).toContain(healedLeader);
  });
});
