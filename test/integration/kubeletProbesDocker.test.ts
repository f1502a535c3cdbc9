// The prober against the real engine: exec probes through Docker exec, http and tcp probes against the
// address of a container with its own network (what a pod sandbox has). Probe seconds are shortened
// (msPerSecond) so that thresholds are crossed in a few hundred milliseconds.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import { ProbeManager } from '../../agent/kubelet/probes/ProbeManager.ts';
import type { Probe } from '../../agent/kubelet/probes/probeTypes.ts';
import { DockerRuntime } from '../../agent/kubelet/runtime/DockerRuntime.ts';
import { execCapture } from '../../agent/kubelet/runtime/execCapture.ts';
import type { ProbeTarget } from '../../agent/kubelet/sync/podSyncDeps.ts';
import type { Container } from '../../shared/model/types.ts';
import {
  createRunId,
  describeDocker,
  dockerClient,
  removeTestContainers,
  TEST_IMAGE,
  testLabel,
} from '../support/docker.ts';

const MS_PER_SECOND = 100;
/** Serves /w on 8080 (httpd forks into the background), nothing on 9091; `sleep` keeps it running. */
const SERVE = ['sh', '-c', 'mkdir -p /w && echo ok > /w/healthz && httpd -p 8080 -h /w && exec sleep 300'];

describeDocker('ProbeManager on DockerRuntime', () => {
  const runId = createRunId();
  const docker = dockerClient();
  const rt = new DockerRuntime(docker);
  const events: EventRecord[] = [];
  const manager = new ProbeManager({
    runtime: rt,
    recorder: { record: (e) => events.push(e) },
    msPerSecond: MS_PER_SECOND,
  });
  let n = 0;
  let containerId = '';
  let podIP = '';

  beforeAll(async () => {
    containerId = await rt.createContainer({
      name: `shoal-probes-${runId}`,
      image: TEST_IMAGE,
      command: SERVE,
      labels: testLabel(runId),
    });
    await rt.startContainer(containerId);
    podIP = (await rt.inspectContainer(containerId)).ipAddress ?? '';
    // httpd is up once it answers a request from inside.
    await waitFor(async () => {
      const r = await execCapture(rt, containerId, ['wget', '-qO-', 'http://127.0.0.1:8080/healthz'], {
        timeoutMs: 2000,
        maxBytes: 100,
      });
      return r.exitCode === 0;
    });
  });
  afterAll(async () => {
    manager.stop();
    await removeTestContainers(runId, docker);
  });

  /** A target for the test container, as if it were a new run of pod container `name`. */
  function target(container: Partial<Container>): ProbeTarget {
    const name = `c${++n}`;
    return {
      podUid: `uid-${n}`,
      podKey: 'probes/pod',
      containerName: name,
      // Each target is a distinct "run" for the manager, all on the same real container.
      containerId: `${containerId}#${n}`,
      podIP,
      container: { name, image: TEST_IMAGE, ports: [{ name: 'web', containerPort: 8080 }], ...container },
      startedAt: new Date(),
    };
  }

  function messages(name: string): string[] {
    return events
      .filter((e) => e.involvedObject.fieldPath === `spec.containers{${name}}`)
      .map((e) => e.message);
  }

  const fast = (p: Probe): Probe => ({ periodSeconds: 2, timeoutSeconds: 10, failureThreshold: 2, ...p });

  it('runs http and tcp probes against the container IP', async () => {
    expect(podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const http = target({ readinessProbe: fast({ httpGet: { port: 'web', path: '/healthz' } }) });
    const tcp = target({ livenessProbe: fast({ tcpSocket: { port: 9091 } }) });
    const tcpOk = target({ readinessProbe: fast({ tcpSocket: { port: 8080 } }) });
    manager.sync([http, tcp, tcpOk]);
    await waitFor(() => manager.readiness(http.podUid)[http.containerName] === true);
    await waitFor(() => manager.readiness(tcpOk.podUid)[tcpOk.containerName] === true);
    await waitFor(() => manager.livenessFailed(tcp.containerId));
    expect(messages(tcp.containerName)).toEqual(
      Array(2).fill(`Liveness probe failed: dial tcp ${podIP}:9091: connect: connection refused`),
    );

    // The page goes away: readiness follows after failureThreshold failures.
    await execCapture(rt, containerId, ['rm', '/w/healthz'], { timeoutMs: 5000, maxBytes: 100 });
    await waitFor(() => manager.readiness(http.podUid)[http.containerName] === false);
    expect(messages(http.containerName)).toContain(
      'Readiness probe failed: HTTP probe failed with statuscode: 404',
    );
    manager.sync([]);
  });

  it('runs exec probes in the container, the startup probe first', async () => {
    const t = target({
      startupProbe: fast({ exec: { command: ['test', '-f', '/tmp/started'] }, failureThreshold: 100 }),
      livenessProbe: fast({ exec: { command: ['sh', '-c', 'echo sick >&2; exit 1'] } }),
      readinessProbe: fast({ exec: { command: ['true'] } }),
    });
    t.containerId = containerId; // exec needs the real engine id
    const changes: string[] = [];
    const off = manager.onChange((c) => changes.push(c.containerName));
    manager.sync([t]);
    await new Promise((r) => setTimeout(r, 8 * MS_PER_SECOND));
    expect(manager.started(t.podUid)).toEqual({ [t.containerName]: false });
    expect(manager.readiness(t.podUid)).toEqual({ [t.containerName]: false });
    expect(manager.livenessFailed(t.containerId)).toBe(false);
    expect(messages(t.containerName).every((m) => m.startsWith('Startup probe failed: '))).toBe(true);

    await execCapture(rt, containerId, ['touch', '/tmp/started'], { timeoutMs: 5000, maxBytes: 100 });
    await waitFor(() => manager.started(t.podUid)[t.containerName] === true);
    await waitFor(() => manager.livenessFailed(t.containerId));
    expect(manager.readiness(t.podUid)).toEqual({ [t.containerName]: true });
    expect(messages(t.containerName)).toContain('Liveness probe failed: sick');
    expect(changes.length).toBeGreaterThanOrEqual(2);
    off();
    manager.sync([]);
  });

  it('fails an exec probe that outlives its timeout', async () => {
    const t = target({
      livenessProbe: fast({ exec: { command: ['sleep', '30'] }, timeoutSeconds: 3, failureThreshold: 1 }),
    });
    t.containerId = containerId;
    manager.sync([t]);
    await waitFor(() => manager.livenessFailed(t.containerId));
    expect(messages(t.containerName)).toEqual(['Liveness probe failed: command "sleep 30" timed out']);
    manager.sync([]);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
