// One agent of `shoal up` as a child process: its log lines prefixed with its name, restarted with a
// back-off if it dies on its own (as a service manager would), stopped with SIGTERM then SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SHOAL_BIN = fileURLToPath(new URL('../../bin/shoal.js', import.meta.url));
const STOP_GRACE_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

export class AgentProcess {
  readonly name: string;
  readonly #args: string[];
  readonly #out: NodeJS.WritableStream;
  #child: ChildProcess | undefined;
  #stopping = false;
  #backoffMs = 1000;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(name: string, args: string[], out: NodeJS.WritableStream) {
    this.name = name;
    this.#args = args;
    this.#out = out;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [SHOAL_BIN, 'agent', ...this.#args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    this.#child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.#out.write(`[${this.name}] ${line}\n`));
    }
    child.on('exit', (code, signal) => {
      if (this.#stopping) return;
      // A run that lasted a minute was healthy: start the back-off over.
      if (Date.now() - startedAt > 60_000) this.#backoffMs = 1000;
      this.#out.write(
        `[${this.name}] exited (${signal ?? `code ${code}`}); restarting in ${Math.round(this.#backoffMs / 1000)} s\n`,
      );
      this.#restartTimer = setTimeout(() => this.start(), this.#backoffMs);
      this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
