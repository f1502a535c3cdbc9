// Small helpers the cluster benchmarks share: percentiles, a readable table, and bench/results/<name>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Prints rows as aligned columns; the first row is the header. Numeric-looking cells align right. */
export function printTable(rows: readonly (readonly (string | number)[])[]): void {
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths: number[] = [];
  for (const r of text) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  for (const [n, r] of text.entries()) {
    const line = r.map((c, i) =>
      /^[-+]?[\d.]+$/.test(c) && n > 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
    );
    console.log(line.join('  ').trimEnd());
  }
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Writes `bench/results/<name>.json` with the date and Node version, as the other benchmarks do. */
export async function writeResults(name: string, figures: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const machine = { cpus: os.availableParallelism(), loadavg: os.loadavg().map((l) => round(l, 2)) };
  const body = { date: new Date().toISOString(), node: process.version, machine, figures };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
