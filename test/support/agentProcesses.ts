// Real `shoal agent` processes for end-to-end tests: a private bootstrap on 127.0.0.1, fast timings, logs
// kept for failure messages, and every process killed in cleanup.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterIdOfJoinKey } from '../../agent/cluster/joinKey.ts';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import { type BootstrapNode, startBootstrapNode } from '../../shared/swarm/bootstrapNode.ts';
import { removeContainersLabelled } from './docker.ts';
import { runShoal, SHOAL_BIN } from './runShoal.ts';

/** Fast but realistic: heartbeats 200 ms, nodes NotReady after 3 s, election timeout 300–600 ms. */
export const FAST_TIMINGS = [
  '--heartbeat-ms',
  '200',
  '--node-grace-ms',
  '3000',
  '--election-timeout-ms',
  '300',
];

export interface RunningAgent {
  name: string;
  dataDir: string;
  child: ChildProcess;
  log: string[];
}

export class TestCluster {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'shoal-e2e-'));
  bootstrap!: BootstrapNode;
  key = '';
  founder = '';
  readonly agents = new Map<string, RunningAgent>();
  readonly #addresses = new Map<string, number>();

  async init(founder: string): Promise<void> {
    this.founder = founder;
    this.bootstrap = await startBootstrapNode({ host: '127.0.0.1', port: 0 });
    const r = await runShoal([
      'init',
      '--data-dir',
      this.dir(founder),
      '--node-name',
      founder,
      '--name',
      'e2e',
      '--bootstrap',
      `127.0.0.1:${this.bootstrap.port}`,
      '-o',
      'json',
    ]);
    if (r.code !== 0) throw new Error(`shoal init failed: ${r.stderr}`);
    this.key = (JSON.parse(r.stdout) as { key: string }).key;
  }

  dir(name: string): string {
    return path.join(this.root, name);
  }

  /** 127.88.<this process>.<agent>: where the host reaches Services through that agent. */
  serviceAddress(name: string): string {
    if (!this.#addresses.has(name)) this.#addresses.set(name, this.#addresses.size + 1);
    return `127.88.${(process.pid % 250) + 1}.${this.#addresses.get(name)}`;
  }

  /**
   * Starts (or restarts) an agent. Each agent of each test run serves Services on its own loopback address
   * (serviceAddress), so test files running side by side never collide on a port; only an agent started
   * with `podServices` serves the host's pods on the Docker bridge (ports and DNS on :53, one per host).
   */
  start(name: string, extra: string[] = [], opts: { podServices?: boolean } = {}): RunningAgent {
    const args = [
      'agent',
      '--data-dir',
      this.dir(name),
      '--node-name',
      name,
      '--host',
      '127.0.0.1',
      '--service-address',
      this.serviceAddress(name),
      ...(opts.podServices ? [] : ['--no-pod-services']),
      ...FAST_TIMINGS,
    ];
    // Joining is idempotent: a member's data directory already names its cluster, so --join is ignored then.
    if (name !== this.founder) args.push('--join', this.key);
    const child = spawn(process.execPath, [SHOAL_BIN, ...args, ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent: RunningAgent = { name, dataDir: this.dir(name), child, log: [] };
    const keep = (d: Buffer) => agent.log.push(...d.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.agents.set(name, agent);
    return agent;
  }

  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const agent = this.agents.get(name);
    if (!agent || agent.child.exitCode !== null || agent.child.signalCode !== null) return;
    const exited = new Promise((resolve) => agent.child.once('exit', resolve));
    agent.child.kill(signal);
    await exited;
  }

  /** `shoal <args> --data-dir <agent's dir>`, parsed as JSON. */
  async json<T>(name: string, args: string[]): Promise<T> {
    const r = await runShoal([...args, '--data-dir', this.dir(name)]);
    if (r.code !== 0) throw new Error(`shoal ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  logs(): string {
    return [...this.agents.values()].map((a) => `--- ${a.name}\n${a.log.slice(-40).join('\n')}`).join('\n');
  }

  /** The cluster's id, which labels every container its agents' kubelets make. */
  clusterId(): string {
    return clusterIdOfJoinKey(this.key);
  }

  /** Kills the agents, then removes every container they made (agents leave containers running). */
  async close(): Promise<void> {
    await Promise.all([...this.agents.keys()].map((n) => this.kill(n)));
    if (this.key) await removeContainersLabelled(`${LABELS.cluster}=${this.clusterId()}`);
    await this.bootstrap?.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}\n${context()}`,
  );
}
