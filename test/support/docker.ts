// Helpers for tests that drive the real Docker engine through dockerode.
//
// Policy: a Docker test that cannot reach the engine FAILS (a skipped test hides failures). Under CI
// (`CI` set) there is no way around that: .ci/run installs and starts the engine. Outside CI a developer
// without an engine may opt out with SHOAL_SKIP_DOCKER_TESTS=1: suites declared with `describeDocker`
// are then skipped, with a visible message, when the engine does not answer.
//
// The engine is found the way the docker CLI finds it: DOCKER_HOST if set, else /var/run/docker.sock.
// Every container a test creates carries the label `shoal.test=<run id>` (see `testLabel`), so that
// `removeTestContainers(runId)` can clean up after the test, whatever state it stopped in.

import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { describeRequiring } from './requiredSuite.ts';

/** Local image built by test/images/build.sh (busybox-static, no registry needed). */
export const TEST_IMAGE = 'shoal.test/busybox:1';

/** Label key carried by every container a test creates; its value is the test run's id. */
export const TEST_LABEL_KEY = 'shoal.test';

const PING_TIMEOUT_MS = 5_000;

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** True when a developer asked to skip Docker suites on a machine without an engine (ignored in CI). */
export function dockerSkipRequested(): boolean {
  return process.env.SHOAL_SKIP_DOCKER_TESTS === '1' && !isCI();
}

/** A dockerode client for the engine the docker CLI would use (honours DOCKER_HOST). */
export function dockerClient(): Docker {
  return new Docker();
}

/** Where the engine is expected, for messages: a socket path or the DOCKER_HOST URL. */
export function dockerEndpoint(): string {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length) || '/var/run/docker.sock';
  return host;
}

export interface DockerProbe {
  ok: boolean;
  /** Why the engine did not answer (the connection error), when it did not. */
  reason?: string;
}

/** Pings the engine; never throws. */
export async function probeDocker(
  docker: Docker = dockerClient(),
  timeoutMs = PING_TIMEOUT_MS,
): Promise<DockerProbe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to /_ping within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([docker.ping(), timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: errorText(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the Docker engine answers a ping. */
export async function dockerAvailable(docker: Docker = dockerClient()): Promise<boolean> {
  return (await probeDocker(docker)).ok;
}

function unreachableMessage(reason: string | undefined): string {
  const cause = reason ? ` (${reason})` : '';
  if (isCI()) {
    return `Docker engine not reachable at ${dockerEndpoint()}; CI requires it: see .ci/run${cause}`;
  }
  return (
    `Docker engine not reachable at ${dockerEndpoint()}${cause}. Start it as .ci/run does ` +
    '(see shared/TESTING.md), or set SHOAL_SKIP_DOCKER_TESTS=1 to skip the Docker test suites.'
  );
}

export interface RequireDockerOptions {
  /** Images that must exist locally; default: [TEST_IMAGE]. */
  images?: string[];
  docker?: Docker;
}

/**
 * Call from a `beforeAll`: throws (failing every test of the suite) when the engine does not answer or
 * a needed local image is missing. `describeDocker` does this for you and also handles the opt-out.
 */
export async function requireDocker(options: RequireDockerOptions = {}): Promise<void> {
  const docker = options.docker ?? dockerClient();
  const probe = await probeDocker(docker);
  if (!probe.ok) throw new Error(unreachableMessage(probe.reason));
  for (const image of options.images ?? [TEST_IMAGE]) {
    try {
      await docker.getImage(image).inspect();
    } catch (err) {
      if (statusCode(err) === 404) {
        throw new Error(`Test image ${image} is missing: run \`bash test/images/build.sh\` (.ci/run does).`);
      }
      throw err;
    }
  }
}

// Probed once, at import, and only when a developer opted out: the decision to skip a suite must be
// taken while vitest collects the tests, before any hook runs.
const optOutProbe: DockerProbe | undefined = dockerSkipRequested() ? await probeDocker() : undefined;

/**
 * `describe` for suites that need the Docker engine. The suite first checks the engine (and the test
 * image) in a `beforeAll` and fails with a clear message when it is missing. With
 * SHOAL_SKIP_DOCKER_TESTS=1 outside CI, the suite is skipped instead when the engine does not answer.
 */
export function describeDocker(name: string, fn: () => void, options: RequireDockerOptions = {}): void {
  describeRequiring(name, fn, {
    what: 'Docker',
    skipReason:
      optOutProbe && !optOutProbe.ok
        ? `Docker engine not reachable at ${dockerEndpoint()}, SHOAL_SKIP_DOCKER_TESTS=1`
        : undefined,
    check: () => requireDocker(options),
    checkTimeoutMs: PING_TIMEOUT_MS * 3,
  });
}

/** A fresh id for one test run (a test file, usually): short, unique, valid in container names. */
export function createRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Labels for a container a test creates: `shoal.test=<runId>` plus any extra labels. */
export function testLabel(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [TEST_LABEL_KEY]: runId };
}

/**
 * Force-removes every container (running or not) labelled `shoal.test=<runId>`, with its anonymous
 * volumes. For afterAll. Returns how many were removed. Does nothing when the engine does not answer
 * (the suite has already failed for that reason).
 */
export function removeTestContainers(runId: string, docker: Docker = dockerClient()): Promise<number> {
  return removeContainersLabelled(`${TEST_LABEL_KEY}=${runId}`, docker);
}

/** Force-removes every container carrying `label` (`key=value`), e.g. the ones a test's agents made. */
export async function removeContainersLabelled(
  label: string,
  docker: Docker = dockerClient(),
): Promise<number> {
  let containers: Docker.ContainerInfo[];
  try {
    containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  } catch (err) {
    if (isConnectionError(err)) return 0;
    throw err;
  }
  let removed = 0;
  for (const info of containers) {
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed++;
    } catch (err) {
      // 404: already gone; 409: removal already in progress.
      const code = statusCode(err);
      if (code !== 404 && code !== 409) throw err;
    }
  }
  return removed;
}

/** Splits a multiplexed (non-TTY) Docker log/attach payload: 8-byte headers [stream, 0, 0, 0, size BE32]. */
export function demuxDockerPayload(payload: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= payload.length) {
    const stream = payload.readUInt8(offset);
    const padding = payload.readUIntBE(offset + 1, 3);
    if (stream > 2 || padding !== 0) {
      throw new Error(`not a multiplexed Docker stream (bad frame header at byte ${offset})`);
    }
    const size = payload.readUInt32BE(offset + 4);
    const end = offset + 8 + size;
    if (end > payload.length) throw new Error(`truncated Docker stream frame at byte ${offset}`);
    const data = payload.subarray(offset + 8, end);
    if (stream === 1) out.push(data);
    else if (stream === 2) err.push(data);
    offset = end;
  }
  if (offset !== payload.length) throw new Error(`truncated Docker stream header at byte ${offset}`);
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** The HTTP status of a failed dockerode call, if any. */
export function statusCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

function isConnectionError(err: unknown): boolean {
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET';
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
