// Thin readers of what the pressure conditions judge: available memory (/proc/meminfo) and the engine's
// file system (statfs). The parsing is pure and tested with fixtures; the reads are one call each.
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { FsStats } from './pressure.ts';

/** `MemAvailable` of /proc/meminfo in bytes: the kernel's estimate of what can be allocated without swapping. */
export function parseMemAvailable(meminfo: string): number | undefined {
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

/** Available memory; outside Linux (no /proc) the OS's free memory is the closest figure. */
export async function readMemoryAvailable(): Promise<number> {
  try {
    const available = parseMemAvailable(await readFile('/proc/meminfo', 'utf8'));
    if (available !== undefined) return available;
  } catch {
    // no /proc: fall through
  }
  return os.freemem();
}

/** Pure: statfs' block counts as sizes. */
export function fsStatsFrom(s: { bsize: number; blocks: number; bavail: number }): FsStats {
  return { capacityBytes: s.bsize * s.blocks, availableBytes: s.bsize * s.bavail };
}

export async function readFsStats(path: string): Promise<FsStats> {
  return fsStatsFrom(await statfs(path));
}
