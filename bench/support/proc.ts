// A process's memory and CPU time from Linux's /proc: VmRSS (and its anonymous/file split) from
// /proc/<pid>/status, user+system CPU ticks from /proc/<pid>/stat.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

let clockTicks: number | undefined;

/** CPU clock ticks per second (`getconf CLK_TCK`, 100 on Linux nearly everywhere). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcSample {
  /** performance.now() when sampled. */
  at: number;
  rssKb: number;
  rssAnonKb: number;
  rssFileKb: number;
  threads: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

export async function sampleProcess(pid: number): Promise<ProcSample> {
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  // Fields after the command name (which may contain spaces) start at field 3 (state); utime and stime
  // are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  return {
    at: performance.now(),
    rssKb: kb('VmRSS'),
    rssAnonKb: kb('RssAnon'),
    rssFileKb: kb('RssFile'),
    threads: kb('Threads'),
    cpuTicks: utime + stime,
  };
}

/** Direct children of a process (e.g. an esbuild service a loader might have started). */
export async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const p of text.split(/\s+/)) if (p) out.push(Number(p));
  }
  return out;
}

export interface Footprint {
  /** Mean of the samples, MB (1 MB = 1024 KB here, as ps and top show it). */
  rssMb: number;
  rssMaxMb: number;
  rssAnonMb: number;
  rssFileMb: number;
  threads: number;
  /** CPU time over the window as a percentage of one core. */
  cpuPercent: number;
  windowS: number;
}

/** Summarises samples of one process taken over a window. */
export function footprintOf(samples: ProcSample[]): Footprint {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || samples.length < 2) throw new Error('need at least two samples');
  const mean = (f: (s: ProcSample) => number) => samples.reduce((t, s) => t + f(s), 0) / samples.length;
  const windowS = (last.at - first.at) / 1000;
  return {
    rssMb: mean((s) => s.rssKb) / 1024,
    rssMaxMb: Math.max(...samples.map((s) => s.rssKb)) / 1024,
    rssAnonMb: mean((s) => s.rssAnonKb) / 1024,
    rssFileMb: mean((s) => s.rssFileKb) / 1024,
    threads: last.threads,
    cpuPercent: ((last.cpuTicks - first.cpuTicks) / ticksPerSecond() / windowS) * 100,
    windowS,
  };
}
