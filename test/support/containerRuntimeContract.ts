// The behaviour every ContainerRuntime must have, run against DockerRuntime (real engine) by
// test/integration/containerRuntimeDocker.test.ts and against FakeRuntime by
// test/unit/containerRuntimeFake.test.ts.
//
// Containers run the real shell commands in PROGRAMS; the fake's test maps each of them to a
// FakeBehaviour that does the same thing, so one suite describes both.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  type ContainerCreateSpec,
  type ContainerRuntime,
  type ContainerState,
  type ExecSession,
  ImagePullError,
  InvalidSpecError,
  type LogChunk,
  type LogOptions,
  NotFoundError,
  type ObservedContainer,
} from '../../agent/kubelet/runtime/ContainerRuntime.ts';

/** Port of the web server in the namespace-sharing case. */
export const HTTP_PORT = 18080;

/** The commands the suite's containers run (as `command`); the fake maps each to a behaviour. */
export const PROGRAMS = {
  /** `sleep` as PID 1 has no SIGTERM handler, so it ignores SIGTERM: only SIGKILL stops it. */
  ignoreTerm: ['sleep', '300'],
  /** Exits 0 on SIGTERM. */
  honourTerm: ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 0.1; done"],
  exit3: ['sh', '-c', 'exit 3'],
  /**
   * Writes out-1, err-1 (stderr), out-2, then exits 0. The engine copies the two streams separately, so
   * their order in the log is only certain with a pause between them.
   */
  printBoth: ['sh', '-c', 'echo out-1; echo err-1 >&2; sleep 0.2; echo out-2'],
  /** Writes one, waits, writes two on stderr, waits, exits 0: for following logs. */
  printSlowly: ['sh', '-c', 'echo one; sleep 0.5; echo two >&2; sleep 0.5'],
  /** Writes ready, then runs until killed (ignoring SIGTERM). */
  printThenWait: ['sh', '-c', 'echo ready; exec sleep 300'],
  /** Serves "shoal-ok" on HTTP_PORT. */
  httpServer: [
    'sh',
    '-c',
    `mkdir -p /tmp/w && echo shoal-ok > /tmp/w/index.html && exec httpd -f -p ${HTTP_PORT} -h /tmp/w`,
  ],
  /** Prints its hostname, then the page served on localhost:HTTP_PORT; exits 1 if it never answers. */
  httpClient: [
    'sh',
    '-c',
    `hostname; for i in $(seq 1 30); do wget -qO- http://127.0.0.1:${HTTP_PORT}/ && exit 0; sleep 0.2; done; exit 1`,
  ],
} as const satisfies Record<string, readonly string[]>;

/** The commands the suite exec's in a running container; the fake's test maps each to a handler. */
export const EXEC_PROGRAMS = {
  printBoth: ['sh', '-c', 'echo to-out; echo to-err >&2'],
  exit7: ['sh', '-c', 'exit 7'],
  /** Copies stdin to stdout until stdin ends. */
  cat: ['cat'],
  /** Prints $SHOAL_GREETING. */
  printEnv: ['sh', '-c', 'echo "$SHOAL_GREETING"'],
  /** Waits for a line on stdin, then prints the terminal's size as "rows cols". */
  sizeAfterLine: ['sh', '-c', 'read line; busybox stty size'],
  /** Runs until killed. */
  sleep: ['sleep', '300'],
} as const satisfies Record<string, readonly string[]>;

export interface RuntimeFixture {
  runtime: ContainerRuntime;
  /** An image present on the runtime. */
  image: string;
  /** Labels every container of the suite must carry (so that the fixture can clean up). */
  labels: Record<string, string>;
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  /** `describe` or a wrapper such as `describeDocker`. */
  describe?: (name: string, fn: () => void) => void;
  /**
   * Whether containers really share namespaces (a fake may only check the sandbox). Known when the suite is
   * registered, so the namespace test is registered only where it applies and nothing is skipped at run time.
   */
  sharesNamespaces?: boolean;
}

export function containerRuntimeContract(
  name: string,
  makeRuntime: () => Promise<RuntimeFixture> | RuntimeFixture,
  options: ContractOptions = {},
): void {
  const describeFn = options.describe ?? describe;
  describeFn(`ContainerRuntime contract: ${name}`, () => {
    let fx: RuntimeFixture;
    let rt: ContainerRuntime;
    let serial = 0;

    beforeAll(async () => {
      fx = await makeRuntime();
      rt = fx.runtime;
    });
    afterAll(async () => {
      await fx?.cleanup();
    });

    /** A unique name and label for one container of one test. */
    function spec(program: readonly string[], extra: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec {
      const n = ++serial;
      return {
        name: `shoal-contract-${process.pid}-${Date.now().toString(36)}-${n}`,
        image: fx.image,
        command: [...program],
        ...extra,
        labels: { ...fx.labels, 'shoal.contract/case': String(n), ...(extra.labels ?? {}) },
      };
    }

    async function run(
      program: readonly string[],
      extra: Partial<ContainerCreateSpec> = {},
    ): Promise<string> {
      const id = await rt.createContainer(spec(program, extra));
      await rt.startContainer(id);
      return id;
    }

    async function waitForState(id: string, state: ContainerState, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const c = await rt.inspectContainer(id);
        if (c.state === state) return c;
        if (Date.now() > deadline) throw new Error(`container still ${c.state}, not ${state}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    async function collect(id: string, opts: LogOptions = {}): Promise<LogChunk[]> {
      const chunks: LogChunk[] = [];
      for await (const c of rt.logs(id, opts)) chunks.push(c);
      return chunks;
    }

    function text(chunks: LogChunk[], stream: 'stdout' | 'stderr'): string {
      return Buffer.concat(chunks.filter((c) => c.stream === stream).map((c) => c.data)).toString('utf8');
    }

    it('creates a container in state created, starts it, lists it by label and inspects it running', async () => {
      const s = spec(PROGRAMS.ignoreTerm, { labels: { 'shoal.contract/role': 'listed' } });
      const id = await rt.createContainer(s);
      const created = await rt.inspectContainer(id);
      expect(created.state).toBe('created');
      expect(created.exitCode).toBeUndefined();

      await rt.startContainer(id);
      await rt.startContainer(id); // already running: nothing to do
      const running = await rt.inspectContainer(id);
      expect(running).toMatchObject({
        id,
        name: s.name,
        image: fx.image,
        state: 'running',
        labels: expect.objectContaining(s.labels),
      });
      expect(running.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(running.startedAt).toBeInstanceOf(Date);
      expect(running.exitCode).toBeUndefined();

      const listed = await rt.listContainers({ labels: s.labels });
      expect(listed.map((c) => c.id)).toEqual([id]);
      expect(listed[0]).toEqual(running);
      expect(await rt.listContainers({ labels: { ...s.labels, 'shoal.contract/role': 'other' } })).toEqual(
        [],
      );
      await rt.removeContainer(id, { force: true });
    });

    it('lists stopped containers too', async () => {
      const s = spec(PROGRAMS.exit3);
      const id = await rt.createContainer(s);
      const listed = await rt.listContainers({ labels: s.labels });
      expect(listed.map((c: ObservedContainer) => [c.id, c.state])).toEqual([[id, 'created']]);
    });

    it('reports the exit code of a container that exits 3', async () => {
      const id = await run(PROGRAMS.exit3);
      const exited = await waitForState(id, 'exited');
      expect(exited.exitCode).toBe(3);
      expect(exited.oomKilled).toBe(false);
      expect(exited.finishedAt).toBeInstanceOf(Date);
      // Docker stamps StartedAt after the process has started, so a process that exits at once can
      // finish a millisecond "before" it started.
      expect(exited.finishedAt!.getTime()).toBeGreaterThan(exited.startedAt!.getTime() - 1_000);
    });

    it('restarts a stopped container, which then shows no exit code; stopping one never started does nothing', async () => {
      const id = await run(PROGRAMS.exit3);
      await waitForState(id, 'exited');
      await rt.startContainer(id);
      const again = await rt.inspectContainer(id);
      if (again.state === 'running') {
        expect(again.exitCode).toBeUndefined();
        expect(again.finishedAt).toBeUndefined();
      }
      expect(await waitForState(id, 'exited')).toMatchObject({ exitCode: 3 });

      const idle = await rt.createContainer(spec(PROGRAMS.ignoreTerm));
      await rt.stopContainer(idle, 1);
      expect((await rt.inspectContainer(idle)).state).toBe('created');
    });

    it('stops a container that ignores SIGTERM with SIGKILL after the grace period', async () => {
      const id = await run(PROGRAMS.ignoreTerm);
      const started = Date.now();
      await rt.stopContainer(id, 1);
      const elapsed = Date.now() - started;
      const stopped = await rt.inspectContainer(id);
      expect(stopped.state).toBe('exited');
      expect(stopped.exitCode).toBe(137);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(8_000);
      await rt.stopContainer(id, 1); // already stopped: nothing to do
    });

    it('stops a container that honours SIGTERM without waiting for the grace period', async () => {
      const id = await run(PROGRAMS.honourTerm);
      await new Promise((r) => setTimeout(r, 200)); // let the shell install its trap
      const started = Date.now();
      await rt.stopContainer(id, 20);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await rt.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 0 });
    });

    it('refuses to remove a running container unless forced; a removed one is not found', async () => {
      const s = spec(PROGRAMS.ignoreTerm);
      const id = await rt.createContainer(s);
      await rt.startContainer(id);
      await expect(rt.removeContainer(id)).rejects.toBeInstanceOf(ConflictError);
      await rt.stopContainer(id, 0);
      await rt.removeContainer(id);
      await expect(rt.inspectContainer(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(rt.startContainer(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(rt.stopContainer(id, 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(rt.removeContainer(id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await rt.listContainers({ labels: s.labels })).toEqual([]);

      const forced = await run(PROGRAMS.ignoreTerm);
      await rt.removeContainer(forced, { force: true });
      await expect(rt.inspectContainer(forced)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses a taken name, a missing image and a joined container with a hostname', async () => {
      const s = spec(PROGRAMS.exit3);
      await rt.createContainer(s);
      await expect(rt.createContainer({ ...s })).rejects.toBeInstanceOf(ConflictError);

      const missing = rt.createContainer(spec(PROGRAMS.exit3, { image: 'shoal.invalid/missing:1' }));
      await expect(missing).rejects.toBeInstanceOf(NotFoundError);
      await expect(missing).rejects.toMatchObject({ kind: 'image' });

      const sandbox = await rt.createContainer(spec(PROGRAMS.ignoreTerm));
      const joined = rt.createContainer(spec(PROGRAMS.exit3, { sandboxId: sandbox, hostname: 'nope' }));
      await expect(joined).rejects.toBeInstanceOf(InvalidSpecError);
    });

    it('says the test image is present and an unknown one is not', async () => {
      expect(await rt.imagePresent(fx.image)).toBe(true);
      expect(await rt.imagePresent('shoal.invalid/missing:1')).toBe(false);
    });

    it('fails to pull an image that does not exist with ImagePullError', async () => {
      const events: string[] = [];
      const pull = rt.pullImage('shoal.invalid/no-such-image:1', {
        timeoutMs: 10_000,
        onProgress: (e) => events.push(e.status),
      });
      await expect(pull).rejects.toBeInstanceOf(ImagePullError);
      await expect(pull).rejects.toMatchObject({ ref: 'shoal.invalid/no-such-image:1' });
      await expect(pull).rejects.toHaveProperty('reason', expect.stringMatching(/\S/));
      expect(await rt.imagePresent('shoal.invalid/no-such-image:1')).toBe(false);
    });

    it('returns stdout and stderr separately, with tail and timestamps', async () => {
      const id = await run(PROGRAMS.printBoth);
      await waitForState(id, 'exited');
      const all = await collect(id);
      expect(text(all, 'stdout')).toBe('out-1\nout-2\n');
      expect(text(all, 'stderr')).toBe('err-1\n');

      expect(text(await collect(id, { tail: 1 }), 'stdout')).toBe('out-2\n');
      expect(await collect(id, { tail: 1 }).then((c) => text(c, 'stderr'))).toBe('');

      const stamped = await collect(id, { timestamps: true });
      const lines = text(stamped, 'stdout').split('\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z out-\d$/);

      // Since the second stdout line's own time: that line only (err-1 was written 200 ms earlier).
      const secondAt = lines[1]?.split(' ')[0] ?? '';
      const since = await collect(id, { since: new Date(Date.parse(secondAt)) });
      expect(since.map((c) => [c.stream, c.data.toString('utf8')])).toEqual([['stdout', 'out-2\n']]);

      const future = new Date(Date.now() + 60_000);
      expect(await collect(id, { since: future })).toEqual([]);
    });

    it('follows logs until the container stops', async () => {
      const id = await run(PROGRAMS.printSlowly);
      const chunks = await collect(id, { follow: true });
      expect(text(chunks, 'stdout')).toBe('one\n');
      expect(text(chunks, 'stderr')).toBe('two\n');
      expect((await rt.inspectContainer(id)).state).toBe('exited');
    });

    it('stops following logs when the consumer stops or aborts', async () => {
      const id = await run(PROGRAMS.ignoreTerm);
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const started = Date.now();
      expect(await collect(id, { follow: true, signal: abort.signal })).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
      await rt.removeContainer(id, { force: true });
    });

    it('stops following logs when the consumer breaks out', async () => {
      const id = await run(PROGRAMS.printThenWait);
      const started = Date.now();
      let first: LogChunk | undefined;
      for await (const chunk of rt.logs(id, { follow: true })) {
        first = chunk;
        break;
      }
      expect(first?.data.toString('utf8')).toBe('ready\n');
      expect(Date.now() - started).toBeLessThan(5_000);
      await rt.removeContainer(id, { force: true });
    });

    it('says an unknown container has no logs', async () => {
      await expect(collect('0'.repeat(64))).rejects.toBeInstanceOf(NotFoundError);
    });

    async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part));
      return Buffer.concat(parts).toString('utf8');
    }

    async function finish(session: ExecSession): Promise<{ stdout: string; stderr: string; code: number }> {
      const [stdout, stderr] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
      return { stdout, stderr, code: await session.exitCode };
    }

    it('execs a command with its stdout and stderr apart, env and exit code', async () => {
      const id = await run(PROGRAMS.ignoreTerm);
      expect(await finish(await rt.exec(id, { command: [...EXEC_PROGRAMS.printBoth] }))).toEqual({
        stdout: 'to-out\n',
        stderr: 'to-err\n',
        code: 0,
      });
      expect(await finish(await rt.exec(id, { command: [...EXEC_PROGRAMS.exit7] }))).toEqual({
        stdout: '',
        stderr: '',
        code: 7,
      });
      const env = [{ name: 'SHOAL_GREETING', value: 'hello exec' }];
      expect(await finish(await rt.exec(id, { command: [...EXEC_PROGRAMS.printEnv], env }))).toMatchObject({
        stdout: 'hello exec\n',
        code: 0,
      });
      await rt.removeContainer(id, { force: true });
    });

    it('pipes stdin to an exec until it ends', async () => {
      const id = await run(PROGRAMS.ignoreTerm);
      const session = await rt.exec(id, { command: [...EXEC_PROGRAMS.cat], stdin: true });
      expect(session.stdin).toBeDefined();
      const done = finish(session);
      session.stdin?.write('line one\n');
      session.stdin?.end('line two\n');
      expect(await done).toEqual({ stdout: 'line one\nline two\n', stderr: '', code: 0 });
      expect((await rt.exec(id, { command: [...EXEC_PROGRAMS.exit7] })).stdin).toBeUndefined();
      await rt.removeContainer(id, { force: true });
    });

    it('merges the streams of an exec with a terminal, and resizes it', async () => {
      const id = await run(PROGRAMS.ignoreTerm);
      const merged = await finish(await rt.exec(id, { command: [...EXEC_PROGRAMS.printBoth], tty: true }));
      expect(merged.stdout).toMatch(/to-out\r?\n/);
      expect(merged.stdout).toMatch(/to-err\r?\n/);
      expect(merged).toMatchObject({ stderr: '', code: 0 });

      const sized = await rt.exec(id, {
        command: [...EXEC_PROGRAMS.sizeAfterLine],
        tty: true,
        stdin: true,
        size: { cols: 80, rows: 24 },
      });
      const done = finish(sized);
      await sized.resize({ cols: 100, rows: 30 });
      sized.stdin?.write('go\n');
      const out = await done;
      expect(out.stdout).toMatch(/30 100/);
      expect(out.code).toBe(0);
      await rt.removeContainer(id, { force: true });
    });

    it('ends an exec session when its signal aborts', async () => {
      const id = await run(PROGRAMS.ignoreTerm);
      const abort = new AbortController();
      const session = await rt.exec(id, { command: [...EXEC_PROGRAMS.sleep], signal: abort.signal });
      setTimeout(() => abort.abort(), 200);
      const started = Date.now();
      await expect(finish(session)).rejects.toThrow(/closed/);
      expect(Date.now() - started).toBeLessThan(5_000);
      await rt.removeContainer(id, { force: true });
    });

    it('refuses to exec in a container that is not running, or unknown', async () => {
      const exited = await run(PROGRAMS.exit3);
      await waitForState(exited, 'exited');
      await expect(rt.exec(exited, { command: [...EXEC_PROGRAMS.exit7] })).rejects.toBeInstanceOf(
        ConflictError,
      );
      const created = await rt.createContainer(spec(PROGRAMS.ignoreTerm));
      await expect(rt.exec(created, { command: [...EXEC_PROGRAMS.exit7] })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(rt.exec('0'.repeat(64), { command: [...EXEC_PROGRAMS.exit7] })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('refuses to start a container whose sandbox is not running', async () => {
      const sandbox = await rt.createContainer(spec(PROGRAMS.ignoreTerm));
      const joined = await rt.createContainer(spec(PROGRAMS.exit3, { sandboxId: sandbox }));
      await expect(rt.startContainer(joined)).rejects.toBeInstanceOf(ConflictError);
    });

    (options.sharesNamespaces ? it : () => {})(
      'lets containers that join a sandbox reach each other on localhost and see its hostname',
      async () => {
        const sandbox = await run(PROGRAMS.httpServer, { hostname: 'pod-contract' });
        const client = await run(PROGRAMS.httpClient, { sandboxId: sandbox });
        const exited = await waitForState(client, 'exited', 15_000);
        const logs = await collect(client);
        expect(text(logs, 'stdout')).toBe('pod-contract\nshoal-ok\n');
        expect(exited.exitCode).toBe(0);
        expect((await rt.inspectContainer(sandbox)).ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect((await rt.inspectContainer(client)).ipAddress).toBeUndefined();
      },
    );
  });
}
