// ContainerRuntime on the local Docker engine, through dockerode. See ContainerRuntime.ts for the
// contract. This file maps the calls and Docker's errors (onto the typed ones); dockerMapping.ts maps
// the objects, followPull.ts and demuxFrames.ts read the engine's streams, dockerExec.ts an exec's.

import type { Duplex, Readable } from 'node:stream';
import Docker from 'dockerode';
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
  validateCreateSpec,
} from './ContainerRuntime.ts';
import { demuxFrames } from './demuxFrames.ts';
import { dockerExecSession } from './dockerExec.ts';
import { toCreateOptions, toObserved } from './dockerMapping.ts';
import { followPull } from './followPull.ts';

const DEFAULT_PULL_TIMEOUT_MS = 5 * 60_000;
/** How long the engine may take to mark an exec ended once its output has closed. */
const EXEC_EXIT_WAIT_MS = 5_000;

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  /** The last inspect of each listed container, with the engine state it was taken in. */
  readonly #inspected = new Map<string, { state: string; observed: ObservedContainer }>();

  constructor(docker: Docker = new Docker()) {
    this.docker = docker;
  }

  async listContainers(filter: { labels: Record<string, string> }): Promise<ObservedContainer[]> {
    const label = Object.entries(filter.labels).map(([k, v]) => `${k}=${v}`);
    const infos = await this.docker.listContainers({ all: true, filters: { label } });
    const listed = new Set(infos.map((i) => i.Id));
    // Forget cached containers this filter would have listed: they are gone.
    for (const [id, cached] of this.#inspected) {
      if (
        !listed.has(id) &&
        Object.entries(filter.labels).every(([k, v]) => cached.observed.labels[k] === v)
      ) {
        this.#inspected.delete(id);
      }
    }
    const observed = await Promise.all(
      infos.map(async (info) => {
        // What inspect tells (exit code, times, address) changes only with the engine's state, so a
        // container whose state is unchanged is not inspected again: the kubelet lists every second.
        const cached = this.#inspected.get(info.Id);
        if (cached && cached.state === info.State) return cached.observed;
        try {
          const fresh = await this.inspectContainer(info.Id);
          this.#inspected.set(info.Id, { state: fresh.state, observed: fresh });
          return fresh;
        } catch (err) {
          // Removed between the list and the inspect.
          if (err instanceof NotFoundError) return undefined;
          throw err;
        }
      }),
    );
    return observed.filter((c): c is ObservedContainer => c !== undefined);
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    validateCreateSpec(spec);
    try {
      const container = await this.docker.createContainer(toCreateOptions(spec));
      return container.id;
    } catch (err) {
      throw mapError(err, 'container', spec.name, spec.image);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusCode(err) === 304) return; // already running
      throw mapError(err, 'container', id);
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (err) {
      if (statusCode(err) === 304) return; // already stopped
      throw mapError(err, 'container', id);
    }
  }

  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: options.force ?? false, v: true });
    } catch (err) {
      throw mapError(err, 'container', id);
    }
  }

  async inspectContainer(id: string): Promise<ObservedContainer> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(id).inspect();
    } catch (err) {
      throw mapError(err, 'container', id);
    }
    return toObserved(info);
  }

  async imagePresent(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw mapError(err, 'image', ref);
    }
  }

  async pullImage(ref: string, options: PullOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const stream = (await this.docker.pull(ref, { abortSignal: abort.signal })) as Readable;
      const onAbort = () => stream.destroy(new Error('aborted'));
      abort.signal.addEventListener('abort', onAbort, { once: true });
      try {
        await followPull(stream, options.onProgress);
      } finally {
        abort.signal.removeEventListener('abort', onAbort);
      }
    } catch (err) {
      const reason = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : errorMessage(err);
      throw new ImagePullError(ref, reason);
    } finally {
      clearTimeout(timer);
    }
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogChunk> {
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const base = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      // Fractional seconds: the engine reads "seconds.fraction", and `--since` may be sub-second.
      ...(options.since !== undefined ? { since: options.since.getTime() / 1000 } : {}),
      abortSignal: abort.signal,
    };
    const container = this.docker.getContainer(id);
    try {
      if (options.follow) {
        let stream: NodeJS.ReadableStream;
        try {
          stream = await container.logs({ ...base, follow: true });
        } catch (err) {
          throw mapError(err, 'container', id);
        }
        try {
          yield* demuxFrames(stream as AsyncIterable<Buffer>);
        } finally {
          (stream as Readable).destroy?.();
        }
      } else {
        let payload: Buffer;
        try {
          payload = await container.logs({ ...base, follow: false });
        } catch (err) {
          throw mapError(err, 'container', id);
        }
        yield* demuxFrames([payload]);
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      abort.abort();
    }
  }

  async exec(id: string, options: ExecOptions): Promise<ExecSession> {
    if (options.command.length === 0) throw new InvalidSpecError(`exec in ${id}: empty command`);
    const tty = options.tty ?? false;
    const stdin = options.stdin ?? false;
    let exec: Docker.Exec;
    let socket: Duplex;
    try {
      exec = await this.docker.getContainer(id).exec({
        Cmd: [...options.command],
        AttachStdin: stdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: tty,
        Env: (options.env ?? []).map((e) => `${e.name}=${e.value}`),
        // Engines from API 1.42 size the terminal at creation; older ones ignore it (resized below).
        ...(tty && options.size ? { ConsoleSize: [options.size.rows, options.size.cols] } : {}),
      });
      socket = await exec.start({ hijack: true, stdin, Tty: tty });
    } catch (err) {
      // 409: the container is not running (or paused).
      throw mapError(err, 'container', id);
    }
    const session = dockerExecSession({
      socket,
      tty,
      stdin,
      ...(options.signal ? { signal: options.signal } : {}),
      resize: async (size) => {
        try {
          await exec.resize({ h: size.rows, w: size.cols });
        } catch (err) {
          throw mapError(err, 'container', id);
        }
      },
      inspectExit: () => execExitCode(exec),
    });
    if (tty && options.size) await session.resize(options.size).catch(() => {});
    return session;
  }
}

/** Docker may still report the exec running for a moment after its output closed. */
async function execExitCode(exec: Docker.Exec): Promise<number> {
  const deadline = Date.now() + EXEC_EXIT_WAIT_MS;
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
    if (Date.now() > deadline) throw new RuntimeError(`exec ${exec.id}: no exit code after its output ended`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function mapError(err: unknown, kind: 'container' | 'image', ref: string, image?: string): Error {
  const message = errorMessage(err);
  switch (statusCode(err)) {
    case 404:
      // Creating from a missing image is a 404 about the image, not the container.
      if (image !== undefined && /image/i.test(message)) return new NotFoundError('image', image, message);
      return new NotFoundError(kind, ref, message);
    case 409:
      return new ConflictError(message);
    case 400:
      return new InvalidSpecError(message);
    default:
      return err instanceof Error ? err : new RuntimeError(message);
  }
}

function statusCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/** dockerode puts the engine's JSON message in `json.message`; prefer it to the generic text. */
function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'json' in err) {
    const json = (err as { json: unknown }).json;
    if (typeof json === 'object' && json !== null && 'message' in json) {
      return String((json as { message: unknown }).message);
    }
  }
  return err instanceof Error ? err.message : String(err);
}
