// Idle agent footprint (issue 3 targets: RSS ≤ 120 MB, CPU ≤ 1% of a core; a k3s agent: 275 MB, 3%): a
// cluster of three real `shoal agent` processes at default timings, started as `shoal up` starts them
// (default log format), left to settle (three voters, a leader, 10 s more), then sampled for 30 s:
// VmRSS from /proc/<pid>/status every second, CPU from /proc/<pid>/stat utime+stime over the window.
// Writes bench/results/footprint.json.
//
// Baselines, sampled in the same window:
//   - bare node: `node -e "setInterval(()=>{},1000)"`, what any Node process costs;
//   - node + tsx: the same with tsx's loader registered, as bin/shoal.js does (Shoal runs from source);
//   - agent code loaded: tsx plus the agent's whole module graph imported (agent/Agent.ts), nothing started.
// The agent's figures are reported with their difference to bare node.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchCluster, killProcess, sleep, spawnTracked, startCluster } from './support/cluster.ts';
import { childPids, type Footprint, footprintOf, type ProcSample, sampleProcess } from './support/proc.ts';
import { printTable, round, writeResults } from './support/report.ts';

const NAMES = ['agent-1', 'agent-2', 'agent-3'];
const SETTLE_MS = 10_000;
const WINDOW_MS = 30_000;
const SAMPLE_MS = 1000;
const TARGET_RSS_MB = 120;
const TARGET_CPU_PERCENT = 1;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGENT_MODULE = new URL('../agent/Agent.ts', import.meta.url).href;

const BASELINES: { name: string; args: string[] }[] = [
  { name: 'bare node', args: ['-e', 'setInterval(()=>{},1000)'] },
  {
    name: 'node + tsx',
    args: [
      '--input-type=module',
      '-e',
      "const { register } = await import('tsx/esm/api'); register(); setInterval(() => {}, 1000);",
    ],
  },
  {
    name: 'agent code loaded',
    args: [
      '--input-type=module',
      '-e',
      `const { register } = await import('tsx/esm/api'); register(); await import('${AGENT_MODULE}'); setInterval(() => {}, 1000);`,
    ],
  },
];

export interface ProcessFigures extends Footprint {
  name: string;
  role: string;
  /** Child processes it had (a loader's service, say), which would add to its footprint. */
  children: number;
  /** Compared with the bare node baseline. */
  extraRssMb?: number;
  extraCpuPercent?: number;
}

export interface FootprintFigures {
  targets: { rssMb: number; cpuPercent: number };
  settleMs: number;
  windowMs: number;
  agents: ProcessFigures[];
  baselines: ProcessFigures[];
  worstAgent: { rssMb: number; cpuPercent: number };
  meets: { rss: boolean; cpu: boolean };
}

function r1(f: Footprint): Footprint {
  return {
    rssMb: round(f.rssMb),
    rssMaxMb: round(f.rssMaxMb),
    rssAnonMb: round(f.rssAnonMb),
    rssFileMb: round(f.rssFileMb),
    threads: f.threads,
    cpuPercent: round(f.cpuPercent, 2),
    windowS: round(f.windowS),
  };
}

export async function run(): Promise<FootprintFigures> {
  const baselines: ChildProcess[] = [];
  let cluster: BenchCluster | undefined;
  try {
    for (const b of BASELINES) baselines.push(spawnTracked(process.execPath, b.args, REPO_ROOT));
    cluster = await startCluster(NAMES, { logFormat: 'pretty' });
    const settled = await cluster.waitForSettled(NAMES, { members: 3, voters: 3, timeoutMs: 90_000 });
    await sleep(SETTLE_MS);
    for (const [i, b] of baselines.entries()) {
      if (b.exitCode !== null) throw new Error(`baseline "${BASELINES[i]?.name}" exited (${b.exitCode})`);
    }

    const agents = NAMES.map((n) => cluster?.get(n).child as ChildProcess);
    const pids = [...agents, ...baselines].map((c) => c.pid as number);
    const samples = new Map<number, ProcSample[]>(pids.map((p) => [p, []]));
    const start = performance.now();
    for (let t = 0; ; t++) {
      const at = start + t * SAMPLE_MS;
      await sleep(Math.max(0, at - performance.now()));
      for (const [pid, s] of await Promise.all(pids.map(async (p) => [p, await sampleProcess(p)] as const))) {
        samples.get(pid)?.push(s);
      }
      if (performance.now() - start >= WINDOW_MS) break;
    }
    const children = await Promise.all(pids.map(async (p) => (await childPids(p)).length));
    const after = await cluster.status(NAMES[0] as string);

    const figuresOf = (name: string, role: string, pid: number, i: number): ProcessFigures => ({
      name,
      role,
      ...r1(footprintOf(samples.get(pid) ?? [])),
      children: children[i] ?? 0,
    });
    const agentFigures = NAMES.map((n, i) => {
      const id = cluster?.get(n).child.pid as number;
      const role = after.leader?.name === n ? 'leader' : 'follower';
      return figuresOf(n, role, id, i);
    });
    const baselineFigures = BASELINES.map((b, i) =>
      figuresOf(b.name, 'baseline', baselines[i]?.pid as number, NAMES.length + i),
    );
    const bare = baselineFigures[0] as ProcessFigures;
    for (const f of [...agentFigures, ...baselineFigures.slice(1)]) {
      f.extraRssMb = round(f.rssMb - bare.rssMb);
      f.extraCpuPercent = round(f.cpuPercent - bare.cpuPercent, 2);
    }
    const worst = {
      rssMb: Math.max(...agentFigures.map((f) => f.rssMb)),
      cpuPercent: Math.max(...agentFigures.map((f) => f.cpuPercent)),
    };
    const figures: FootprintFigures = {
      targets: { rssMb: TARGET_RSS_MB, cpuPercent: TARGET_CPU_PERCENT },
      settleMs: SETTLE_MS,
      windowMs: WINDOW_MS,
      agents: agentFigures,
      baselines: baselineFigures,
      worstAgent: worst,
      meets: { rss: worst.rssMb <= TARGET_RSS_MB, cpu: worst.cpuPercent <= TARGET_CPU_PERCENT },
    };

    console.log(
      `idle footprint: 3 agents at default timings (leader ${settled.leader?.name} at settle, ${after.leader?.name} after), ` +
        `${SETTLE_MS / 1000} s after settling, sampled every ${SAMPLE_MS / 1000} s for ${WINDOW_MS / 1000} s`,
    );
    printTable([
      ['process', 'role', 'RSS MB', 'max MB', 'anon MB', 'file MB', 'threads', 'CPU %', '+RSS MB', '+CPU %'],
      ...[...agentFigures, ...baselineFigures].map((f) => [
        f.name,
        f.role,
        f.rssMb,
        f.rssMaxMb,
        f.rssAnonMb,
        f.rssFileMb,
        String(f.threads),
        f.cpuPercent,
        f.extraRssMb ?? '',
        f.extraCpuPercent ?? '',
      ]),
    ]);
    console.log(
      `targets: RSS ≤ ${TARGET_RSS_MB} MB (worst agent ${worst.rssMb}: ${figures.meets.rss ? 'met' : 'MISSED'}), ` +
        `CPU ≤ ${TARGET_CPU_PERCENT}% (worst agent ${worst.cpuPercent}%: ${figures.meets.cpu ? 'met' : 'MISSED'}); ` +
        '"+" columns are over bare node',
    );
    await writeResults('footprint', figures);
    return figures;
  } finally {
    await cluster?.close();
    await Promise.all(baselines.map((b) => killProcess(b)));
  }
}
