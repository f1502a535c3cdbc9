// Replication latency (issue 3 target: p99 ≤ 300 ms on loopback): the time from a write on agent A until
// agent C's watch stream delivers it, over 100 writes, in clusters of 3 and of 10 real `shoal agent`
// processes at default timings (private bootstrap on 127.0.0.1). Writes bench/results/replication.json.
//
// One write = `POST /api/v1/namespaces/default/configmaps` on A (a new ConfigMap), timed from just before the
// request until the ADDED event arrives on WebSocket watches (`/shoal/v1/watch?kind=ConfigMap`) opened on
// every agent, A included. The next write waits until every agent has seen the previous one, then a gap:
//   paced     50 ms: a steady stream of writes (~7–10 a second), the figure the target is checked on;
//   isolated 250 ms: writes further apart than automerge-repo's sync throttle (one sync per document and
//                    peer per 100 ms), which shows what a hop costs when it does not wait for the throttle.
// Baselines in the same run:
//   - the same write and watch on A itself, in the same cluster and for the same writes (paired), and
//   - a cluster of one agent, where the round trip has no replication at all.
// So "replication adds" = C's latency minus A's own, write by write. The agents' CPU time during each phase
// (from /proc) is reported per write: on a 2-core machine, 10 agents compete for the cores.
import { type BenchCluster, openWatch, sleep, startCluster, type WatchEvent } from './support/cluster.ts';
import { sampleProcess, ticksPerSecond } from './support/proc.ts';
import { percentile, printTable, round, writeResults } from './support/report.ts';

const WRITES = 100;
const WARMUP = 5;
const PHASES = [
  { phase: 'paced', gapMs: 50 },
  { phase: 'isolated', gapMs: 250 },
] as const;
const SEEN_TIMEOUT_MS = 5000;
const TARGET_P99_MS = 300;

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface PhaseFigures {
  phase: 'paced' | 'isolated';
  gapMs: number;
  /** Writes measured (after warm-up). */
  writes: number;
  /** Writes some watched agent had not seen within SEEN_TIMEOUT_MS. */
  missed: number;
  /** A's API answered the POST. */
  ack: LatencySummary;
  /** A's own watch delivered the write. */
  local: LatencySummary;
  /** C's watch delivered the write (absent with one agent). */
  remoteC?: LatencySummary;
  /** C minus A, write by write. */
  replicationAdds?: LatencySummary;
  /** The last of all agents delivered the write. */
  allAgents?: LatencySummary;
  /** CPU time of all agents together during the phase, per write, ms. */
  clusterCpuMsPerWrite: number;
  samples: { ack: number[]; local: number[]; remoteC: number[]; all: number[] };
}

export interface ScenarioFigures {
  agents: number;
  startMs: number;
  settleMs: number;
  phases: PhaseFigures[];
}

export interface ReplicationFigures {
  target: string;
  scenarios: ScenarioFigures[];
  verdict: { agents: number; phase: string; p99: number; meets: boolean }[];
}

function summary(values: number[]): LatencySummary {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  return {
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
    mean: round(mean),
  };
}

interface Pending {
  name: string;
  seen: Map<string, number>;
  done: () => void;
}

async function clusterCpuTicks(cluster: BenchCluster, names: string[]): Promise<number> {
  const samples = await Promise.all(names.map((n) => sampleProcess(cluster.get(n).child.pid as number)));
  return samples.reduce((t, s) => t + s.cpuTicks, 0);
}

async function measure(agents: number): Promise<ScenarioFigures> {
  const names = Array.from({ length: agents }, (_, i) => `agent-${i + 1}`);
  const a = names[0] as string;
  const c = (names[2] ?? a) as string;
  const started = performance.now();
  const cluster: BenchCluster = await startCluster(names);
  const sockets: { close(): void }[] = [];
  try {
    const startMs = performance.now() - started;
    await cluster.waitForSettled(names, { members: agents, timeoutMs: 120_000 });
    const settleMs = performance.now() - started - startMs;

    let pending: Pending | undefined;
    const onEvent = (agent: string) => (event: WatchEvent, at: number) => {
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
      if (!pending || event.object.metadata?.name !== pending.name || pending.seen.has(agent)) return;
      pending.seen.set(agent, at);
      if (pending.seen.size === names.length) pending.done();
    };
    for (const name of names) {
      const api = cluster.get(name).api;
      if (!api) throw new Error(`no API for ${name}`);
      sockets.push(await openWatch(api, 'kind=ConfigMap', onEvent(name)));
    }

    const phases: PhaseFigures[] = [];
    // With one agent nothing is replicated, so there is nothing for the throttle to delay: one phase.
    for (const { phase, gapMs } of agents > 1 ? PHASES : PHASES.slice(0, 1)) {
      const samples = {
        ack: [] as number[],
        local: [] as number[],
        remoteC: [] as number[],
        all: [] as number[],
      };
      const adds: number[] = [];
      let missed = 0;
      let cpuBefore = 0;
      for (let i = 0; i < WARMUP + WRITES; i++) {
        if (i === WARMUP) cpuBefore = await clusterCpuTicks(cluster, names);
        const name = `bench-${agents}-${phase}-${i}`;
        let done = () => {};
        let timer: NodeJS.Timeout | undefined;
        const allSeen = new Promise<boolean>((resolve) => {
          done = () => resolve(true);
          timer = setTimeout(() => resolve(false), SEEN_TIMEOUT_MS);
        });
        pending = { name, seen: new Map(), done };
        const t0 = performance.now();
        await cluster.request(a, 'POST', '/api/v1/namespaces/default/configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, labels: { bench: 'replication' } },
          data: { write: String(i), at: new Date().toISOString() },
        });
        const ack = performance.now() - t0;
        const complete = await allSeen;
        clearTimeout(timer);
        const seen = pending.seen;
        pending = undefined;
        if (i >= WARMUP) {
          if (!complete) missed++;
          const local = seen.get(a);
          const remote = seen.get(c);
          samples.ack.push(ack);
          if (local !== undefined) samples.local.push(local - t0);
          if (agents > 1 && remote !== undefined) samples.remoteC.push(remote - t0);
          if (agents > 1 && remote !== undefined && local !== undefined) adds.push(remote - local);
          if (complete) samples.all.push(Math.max(...seen.values()) - t0);
        }
        await sleep(gapMs);
      }
      const cpuMs = ((await clusterCpuTicks(cluster, names)) - cpuBefore) * (1000 / ticksPerSecond());
      const round1 = (xs: number[]) => xs.map((x) => round(x));
      phases.push({
        phase,
        gapMs,
        writes: WRITES,
        missed,
        ack: summary(samples.ack),
        local: summary(samples.local),
        ...(agents > 1
          ? {
              remoteC: summary(samples.remoteC),
              replicationAdds: summary(adds),
              allAgents: summary(samples.all),
            }
          : {}),
        clusterCpuMsPerWrite: round(cpuMs / WRITES),
        samples: {
          ack: round1(samples.ack),
          local: round1(samples.local),
          remoteC: round1(samples.remoteC),
          all: round1(samples.all),
        },
      });
    }
    return { agents, startMs: round(startMs, 0), settleMs: round(settleMs, 0), phases };
  } finally {
    for (const s of sockets) s.close();
    await cluster.close();
  }
}

export async function run(): Promise<ReplicationFigures> {
  const scenarios: ScenarioFigures[] = [];
  for (const agents of [1, 3, 10]) {
    const s = await measure(agents);
    scenarios.push(s);
    const missed = s.phases.map((p) => `${p.missed} ${p.phase}`).join(', ');
    console.log(
      `  ${agents} agent(s): started in ${s.startMs} ms, settled ${s.settleMs} ms later; writes missed: ${missed}`,
    );
  }
  const baseline = scenarios[0]?.phases[0] as PhaseFigures;
  const rows: (string | number)[][] = [
    ['cluster', 'writes', 'measure', 'p50 ms', 'p99 ms', 'max ms', 'note'],
  ];
  for (const s of scenarios) {
    for (const p of s.phases) {
      const label = `${s.agents} agent${s.agents > 1 ? 's' : ''}`;
      const writes = `${p.phase} (${p.gapMs} ms)`;
      const cpu = `all agents' CPU ${p.clusterCpuMsPerWrite} ms per write`;
      rows.push([label, writes, 'POST answered by A', p.ack.p50, p.ack.p99, p.ack.max, cpu]);
      rows.push([label, writes, 'watch on A (local)', p.local.p50, p.local.p99, p.local.max, '']);
      if (p.remoteC && p.replicationAdds && p.allAgents) {
        const over = p.remoteC.p50 - baseline.local.p50;
        rows.push([
          label,
          writes,
          'watch on C (A → C)',
          p.remoteC.p50,
          p.remoteC.p99,
          p.remoteC.max,
          `target p99 ≤ ${TARGET_P99_MS}; p50 = 1-agent round trip + ${over.toFixed(1)} ms (${(p.remoteC.p50 / baseline.local.p50).toFixed(1)}x)`,
        ]);
        rows.push([
          label,
          writes,
          'replication adds (C − A)',
          p.replicationAdds.p50,
          p.replicationAdds.p99,
          p.replicationAdds.max,
          'paired, write by write',
        ]);
        rows.push([
          label,
          writes,
          'seen on every agent',
          p.allAgents.p50,
          p.allAgents.p99,
          p.allAgents.max,
          '',
        ]);
      }
    }
  }
  console.log(`replication latency, ${WRITES} writes per phase (after ${WARMUP} warm-up)`);
  printTable(rows);
  const verdict = scenarios.flatMap((s) =>
    s.phases
      .filter((p) => p.remoteC)
      .map((p) => ({
        agents: s.agents,
        phase: p.phase,
        p99: p.remoteC?.p99 ?? Number.NaN,
        meets: (p.remoteC?.p99 ?? Number.POSITIVE_INFINITY) <= TARGET_P99_MS,
      })),
  );
  const figures: ReplicationFigures = {
    target: `p99 ≤ ${TARGET_P99_MS} ms on loopback (A → C)`,
    scenarios,
    verdict,
  };
  await writeResults('replication', figures);
  return figures;
}
