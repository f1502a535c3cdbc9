// Runs the real `shoal` executable (bin/shoal.js) as a user would, and captures what it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHOAL_BIN = fileURLToPath(new URL('../../bin/shoal.js', import.meta.url));

export interface ShoalResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects a child process's output until it closes; writes `stdin` to it first (then ends its input). */
export function collectOutput(child: ChildProcess, stdin = ''): Promise<ShoalResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(stdin);
  });
}

export function runShoal(
  args: readonly string[],
  opts: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ShoalResult> {
  const child = spawn(process.execPath, [SHOAL_BIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    // Extra variables on top of this process's environment (e.g. SHOAL_DATA_DIR).
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  return collectOutput(child, opts.stdin);
}
