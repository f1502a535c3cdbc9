// This machine's CPU and memory in use. CPU is a rate, so it comes from the difference between two readings
// of the cumulative CPU times: /proc/stat on Linux (it counts iowait and steal apart from busy time), else
// os.cpus(). Memory in use is total minus what the kernel says can be allocated without swapping
// (MemAvailable), else minus free memory. The parsing is pure and tested with fixtures.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { readMemoryAvailable } from '../node/machineStats.ts';

/** Cumulative CPU time (any unit, as long as both readings use the same), and how many cores share it. */
export interface CpuTimes {
  busy: number;
  total: number;
  cores: number;
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice.
 * Idle and iowait are not busy; guest time is already inside user and nice, so it is not added again.
 */
export function parseProcStat(text: string): CpuTimes | undefined {
  const lines = text.split('\n');
  const aggregate = lines.find((l) => /^cpu\s/.test(l));
  if (!aggregate) return undefined;
  const fields = aggregate.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((n) => !Number.isFinite(n) || n < 0)) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  const cores = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { busy, total: busy + idle + iowait, cores: Math.max(cores, 1) };
}

/** The same from os.cpus(), where there is no /proc. */
export function cpuTimesFromOs(cpus: readonly os.CpuInfo[]): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus) {
    const b = times.user + times.nice + times.sys + times.irq;
    busy += b;
    total += b + times.idle;
  }
  return { busy, total, cores: Math.max(cpus.length, 1) };
}

/** Cores in use between two readings: the busy share of the elapsed CPU time, times the cores. */
export function coresInUse(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  const busy = after.busy - before.busy;
  if (!(total > 0) || busy < 0) return 0;
  const cores = after.cores * Math.min(busy / total, 1);
  return Math.round(cores * 1000) / 1000;
}

export async function readCpuTimes(): Promise<CpuTimes> {
  try {
    const parsed = parseProcStat(await readFile('/proc/stat', 'utf8'));
    if (parsed) return parsed;
  } catch {
    // no /proc: fall through
  }
  return cpuTimesFromOs(os.cpus());
}

export async function readMemoryInUse(): Promise<number> {
  const total = os.totalmem();
  return Math.max(0, total - Math.min(total, await readMemoryAvailable()));
}

/** Reads usage as rates since the previous call; the first call only takes the baseline (0 cores). */
export class HostUsageReader {
  #previous: CpuTimes | undefined;

  constructor(
    private readonly readCpu: () => Promise<CpuTimes> = readCpuTimes,
    private readonly readMemory: () => Promise<number> = readMemoryInUse,
  ) {}

  async read(): Promise<{ cpuCores: number; memoryBytes: number }> {
    const [cpu, memoryBytes] = await Promise.all([this.readCpu(), this.readMemory()]);
    const cpuCores = this.#previous ? coresInUse(this.#previous, cpu) : 0;
    this.#previous = cpu;
    return { cpuCores, memoryBytes };
  }
}
