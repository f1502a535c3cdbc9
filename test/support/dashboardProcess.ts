// `shoal dashboard` as a real child process, for the end-to-end tests and benchmark: on a free port (the
// server picks it: `--port 0`), on a temporary data directory unless one is given, its URL read from what
// it prints (`Dashboard: http://127.0.0.1:P/#token=T`). `stop()` ends it and everything it started: the
// dashboard runs as the leader of its own process group, so the agents of a cluster started from the
// browser (its children) are in that group too and are killed with it whatever state they are in; then the
// containers those agents made are removed by their cluster label, as TestCluster.close does.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readClusterConfig } from '../../agent/cluster/clusterFiles.ts';
import { clusterIdOfJoinKey, formatJoinKey } from '../../agent/cluster/joinKey.ts';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import { agentDir, readUpFile } from '../../agent/up/localCluster.ts';
import { removeContainersLabelled } from './docker.ts';
import { REPO_ROOT, SHOAL_BIN } from './runShoal.ts';

const DASHBOARD_LINE = /^Dashboard: (http:\/\/127\.0\.0\.1:(\d+))\/#token=(\S+)$/m;
/** The first start may build the renderer with vite (tens of seconds on two cores). */
const DEFAULT_START_TIMEOUT_MS = 180_000;
/** The dashboard stops its agents with SIGTERM, then SIGKILL after 10 s: wait a little longer. */
const STOP_GRACE_MS = 15_000;
const LOG_TAIL_LINES = 200;

export interface DashboardProcessOptions {
  /** The data directory to attach to; default a new temporary one, removed by stop(). */
  dataDir?: string;
  /** Extra `shoal dashboard` arguments (e.g. `--renderer-dist`). */
  args?: string[];
  startTimeoutMs?: number;
}

/** Every dashboard process still running: killed (with its group) if the test process exits first. */
const live = new Set<ChildProcess>();
let exitGuard = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the whole group is gone already
  }
}

function guardExit(): void {
  if (exitGuard) return;
  exitGuard = true;
  process.once('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

export class DashboardProcess {
  /** `http://127.0.0.1:P` */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly #log: string[];
  readonly #ownsDataDir: boolean;
  #stopped: Promise<void> | undefined;

  private constructor(init: {
    origin: string;
    port: number;
    token: string;
    dataDir: string;
    child: ChildProcess;
    log: string[];
    ownsDataDir: boolean;
  }) {
    this.origin = init.origin;
    this.port = init.port;
    this.token = init.token;
    this.dataDir = init.dataDir;
    this.child = init.child;
    this.#log = init.log;
    this.#ownsDataDir = init.ownsDataDir;
  }

  /** What to open in the browser: the origin with the token in the fragment, as printed. */
  get url(): string {
    return `${this.origin}/#token=${this.token}`;
  }

  /** The last lines the dashboard and its agents printed, for failure messages. */
  logs(lines = 60): string {
    return this.#log.slice(-lines).join('\n');
  }

  /** Starts `shoal dashboard --port 0` and resolves once it has printed its URL. */
  static async start(opts: DashboardProcessOptions = {}): Promise<DashboardProcess> {
    const ownsDataDir = opts.dataDir === undefined;
    const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'shoal-dashboard-'));
    guardExit();
    const child = spawn(
      process.execPath,
      [
        ...[SHOAL_BIN, 'dashboard', '--port', '0', '--data-dir', dataDir],
        // Agents it starts serve Services on their own addresses only: test files run side by side, and the
        // Docker bridge (ports, DNS on :53) belongs to the one test that asks for it (serviceProxy e2e).
        ...['--agent-args', '--no-pod-services'],
        ...(opts.args ?? []),
      ],
      // Its own process group (see the header), so stop() reaches the agents it starts.
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
    );
    live.add(child);
    child.once('exit', () => live.delete(child));
    const log: string[] = [];
    let stdout = '';
    const keep = (d: Buffer) => {
      log.push(...d.toString().split('\n').filter(Boolean));
      if (log.length > LOG_TAIL_LINES) log.splice(0, log.length - LOG_TAIL_LINES);
    };
    child.stderr?.on('data', keep);
    const printed = new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        keep(d);
        stdout += d.toString();
        const match = DASHBOARD_LINE.exec(stdout);
        if (match) resolve(match);
      });
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`shoal dashboard exited (${signal ?? `code ${code}`}) before printing its URL`)),
      );
    });
    const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`shoal dashboard printed no URL within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const match = await Promise.race([printed, timeout]);
      return new DashboardProcess({
        origin: match[1] as string,
        port: Number(match[2]),
        token: match[3] as string,
        dataDir,
        child,
        log,
        ownsDataDir,
      });
    } catch (err) {
      await stopGroup(child);
      await removeClusterContainers(dataDir);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${(err as Error).message}\n${log.slice(-40).join('\n')}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the dashboard (SIGTERM: it stops the agents it started), kills whatever of its process group is
   * left, removes the containers of the cluster in its data directory and the temporary data directory.
   * Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await stopGroup(this.child);
      await removeClusterContainers(this.dataDir);
      if (this.#ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    })();
    return this.#stopped;
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(timer);
  }
  // Agents that outlived it (or a dashboard that did not stop in time): nothing of the group may remain.
  killGroup(child, 'SIGKILL');
}

/** The ids of the clusters a data directory holds: its own cluster.json, or a `shoal up` folder's. */
export async function clusterIdsOf(dataDir: string): Promise<string[]> {
  const dirs = [dataDir];
  const up = await readUpFile(dataDir).catch(() => undefined);
  for (const name of up?.agents ?? []) dirs.push(agentDir(dataDir, name));
  const ids = new Set<string>();
  for (const dir of dirs) {
    const config = await readClusterConfig(dir).catch(() => undefined);
    if (config) ids.add(clusterIdOfJoinKey(formatJoinKey(config)));
  }
  return [...ids];
}

/** Removes every container the agents of the data directory's cluster made (agents leave them running). */
export async function removeClusterContainers(dataDir: string): Promise<number> {
  let removed = 0;
  for (const id of await clusterIdsOf(dataDir)) {
    removed += await removeContainersLabelled(`${LABELS.cluster}=${id}`);
  }
  return removed;
}
