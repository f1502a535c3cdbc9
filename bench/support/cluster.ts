// Real `shoal agent` processes for benchmarks: `shoal init`, a private HyperDHT bootstrap on 127.0.0.1 (never
// the public one), agents bound to 127.0.0.1, their local APIs found through api.json, and every process
// killed on close, on a crash of the benchmark and on Ctrl-C. The approach is test/support/agentProcesses.ts's,
// with default timings unless a benchmark asks for others, and the logs parsed as they arrive.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import WebSocket from 'ws';
import type { ClusterStatus } from '../../agent/api/clusterStatus.ts';
import { clusterIdOfJoinKey } from '../../agent/cluster/joinKey.ts';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import { type BootstrapNode, startBootstrapNode } from '../../shared/swarm/bootstrapNode.ts';
import { collectOutput, REPO_ROOT, SHOAL_BIN } from '../../test/support/runShoal.ts';

export { SHOAL_BIN };

/** Every child process a benchmark started and that has not exited yet: killed whatever happens. */
const live = new Set<ChildProcess>();
let guarded = false;

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function guard(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(130);
    });
  }
}

/** Spawns a process that is tracked for cleanup (see `live`). */
export function spawnTracked(command: string, args: string[], cwd = REPO_ROOT): ChildProcess {
  guard();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

export async function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` (a rejection counts as not yet) until it is true, or fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A JSON log line as pino writes it, with the benchmark's own clock when it arrived. */
export interface LogLine {
  time?: number;
  level?: number;
  msg?: string;
  role?: string;
  term?: number;
  /** performance.now() in the benchmark process when the line was read from the pipe. */
  receivedAt: number;
  [key: string]: unknown;
}

export interface ApiEndpoint {
  url: string;
  token: string;
}

export interface BenchAgent {
  name: string;
  dataDir: string;
  child: ChildProcess;
  /** The last lines the agent logged (raw text), for error messages. */
  tail: string[];
  /** Parsed JSON log lines (with --log-format json), every one since start. */
  lines: LogLine[];
  api?: ApiEndpoint;
}

export interface ClusterOptions {
  /** Extra `shoal agent` flags for every agent, e.g. fast timings. Default: none (default timings). */
  agentArgs?: string[];
  /** `json` (parsed into `lines`) or `pretty` (the default format of `shoal agent`). */
  logFormat?: 'json' | 'pretty';
  /** Node flags before the script (e.g. `--max-semi-space-size=1`), for diagnosis. Default: none. */
  nodeArgs?: string[];
  /** The `shoal` entry point to run (e.g. a bundled build, for diagnosis). Default: bin/shoal.js. */
  entry?: string;
  /** The agent that serves the host's pods on the Docker bridge (ports and DNS on :53); default none. */
  podServices?: string;
}

export class BenchCluster {
  root = '';
  bootstrap?: BootstrapNode;
  key = '';
  founder = '';
  readonly agents = new Map<string, BenchAgent>();
  readonly #o: ClusterOptions;
  readonly #addresses = new Map<string, number>();
  readonly #lineListeners = new Set<(agent: BenchAgent, line: LogLine) => void>();

  constructor(opts: ClusterOptions = {}) {
    this.#o = opts;
  }

  /** Creates the cluster (bootstrap on 127.0.0.1, `shoal init` for `founder`); starts no agent. */
  async init(founder: string): Promise<void> {
    this.root = await mkdtemp(path.join(os.tmpdir(), 'shoal-bench-'));
    this.founder = founder;
    this.bootstrap = await startBootstrapNode({ host: '127.0.0.1', port: 0 });
    const args = ['init', '--data-dir', this.dir(founder), '--node-name', founder, '--name', 'bench'];
    args.push('--bootstrap', `127.0.0.1:${this.bootstrap.port}`, '-o', 'json');
    const { code, stdout, stderr } = await collectOutput(
      spawnTracked(process.execPath, [SHOAL_BIN, ...args]),
    );
    if (code !== 0) throw new Error(`shoal init failed (${code}): ${stderr}`);
    this.key = (JSON.parse(stdout) as { key: string }).key;
  }

  dir(name: string): string {
    return path.join(this.root, name);
  }

  /** 127.89.<this process>.<agent>: where the host reaches Services through that agent. */
  serviceAddress(name: string): string {
    if (!this.#addresses.has(name)) this.#addresses.set(name, this.#addresses.size + 1);
    return `127.89.${(process.pid % 250) + 1}.${this.#addresses.get(name)}`;
  }

  /** Called for every parsed log line of every agent. Returns the function that removes the listener. */
  onLine(listener: (agent: BenchAgent, line: LogLine) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  start(name: string): BenchAgent {
    const format = this.#o.logFormat ?? 'json';
    const args = ['agent', '--data-dir', this.dir(name), '--node-name', name, '--host', '127.0.0.1'];
    // Each agent its own loopback address for Services; none serves the bridge unless a bench asks.
    args.push('--service-address', this.serviceAddress(name));
    if (this.#o.podServices !== name) args.push('--no-pod-services');
    args.push('--log-format', format, ...(this.#o.agentArgs ?? []));
    // A member's data directory already names its cluster, so --join only matters on the first start.
    if (name !== this.founder) args.push('--join', this.key);
    const entry = this.#o.entry ?? SHOAL_BIN;
    const child = spawnTracked(process.execPath, [...(this.#o.nodeArgs ?? []), entry, ...args]);
    const agent: BenchAgent = { name, dataDir: this.dir(name), child, tail: [], lines: [] };
    let partial = '';
    const onData = (d: Buffer) => {
      const receivedAt = performance.now();
      const parts = (partial + d.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) {
        if (!text.trim()) continue;
        agent.tail.push(text);
        if (agent.tail.length > 60) agent.tail.shift();
        if (format !== 'json') continue;
        try {
          const line = { ...(JSON.parse(text) as object), receivedAt } as LogLine;
          agent.lines.push(line);
          for (const listener of this.#lineListeners) listener(agent, line);
        } catch {
          // not JSON (e.g. a crash trace): kept in the tail only
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.agents.set(name, agent);
    return agent;
  }

  get(name: string): BenchAgent {
    const agent = this.agents.get(name);
    if (!agent) throw new Error(`no agent ${name}`);
    return agent;
  }

  /** Waits until the agent (this process of it) has written api.json, and returns its endpoint. */
  async waitForApi(name: string, timeoutMs = 60_000): Promise<ApiEndpoint> {
    const agent = this.get(name);
    const file = path.join(agent.dataDir, 'api.json');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (agent.child.exitCode !== null || agent.child.signalCode !== null) {
        throw new Error(`agent ${name} exited before its API was up\n${agent.tail.join('\n')}`);
      }
      try {
        const info = JSON.parse(await readFile(file, 'utf8')) as ApiEndpoint & { pid?: number };
        if (info.pid === agent.child.pid) {
          agent.api = { url: info.url, token: info.token };
          return agent.api;
        }
      } catch {
        // not written yet (or mid-rename)
      }
      await sleep(100);
    }
    throw new Error(`agent ${name}: no API within ${timeoutMs} ms\n${agent.tail.join('\n')}`);
  }

  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const agent = this.agents.get(name);
    if (agent) await killProcess(agent.child, signal);
  }

  /** `GET /shoal/v1/status` on one agent. */
  status(name: string, timeoutMs = 2000): Promise<ClusterStatus> {
    return apiRequest<ClusterStatus>(this.#endpoint(name), 'GET', '/shoal/v1/status', undefined, timeoutMs);
  }

  request<T>(name: string, method: string, urlPath: string, body?: unknown): Promise<T> {
    return apiRequest<T>(this.#endpoint(name), method, urlPath, body);
  }

  #endpoint(name: string): ApiEndpoint {
    const api = this.get(name).api;
    if (!api) throw new Error(`agent ${name}: API not known yet (waitForApi first)`);
    return api;
  }

  /**
   * Waits until every named agent reports the same leader, every listed member is Ready, and the
   * membership has `members` entries. Returns the agreed status.
   */
  async waitForSettled(
    names: string[],
    opts: { members: number; voters?: number; timeoutMs: number },
  ): Promise<ClusterStatus> {
    const deadline = Date.now() + opts.timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const all = await Promise.all(names.map((n) => this.status(n)));
        const first = all[0];
        const leaders = new Set(all.map((s) => s.leader?.id));
        const ready = first?.members.filter((m) => m.ready === true).length ?? 0;
        const voters = first?.members.filter((m) => m.voter).length ?? 0;
        last = `leaders ${[...leaders].map((l) => l?.slice(0, 8)).join(',')}, ${first?.members.length} members, ${ready} ready, ${voters} voters`;
        if (
          first?.leader &&
          leaders.size === 1 &&
          first.members.length === opts.members &&
          ready === opts.members &&
          voters >= (opts.voters ?? 0)
        ) {
          return first;
        }
      } catch (err) {
        last = String(err);
      }
      await sleep(250);
    }
    throw new Error(`cluster did not settle within ${opts.timeoutMs} ms (${last})\n${this.logs()}`);
  }

  logs(): string {
    return [...this.agents.values()].map((a) => `--- ${a.name}\n${a.tail.slice(-20).join('\n')}`).join('\n');
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.keys()].map((n) => this.kill(n)));
    await this.bootstrap?.close().catch(() => {});
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }
}

/** Creates a cluster of `names` (the first is the founder), starts every agent and waits for their APIs. */
export async function startCluster(names: string[], opts: ClusterOptions = {}): Promise<BenchCluster> {
  const cluster = new BenchCluster(opts);
  try {
    await cluster.init(names[0] as string);
    // The founder first, so the others find a document to fetch.
    cluster.start(names[0] as string);
    await cluster.waitForApi(names[0] as string);
    for (const name of names.slice(1)) cluster.start(name);
    for (const name of names.slice(1)) await cluster.waitForApi(name);
    return cluster;
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

/** One request to an agent's local API with its bearer token; throws on a non-2xx answer. */
export async function apiRequest<T>(
  api: ApiEndpoint,
  method: string,
  urlPath: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  const res = await fetch(api.url + urlPath, {
    method,
    headers: {
      authorization: `Bearer ${api.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export interface WatchEvent {
  type: string;
  object: { kind?: string; metadata?: { name?: string; resourceVersion?: string } };
}

/**
 * A WebSocket watch on an agent (`/shoal/v1/watch?…`): `onEvent` gets each event with performance.now() taken
 * as soon as the message arrived. Resolves once the socket is open.
 */
export function openWatch(
  api: ApiEndpoint,
  query: string,
  onEvent: (event: WatchEvent, at: number) => void,
): Promise<WebSocket> {
  const url = `${api.url.replace(/^http/, 'ws')}/shoal/v1/watch?${query}`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${api.token}` } });
  ws.on('message', (data) => {
    const at = performance.now();
    try {
      onEvent(JSON.parse(data.toString()) as WatchEvent, at);
    } catch {
      // a malformed message is not an event
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Removes every container the kubelets of the cluster with this join key made (agents leave them running). */
export async function removeClusterContainers(joinKey: string): Promise<void> {
  if (!joinKey) return;
  await removeContainersLabelled(`${LABELS.cluster}=${clusterIdOfJoinKey(joinKey)}`);
}

/** Force-removes every container carrying `label` (`key` or `key=value`). */
export async function removeContainersLabelled(label: string, docker = new Docker()): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
}
