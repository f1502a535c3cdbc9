// Drives the real Docker engine through dockerode, the way Shoal's agent does: create, start, read
// logs, inspect, stop, remove. Needs the engine and test/images/build.sh's image (.ci/run sets up both).

import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRunId,
  demuxDockerPayload,
  describeDocker,
  dockerClient,
  removeTestContainers,
  statusCode,
  TEST_IMAGE,
  TEST_LABEL_KEY,
  testLabel,
} from '../support/docker.ts';

const runId = createRunId();
const docker = dockerClient();

function frame(stream: number, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

describe('demuxDockerPayload', () => {
  it('splits stdout and stderr frames', () => {
    const payload = Buffer.concat([
      frame(1, 'out 1\n'),
      frame(2, 'err\n'),
      frame(1, 'out 2\n'),
      frame(1, ''),
    ]);
    expect(demuxDockerPayload(payload)).toEqual({ stdout: 'out 1\nout 2\n', stderr: 'err\n' });
  });

  it('rejects truncated or non-multiplexed input', () => {
    expect(() => demuxDockerPayload(frame(1, 'hello').subarray(0, 10))).toThrow(/truncated/);
    expect(() => demuxDockerPayload(Buffer.from('plain tty output'))).toThrow(/not a multiplexed/);
  });
});

/** Follows a container's log stream, demultiplexed with dockerode's demuxStream, until stdout has `text`. */
async function waitForStdout(containerId: string, text: string, timeoutMs = 10_000): Promise<string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const stream = await docker
    .getContainer(containerId)
    .logs({ follow: true, stdout: true, stderr: true, abortSignal: abort.signal });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let seen = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (seen.includes(text)) resolve(seen);
      });
      stream.on('error', (err: Error) => reject(err));
      stream.on('end', () => reject(new Error(`log stream ended before "${text}"; stdout so far: ${seen}`)));
      abort.signal.addEventListener('abort', () =>
        reject(new Error(`"${text}" not in stdout within ${timeoutMs} ms; stdout so far: ${seen}`)),
      );
      docker.modem.demuxStream(stream, stdout, stderr);
    });
  } finally {
    clearTimeout(timer);
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}

describeDocker('Docker engine through dockerode', () => {
  afterAll(async () => {
    await removeTestContainers(runId, docker);
  });

  it('creates, starts, logs, inspects, stops and removes a container', async () => {
    const line = `hello from shoal test ${runId}`;
    const container = await docker.createContainer({
      Image: TEST_IMAGE,
      name: `shoal-test-${runId}-echo`,
      Cmd: ['sh', '-c', 'echo "$LINE"; echo "to stderr" >&2; exec sleep 300'],
      Env: [`LINE=${line}`],
      Labels: testLabel(runId, { 'shoal.test.case': 'lifecycle' }),
      Tty: false,
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();

    // Streamed logs, demultiplexed by dockerode.
    const streamed = await waitForStdout(container.id, line);
    expect(streamed).toBe(`${line}\n`);

    // The same logs as one multiplexed payload, split by parsing the 8-byte frame headers.
    const payload = await container.logs({ stdout: true, stderr: true, follow: false });
    expect(demuxDockerPayload(payload)).toEqual({ stdout: `${line}\n`, stderr: 'to stderr\n' });

    const running = await container.inspect();
    expect(running.State.Running).toBe(true);
    expect(running.State.Status).toBe('running');
    expect(running.Config.Image).toBe(TEST_IMAGE);
    expect(running.Config.Labels[TEST_LABEL_KEY]).toBe(runId);

    // `sleep` is PID 1 with no SIGTERM handler, so it ignores SIGTERM: the engine kills it after t=1 s.
    const stopStarted = Date.now();
    await container.stop({ t: 1 });
    expect(Date.now() - stopStarted).toBeLessThan(10_000);

    const stopped = await container.inspect();
    expect(stopped.State.Running).toBe(false);
    expect(stopped.State.Status).toBe('exited');
    expect(stopped.State.ExitCode).toBe(137);

    await container.remove();
    const gone = await container.inspect().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(statusCode(gone)).toBe(404);
  });

  it('labels the containers a test creates with the run id, so afterAll can remove them', async () => {
    const container = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: testLabel(runId),
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    const listed = await docker.listContainers({ filters: { label: [`${TEST_LABEL_KEY}=${runId}`] } });
    expect(listed.map((c) => c.Id)).toContain(container.id);

    expect(await removeTestContainers(runId, docker)).toBeGreaterThanOrEqual(1);
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`${TEST_LABEL_KEY}=${runId}`] },
    });
    expect(left).toEqual([]);
  });
});
