// Two `shoal agent` processes on the real Docker engine: a pod applied through agent A runs on agent B's
// node, its status and events are seen from A, its logs and a shell are reached from A through the swarm,
// B survives SIGKILL and a restart without touching the pod's containers, and deletion from A stops it.
import { spawn } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import type { Pod } from '../../shared/model/types.ts';
import { eventually, TestCluster } from '../support/agentProcesses.ts';
import { describeDocker, TEST_IMAGE } from '../support/docker.ts';
import { runShoal, SHOAL_BIN } from '../support/runShoal.ts';

const cluster = new TestCluster();
const docker = new Docker();
const A = 'kube-a';
const B = 'kube-b';

const POD = `
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  nodeName: ${B}
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${TEST_IMAGE}
    command: [sh, -c, 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done']
`;

const onA = (args: string[], stdin?: string) => runShoal(['--data-dir', cluster.dir(A), ...args], { stdin });

async function podFromA(): Promise<Pod | undefined> {
  const r = await onA(['get', 'pod', 'ticker', '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as Pod) : undefined;
}

async function containerIds(uid: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABELS.podUid}=${uid}`] } });
  return list.map((c) => `${c.Id}:${c.State}`).sort();
}

describeDocker('the kubelet in a two-agent cluster', () => {
  beforeAll(async () => {
    await cluster.init(A);
    cluster.start(A);
    cluster.start(B);
    await eventually(
      'two Ready nodes',
      async () => {
        const r = await onA(['get', 'nodes', '-o', 'json']);
        const nodes = JSON.parse(r.stdout) as {
          items: { status?: { conditions?: { type: string; status: string }[] } }[];
        };
        const ready = nodes.items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return ready.length === 2 ? true : undefined;
      },
      30_000,
      () => cluster.logs(),
    );
  }, 60_000);
  afterAll(() => cluster.close(), 30_000);

  it('runs a pod applied on A on B, with its status and events visible from A', {
    timeout: 60_000,
  }, async () => {
    const applied = await onA(['apply', '-f', '-'], POD);
    expect(applied.code, applied.stderr).toBe(0);
    const pod = await eventually(
      'ticker Running, seen from A',
      async () => {
        const p = await podFromA();
        return p?.status?.phase === 'Running' ? p : undefined;
      },
      30_000,
      () => cluster.logs(),
    );
    expect(pod.status?.hostIP).toBe('127.0.0.1');
    const containers = await docker.listContainers({
      filters: { label: [`${LABELS.podUid}=${pod.metadata.uid}`] },
    });
    expect(new Set(containers.map((c) => c.Labels[LABELS.node]))).toEqual(new Set([B]));
    const events = await eventually(
      "B's events, listed on A",
      async () => {
        const r = await onA(['get', 'events']);
        return r.stdout.includes('Started container app') ? r.stdout : undefined;
      },
      15_000,
    );
    expect(events).toContain('pod/ticker');
  });

  it("streams the pod's logs and runs a command in it from A, through the swarm", {
    timeout: 60_000,
  }, async () => {
    const logs = await onA(['logs', 'ticker', '--tail', '3']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.trim().split('\n')).toHaveLength(3);
    expect(logs.stdout).toMatch(/^tick-\d+$/m);

    // -f keeps streaming: new lines arrive while it runs.
    const follow = spawn(process.execPath, [SHOAL_BIN, 'logs', '-f', 'ticker', '--data-dir', cluster.dir(A)]);
    let followed = '';
    follow.stdout.on('data', (d: Buffer) => {
      followed += d.toString();
    });
    try {
      await eventually(
        'ten lines from logs -f',
        async () =>
          followed.split('\n').filter((l) => l.startsWith('tick-')).length >= 10 ? true : undefined,
        15_000,
      );
    } finally {
      follow.kill('SIGINT');
    }
    const ticks = followed
      .split('\n')
      .filter((l) => l.startsWith('tick-'))
      .map((l) => Number(l.slice(5)));
    expect(ticks.at(-1)).toBeGreaterThan(ticks[0] ?? 0);

    const exec = await onA(['exec', 'ticker', '--', 'sh', '-c', 'hostname; exit 7']);
    expect(exec.stdout.trim(), JSON.stringify(exec)).toBe('ticker');
    expect(exec.code).toBe(7);
    const stdin = await onA(['exec', '-i', 'ticker', '--', 'cat'], 'through the swarm\n');
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).toBe('through the swarm\n');
  });

  it('keeps the pod untouched through a SIGKILL and restart of its agent', { timeout: 60_000 }, async () => {
    const pod = await podFromA();
    const uid = pod?.metadata.uid ?? '';
    const before = await containerIds(uid);
    expect(before.length).toBe(2);
    await cluster.kill(B, 'SIGKILL');
    cluster.start(B);
    await eventually(
      'B back with its API',
      async () => {
        const r = await runShoal(['status', '-o', 'json', '--data-dir', cluster.dir(B)]);
        return r.code === 0 ? true : undefined;
      },
      30_000,
      () => cluster.logs(),
    );
    // Give the restarted kubelet several syncs to (wrongly) act.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await containerIds(uid)).toEqual(before);
    const after = await podFromA();
    expect(after?.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(after?.status?.phase).toBe('Running');
  });

  it('deletes the pod from A: B stops its containers within the grace period', {
    timeout: 60_000,
  }, async () => {
    const uid = (await podFromA())?.metadata.uid ?? '';
    const started = Date.now();
    const r = await onA(['delete', 'pod', 'ticker', '--timeout', '20s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pod "ticker" deleted');
    const elapsed = Date.now() - started;
    expect(await containerIds(uid)).toEqual([]);
    expect(elapsed).toBeLessThan(15_000);
    expect((await onA(['get', 'pod', 'ticker'])).code).toBe(1);
  });
});
