// An in-memory ContainerRuntime for unit tests of the kubelet: the same observable behaviour as
// DockerRuntime (states, exit codes, typed errors, labels, logs, grace periods), with no engine.
//
// What a container "does" once started is a `FakeBehaviour` chosen by the test: it may write logs,
// exit with a code, handle or ignore SIGTERM. The default runs until stopped and exits 143 on SIGTERM.
// Tests can also drive containers from outside: `exit(id, code)`, `write(id, stream, text)`.
// Namespace sharing is checked (the sandbox must exist and run) but not simulated.
// What an exec'd command does is a `FakeExecHandler` (`exec` option or `onExec`): it reads stdin, writes
// output and returns the exit code; its session ends with 137 if the container stops first.

import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  ConflictError,
  type ContainerCreateSpec,
  type ContainerRuntime,
  type ExecOptions,
  type ExecSession,
  ImagePullError,
  InvalidSpecError,
  type LogChunk,
  type LogOptions,
  NotFoundError,
  type ObservedContainer,
  type PullOptions,
  RuntimeError,
  type TerminalSize,
  validateCreateSpec,
} from './ContainerRuntime.ts';

/** A started container as its behaviour sees it. */
export interface FakeProcess {
  readonly id: string;
  readonly spec: ContainerCreateSpec;
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** Ends this run of the container; ignored once it has ended. */
  exit(code: number, options?: { oomKilled?: boolean }): void;
}

/** How a process reacts to SIGTERM; without a handler it dies of it (exit code 143). */
export interface FakeHandlers {
  onTerm?: () => void;
}

export type FakeBehaviour = (process: FakeProcess) => FakeHandlers | undefined;

/** What a fake exec'd process sees. */
export interface FakeExecIO {
  /** The spec of the container it runs in. */
  readonly spec: ContainerCreateSpec;
  /** The session's stdin; already ended when the session attached none. */
  readonly stdin: NodeJS.ReadableStream;
  /** Everything written to stdin, once it has ended. */
  readStdin(): Promise<string>;
  /** With a terminal, both streams go to stdout, as the engine's would. */
  write(stream: 'stdout' | 'stderr', data: string | Buffer): void;
  /** The terminal's current size (the start size, then each resize), with `tty`. */
  size(): TerminalSize | undefined;
  /** Aborted when the session is closed or the container stops: a long-running handler should end. */
  readonly signal: AbortSignal;
}

/** Runs one exec'd command: returns (or resolves to) its exit code; a throw is exit code 126. */
export type FakeExecHandler = (
  containerId: string,
  options: ExecOptions,
  io: FakeExecIO,
) => number | Promise<number>;

export interface FakeRuntimeOptions {
  /** Images present from the start. */
  images?: string[];
  /** Images a pull succeeds for; pulling any other fails with ImagePullError. */
  pullable?: string[];
  behaviour?: FakeBehaviour;
  /** Length of one second of grace period, in ms; lower it to make stop tests fast. */
  msPerSecond?: number;
  /** What exec'd commands do; without one, every command is "not found" (126). */
  exec?: FakeExecHandler;
}

interface LogLine {
  stream: 'stdout' | 'stderr';
  time: Date;
  text: string;
}

interface FakeContainer {
  observed: ObservedContainer;
  spec: ContainerCreateSpec;
  log: LogLine[];
  /** Incremented at each start, so a stale process cannot end a later run. */
  run: number;
  handlers: FakeHandlers;
  killTimer?: NodeJS.Timeout;
  waiters: Set<() => void>;
  /** Exec sessions in progress, ended when the container stops. */
  execs: Set<AbortController>;
}

let nextId = 1;

export class FakeRuntime implements ContainerRuntime {
  private readonly containers = new Map<string, FakeContainer>();
  private readonly images = new Set<string>();
  private readonly pullable: Set<string>;
  private readonly behaviour: FakeBehaviour;
  private readonly msPerSecond: number;
  private execHandler: FakeExecHandler;

  constructor(options: FakeRuntimeOptions = {}) {
    for (const image of options.images ?? []) this.images.add(image);
    this.pullable = new Set(options.pullable ?? []);
    this.behaviour = options.behaviour ?? (() => undefined);
    this.msPerSecond = options.msPerSecond ?? 1000;
    this.execHandler = options.exec ?? commandNotFound;
  }

  // --- test controls ---

  addImage(ref: string): void {
    this.images.add(ref);
  }

  removeImage(ref: string): void {
    this.images.delete(ref);
  }

  /** Makes a running container exit, as if its process ended. */
  exit(id: string, code: number, options: { oomKilled?: boolean } = {}): void {
    const c = this.get(id);
    this.end(c, c.run, code, options.oomKilled ?? false);
  }

  write(id: string, stream: 'stdout' | 'stderr', text: string): void {
    this.append(this.get(id), stream, text);
  }

  /** Replaces what exec'd commands do (for every container). */
  onExec(handler: FakeExecHandler): void {
    this.execHandler = handler;
  }

  // --- ContainerRuntime ---

  async listContainers(filter: { labels: Record<string, string> }): Promise<ObservedContainer[]> {
    const wanted = Object.entries(filter.labels);
    return [...this.containers.values()]
      .filter((c) => wanted.every(([k, v]) => c.observed.labels[k] === v))
      .map((c) => snapshot(c.observed));
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    validateCreateSpec(spec);
    if (!this.images.has(spec.image)) throw new NotFoundError('image', spec.image);
    for (const c of this.containers.values()) {
      if (c.observed.name === spec.name)
        throw new ConflictError(`container name ${spec.name} is already in use`);
    }
    const id = createHash('sha256').update(`fake-${nextId++}-${spec.name}`).digest('hex');
    this.containers.set(id, {
      observed: {
        id,
        name: spec.name,
        labels: { ...spec.labels },
        image: spec.image,
        imageId: imageId(spec.image),
        state: 'created',
        oomKilled: false,
        restartCount: 0,
      },
      spec: structuredClone(spec),
      log: [],
      run: 0,
      handlers: {},
      waiters: new Set(),
      execs: new Set(),
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.observed.state === 'running') return;
    if (c.spec.sandboxId !== undefined) {
      const sandbox = this.containers.get(c.spec.sandboxId);
      if (!sandbox) throw new NotFoundError('container', c.spec.sandboxId);
      if (sandbox.observed.state !== 'running') {
        throw new ConflictError(`cannot join network of a non running container: ${c.spec.sandboxId}`);
      }
    }
    const run = ++c.run;
    c.observed.state = 'running';
    c.observed.startedAt = new Date();
    c.observed.oomKilled = false;
    delete c.observed.exitCode;
    delete c.observed.finishedAt;
    const proc: FakeProcess = {
      id,
      spec: c.spec,
      write: (stream, text) => {
        if (c.run === run && c.observed.state === 'running') this.append(c, stream, text);
      },
      exit: (code, options = {}) => this.end(c, run, code, options.oomKilled ?? false),
    };
    c.handlers = {};
    const handlers = this.behaviour(proc);
    if (c.run === run && c.observed.state === 'running') c.handlers = handlers ?? {};
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const c = this.get(id);
    if (c.observed.state !== 'running') return;
    const run = c.run;
    const stopped = this.waitForEnd(c);
    // A second stop while the first is waiting keeps the first deadline.
    c.killTimer ??= setTimeout(
      () => this.end(c, run, 137, false),
      Math.max(0, Math.ceil(graceSeconds)) * this.msPerSecond,
    );
    if (c.handlers.onTerm) c.handlers.onTerm();
    else this.end(c, run, 143, false);
    await stopped;
  }

  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    const c = this.get(id);
    if (c.observed.state === 'running') {
      if (!options.force) {
        throw new ConflictError(
          `cannot remove container ${id}: container is running: stop the container first`,
        );
      }
      this.end(c, c.run, 137, false);
    }
    this.containers.delete(id);
  }

  async inspectContainer(id: string): Promise<ObservedContainer> {
    return snapshot(this.get(id).observed);
  }

  async imagePresent(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }

  async pullImage(ref: string, options: PullOptions = {}): Promise<void> {
    options.onProgress?.({ status: `Pulling from ${ref}` });
    if (!this.pullable.has(ref)) {
      throw new ImagePullError(ref, `pull access denied for ${ref}, repository does not exist`);
    }
    options.onProgress?.({ status: 'Pull complete', layer: imageId(ref).slice(7, 19) });
    this.images.add(ref);
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogChunk> {
    const c = this.get(id);
    const since = options.since?.getTime();
    let lines = c.log.filter((l) => since === undefined || l.time.getTime() >= since);
    if (options.tail !== undefined) lines = options.tail > 0 ? lines.slice(-options.tail) : [];
    let next = c.log.length;
    for (const line of lines) yield chunk(line, options.timestamps ?? false);
    if (!options.follow) return;
    const onAbort = () => this.wake(c);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (c.observed.state === 'running' && !options.signal?.aborted) {
        await new Promise<void>((resolve) => c.waiters.add(resolve));
        for (; next < c.log.length; next++) {
          const line = c.log[next];
          if (line) yield chunk(line, options.timestamps ?? false);
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    const c = this.get(id);
    if (options.command.length === 0) throw new InvalidSpecError(`exec in ${id}: empty command`);
    if (c.observed.state !== 'running') throw new ConflictError(`Container ${id} is not running`);
    const ended = new AbortController();
    c.execs.add(ended);
    return fakeExecSession(id, c.spec, options, this.execHandler, ended, () => c.execs.delete(ended));
  }

  // --- internals ---

  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new NotFoundError('container', id, `No such container: ${id}`);
    return c;
  }

  private append(c: FakeContainer, stream: 'stdout' | 'stderr', text: string): void {
    const time = new Date();
    // Lines, as the engine stores them, so that `tail` and `timestamps` work per line.
    for (const part of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) c.log.push({ stream, time, text: part });
    this.wake(c);
  }

  private end(c: FakeContainer, run: number, code: number, oomKilled: boolean): void {
    if (c.run !== run || c.observed.state !== 'running') return;
    clearTimeout(c.killTimer);
    c.killTimer = undefined;
    c.observed.state = 'exited';
    c.observed.exitCode = code;
    c.observed.finishedAt = new Date();
    c.observed.oomKilled = oomKilled;
    c.handlers = {};
    for (const exec of c.execs) exec.abort(CONTAINER_STOPPED);
    c.execs.clear();
    this.wake(c);
  }

  private waitForEnd(c: FakeContainer): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (c.observed.state !== 'running') resolve();
        else c.waiters.add(check);
      };
      check();
    });
  }

  private wake(c: FakeContainer): void {
    const waiters = [...c.waiters];
    c.waiters.clear();
    for (const w of waiters) w();
  }
}

function chunk(line: LogLine, timestamps: boolean): LogChunk {
  const text = timestamps ? `${line.time.toISOString()} ${line.text}` : line.text;
  return { stream: line.stream, data: Buffer.from(text, 'utf8') };
}

function snapshot(o: ObservedContainer): ObservedContainer {
  return structuredClone(o);
}

function imageId(ref: string): string {
  return `sha256:${createHash('sha256').update(ref).digest('hex')}`;
}

const CONTAINER_STOPPED = 'container stopped';
const SESSION_CLOSED = 'session closed';

const commandNotFound: FakeExecHandler = (_id, options, io) => {
  io.write('stderr', `exec: "${options.command[0]}": executable file not found in $PATH\n`);
  return 126;
};

/**
 * One exec session: the handler's exit code, or 137 when the container stops first, or a rejection when
 * the session is closed (or its signal aborted) first. Output streams end before `exitCode` settles.
 */
function fakeExecSession(
  id: string,
  spec: ContainerCreateSpec,
  options: ExecOptions,
  handler: FakeExecHandler,
  ended: AbortController,
  forget: () => void,
): ExecSession {
  const tty = options.tty ?? false;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = options.stdin ? new PassThrough() : undefined;
  let size = tty ? options.size : undefined;
  if (tty) stderr.end();

  const stdinSource: NodeJS.ReadableStream = stdin ?? Readable.from([]);
  const io: FakeExecIO = {
    spec: structuredClone(spec),
    stdin: stdinSource,
    readStdin: async () => {
      const parts: Buffer[] = [];
      for await (const part of stdinSource) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part));
      return Buffer.concat(parts).toString('utf8');
    },
    write: (stream, data) => {
      if (ended.signal.aborted) return;
      const target = tty || stream === 'stdout' ? stdout : stderr;
      if (!target.writableEnded) target.write(data);
    },
    size: () => (size ? { ...size } : undefined),
    signal: ended.signal,
  };

  const onAbort = () => ended.abort(SESSION_CLOSED);
  if (options.signal?.aborted) ended.abort(SESSION_CLOSED);
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const stopped = new Promise<number>((resolve, reject) => {
    const settle = () => {
      if (ended.signal.reason === CONTAINER_STOPPED) resolve(137);
      else reject(new RuntimeError('exec session closed before the process ended'));
    };
    if (ended.signal.aborted) settle();
    else ended.signal.addEventListener('abort', settle, { once: true });
  });
  // Also aborted after a normal end, when nobody awaits it any more.
  stopped.catch(() => {});
  const ran = Promise.resolve()
    .then(() => handler(id, options, io))
    .catch((err: unknown) => {
      io.write('stderr', `fake exec handler failed: ${err instanceof Error ? err.message : String(err)}\n`);
      return 126;
    });

  const exitCode = Promise.race([ran, stopped]).finally(() => {
    // From here the process is gone: nothing more is written, its stdin goes nowhere.
    if (!ended.signal.aborted) ended.abort(SESSION_CLOSED);
    options.signal?.removeEventListener('abort', onAbort);
    stdin?.destroy();
    stdout.end();
    stderr.end();
    forget();
  });
  exitCode.catch(() => {});

  const session: ExecSession = {
    stdout,
    stderr,
    exitCode,
    close: () => ended.abort(SESSION_CLOSED),
    resize: async (next) => {
      if (tty) size = { ...next };
    },
  };
  if (stdin) session.stdin = stdin;
  return session;
}
