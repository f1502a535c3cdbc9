// DockerRuntime's pure parts (dockerMapping.ts, demuxFrames.ts, followPull.ts), without an engine: how a spec becomes Docker's create options, how the
// multiplexed log stream and the pull stream are read, and how Docker's errors become typed ones.
// The real engine is exercised by test/integration/containerRuntimeDocker.test.ts.

import { Duplex, PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ImagePullError,
  InvalidSpecError,
  type LogChunk,
  NotFoundError,
} from '../../agent/kubelet/runtime/ContainerRuntime.ts';
import { DockerRuntime } from '../../agent/kubelet/runtime/DockerRuntime.ts';
import { demuxFrames } from '../../agent/kubelet/runtime/demuxFrames.ts';
import { dockerExecSession } from '../../agent/kubelet/runtime/dockerExec.ts';
import { toCreateOptions } from '../../agent/kubelet/runtime/dockerMapping.ts';
import { followPull } from '../../agent/kubelet/runtime/followPull.ts';

function frame(stream: number, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

async function all(source: AsyncIterable<LogChunk>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const c of source) out.push([c.stream, c.data.toString('utf8')]);
  return out;
}

/** A dockerode stand-in whose calls all fail with the given engine answer. */
function failingDocker(statusCode: number, message: string): Docker {
  const err = Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), {
    statusCode,
    json: { message },
  });
  const fail = async () => {
    throw err;
  };
  const container = { start: fail, stop: fail, remove: fail, inspect: fail, logs: fail, exec: fail };
  return { createContainer: fail, getContainer: () => container } as unknown as Docker;
}

describe('toCreateOptions', () => {
  it('maps a sandbox: hostname, published ports, shareable IPC', () => {
    const options = toCreateOptions({
      name: 'sb',
      image: 'pause:1',
      labels: { a: 'b' },
      hostname: 'pod-a',
      ports: [
        { containerPort: 80, hostPort: 8080 },
        { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
        { containerPort: 9000 },
      ],
    });
    expect(options).toMatchObject({
      name: 'sb',
      Image: 'pause:1',
      Labels: { a: 'b' },
      Hostname: 'pod-a',
      Tty: false,
      ExposedPorts: { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} },
      HostConfig: {
        IpcMode: 'shareable',
        PortBindings: {
          '80/tcp': [{ HostPort: '8080' }],
          '53/udp': [{ HostPort: '5353', HostIp: '127.0.0.1' }],
        },
      },
    });
    expect(options.HostConfig?.NetworkMode).toBeUndefined();
  });

  it('maps a container that joins a sandbox, with limits, user and security fields', () => {
    const options = toCreateOptions({
      name: 'app',
      image: 'app:1',
      labels: {},
      command: ['/bin/app'],
      args: ['--port', '80'],
      workingDir: '/srv',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: 'x=y' },
      ],
      ports: [{ containerPort: 80 }],
      resources: { cpuMillicores: 500, memoryBytes: 128 * 1024 * 1024 },
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      privileged: true,
      mounts: [
        { hostPath: '/var/lib/shoal/v/data', containerPath: '/data' },
        { hostPath: '/var/lib/shoal/v/cfg', containerPath: '/etc/cfg', readOnly: true },
      ],
      sandboxId: 'abc',
    });
    expect(options).toMatchObject({
      Entrypoint: ['/bin/app'],
      Cmd: ['--port', '80'],
      WorkingDir: '/srv',
      Env: ['A=1', 'B=x=y'],
      User: '1000',
      HostConfig: {
        NetworkMode: 'container:abc',
        IpcMode: 'container:abc',
        NanoCpus: 500_000_000,
        Memory: 134_217_728,
        ReadonlyRootfs: true,
        Privileged: true,
        Binds: ['/var/lib/shoal/v/data:/data', '/var/lib/shoal/v/cfg:/etc/cfg:ro'],
      },
    });
    // Docker refuses exposed ports and a hostname on a container in another's network namespace.
    expect(options.ExposedPorts).toBeUndefined();
    expect(options.Hostname).toBeUndefined();
    expect(options.HostConfig?.PortBindings).toBeUndefined();
  });

  it("drops the image's CMD when only command is given, as Kubernetes does", () => {
    expect(toCreateOptions({ name: 'a', image: 'i', labels: {}, command: ['x'] }).Cmd).toEqual([]);
    const neither = toCreateOptions({ name: 'a', image: 'i', labels: {} });
    expect(neither.Cmd).toBeUndefined();
    expect(neither.Entrypoint).toBeUndefined();
  });
});

describe('demuxFrames', () => {
  it('splits frames cut anywhere by the transport', async () => {
    const payload = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err\n'), frame(1, 'out 2\n')]);
    const pieces = [
      payload.subarray(0, 3),
      payload.subarray(3, 11),
      payload.subarray(11, 20),
      payload.subarray(20),
    ];
    expect(await all(demuxFrames(pieces))).toEqual([
      ['stdout', 'out 1\n'],
      ['stderr', 'err\n'],
      ['stdout', 'out 2\n'],
    ]);
  });

  it('rejects a stream that is not multiplexed or ends inside a frame', async () => {
    await expect(all(demuxFrames([Buffer.from('plain tty output')]))).rejects.toThrow(/not a multiplexed/);
    await expect(all(demuxFrames([frame(1, 'hello').subarray(0, 10)]))).rejects.toThrow(/inside a frame/);
  });
});

describe('dockerExecSession', () => {
  async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part));
    return Buffer.concat(parts).toString('utf8');
  }

  function connection(socket: Duplex, extra: { tty?: boolean; stdin?: boolean; signal?: AbortSignal }) {
    return {
      socket,
      tty: extra.tty ?? false,
      stdin: extra.stdin ?? false,
      ...(extra.signal ? { signal: extra.signal } : {}),
      resize: async () => {},
      inspectExit: async () => 5,
    };
  }

  it('splits the multiplexed connection, then asks the exit code', async () => {
    const socket = new PassThrough();
    const session = dockerExecSession(connection(socket, {}));
    socket.end(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]));
    const [out, err] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    expect([out, err]).toEqual(['out\n', 'err\n']);
    expect(await session.exitCode).toBe(5);
    expect(session.stdin).toBeUndefined();
  });

  it('passes a terminal through raw, and sends stdin on the connection', async () => {
    // The connection's two directions, apart: what the engine sends, what the session sends.
    const fromEngine = new PassThrough();
    const toEngine = new PassThrough();
    const socket = Duplex.from({ readable: fromEngine, writable: toEngine });
    const session = dockerExecSession(connection(socket, { tty: true, stdin: true }));
    session.stdin?.end('typed');
    expect(await readAll(toEngine)).toBe('typed');
    fromEngine.end('plain \x1b[1mtext');
    expect(await readAll(session.stdout)).toBe('plain \x1b[1mtext');
    expect(await readAll(session.stderr)).toBe('');
    expect(await session.exitCode).toBe(5);
  });

  it('ends the streams and rejects the exit code when closed or aborted first', async () => {
    const closed = dockerExecSession(connection(new PassThrough(), {}));
    closed.close();
    expect(await readAll(closed.stdout)).toBe('');
    await expect(closed.exitCode).rejects.toThrow(/closed before the process ended/);

    const abort = new AbortController();
    abort.abort();
    const aborted = dockerExecSession(connection(new PassThrough(), { signal: abort.signal }));
    await expect(aborted.exitCode).rejects.toThrow(/closed/);
  });
});

describe('followPull', () => {
  it('reports progress events, whatever the chunking', async () => {
    const lines = [
      { status: 'Pulling from library/app', id: '1' },
      { status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 100 } },
      { status: 'Status: Downloaded newer image for app:1' },
    ];
    const text = lines.map((l) => JSON.stringify(l)).join('\r\n');
    const events: unknown[] = [];
    await followPull([text.slice(0, 30), text.slice(30, 70), text.slice(70)], (e) => events.push(e));
    expect(events).toEqual([
      { status: 'Pulling from library/app', layer: '1' },
      { status: 'Downloading', layer: 'abc', current: 10, total: 100 },
      { status: 'Status: Downloaded newer image for app:1' },
    ]);
  });

  it('fails on an error reported inside the stream', async () => {
    const text = `${JSON.stringify({ status: 'Pulling' })}\n${JSON.stringify({
      error: 'manifest unknown',
      errorDetail: { message: 'manifest for app:9 not found: manifest unknown' },
    })}\n`;
    await expect(followPull([text])).rejects.toThrow('manifest for app:9 not found');
  });
});

describe('DockerRuntime errors', () => {
  it('gives up a pull that does not answer within its timeout', async () => {
    const never = new PassThrough();
    const docker = { pull: async () => never } as unknown as Docker;
    const started = Date.now();
    const pull = new DockerRuntime(docker).pullImage('slow.example/app:1', { timeoutMs: 100 });
    await expect(pull).rejects.toBeInstanceOf(ImagePullError);
    await expect(pull).rejects.toMatchObject({ reason: 'no answer within 100 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("maps the engine's status codes to typed errors", async () => {
    const spec = { name: 'a', image: 'app:1', labels: {} };
    const noImage = new DockerRuntime(failingDocker(404, 'No such image: app:1')).createContainer(spec);
    await expect(noImage).rejects.toMatchObject({ kind: 'image', ref: 'app:1' });
    await expect(noImage).rejects.toBeInstanceOf(NotFoundError);

    const gone = new DockerRuntime(failingDocker(404, 'No such container: x')).inspectContainer('x');
    await expect(gone).rejects.toMatchObject({ kind: 'container', ref: 'x' });

    const taken = new DockerRuntime(failingDocker(409, 'name in use')).createContainer(spec);
    await expect(taken).rejects.toBeInstanceOf(ConflictError);

    const notRunning = new DockerRuntime(failingDocker(409, 'Container x is not running')).exec('x', {
      command: ['true'],
    });
    await expect(notRunning).rejects.toBeInstanceOf(ConflictError);

    const bad = new DockerRuntime(failingDocker(400, 'conflicting options')).startContainer('x');
    await expect(bad).rejects.toBeInstanceOf(InvalidSpecError);

    // 304: already in the state asked for.
    await expect(new DockerRuntime(failingDocker(304, '')).startContainer('x')).resolves.toBeUndefined();
    await expect(new DockerRuntime(failingDocker(304, '')).stopContainer('x', 1)).resolves.toBeUndefined();
  });

  it('refuses specs Docker would refuse, before calling it', async () => {
    const rt = new DockerRuntime(failingDocker(500, 'should not be called'));
    const joinedWithPort = rt.createContainer({
      name: 'a',
      image: 'i',
      labels: {},
      sandboxId: 'sb',
      ports: [{ containerPort: 80, hostPort: 80 }],
    });
    await expect(joinedWithPort).rejects.toBeInstanceOf(InvalidSpecError);
    const badPort = rt.createContainer({ name: 'a', image: 'i', labels: {}, ports: [{ containerPort: 0 }] });
    await expect(badPort).rejects.toBeInstanceOf(InvalidSpecError);
  });
});
