// The control plane with three real agents and real containers (issue 5's end-to-end list): a deployment
// spreads over the nodes, a rolling update never drops below its availability bound, `rollout undo`
// works, a job runs to completion, a new agent gets its DaemonSet pod, `drain` empties a node, and after
// an agent is killed with SIGKILL its pods run elsewhere.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readApiInfo } from '../../agent/api/apiInfo.ts';
import type { Pod } from '../../shared/model/types.ts';
import { eventually, TestCluster } from '../support/agentProcesses.ts';
import { describeDocker, TEST_IMAGE } from '../support/docker.ts';
import { runShoal } from '../support/runShoal.ts';

const cluster = new TestCluster();
const NODES = ['cp-a', 'cp-b', 'cp-c'];
const LATE = 'cp-d';
const REPLICAS = 6;

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: ${TEST_IMAGE}
        command: [sleep, '3600']
        readinessProbe: {exec: {command: ['true']}, periodSeconds: 1}
`;

const DAEMONSET = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: app, image: ${TEST_IMAGE}, command: [sleep, '3600']}
`;

const JOB = `
apiVersion: batch/v1
kind: Job
metadata: {name: count}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: app, image: ${TEST_IMAGE}, command: [sh, -c, 'sleep 1; echo done']}
`;

const shoal = (args: string[], stdin?: string, on = NODES[0] as string) =>
  runShoal(['--data-dir', cluster.dir(on), ...args], { stdin });

/** Pods straight from an agent's API: the CLI is too slow to sample every 200 ms. */
async function podsVia(node: string, selector: string): Promise<Pod[]> {
  const info = await readApiInfo(cluster.dir(node));
  if (!info) throw new Error(`${node} has no api.json`);
  const res = await fetch(
    `${info.url}/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`,
    {
      headers: { authorization: `Bearer ${info.token}` },
    },
  );
  if (!res.ok) throw new Error(`listing pods: ${res.status}`);
  return ((await res.json()) as { items: Pod[] }).items;
}

const live = (p: Pod) => p.metadata.deletionTimestamp === undefined;
const ready = (p: Pod) =>
  live(p) && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const running = (p: Pod) => live(p) && p.status?.phase === 'Running';

function perNode(pods: Pod[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pods) counts[p.spec.nodeName ?? '?'] = (counts[p.spec.nodeName ?? '?'] ?? 0) + 1;
  return counts;
}

describeDocker('the control plane with three agents', () => {
  beforeAll(async () => {
    await cluster.init(NODES[0] as string);
    for (const n of NODES) cluster.start(n);
    await eventually(
      'three Ready nodes and a leader',
      async () => {
        const r = await shoal(['get', 'nodes', '-o', 'json']);
        if (r.code !== 0) return undefined;
        const nodes = JSON.parse(r.stdout) as {
          items: { status?: { conditions?: { type: string; status: string }[] } }[];
        };
        const readyNodes = nodes.items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return readyNodes.length === 3 ? true : undefined;
      },
      45_000,
      () => cluster.logs(),
    );
  }, 60_000);
  afterAll(() => cluster.close(), 60_000);

  it('spreads a 6-replica deployment 2/2/2', { timeout: 90_000 }, async () => {
    const r = await shoal(['apply', '-f', '-'], DEPLOYMENT);
    expect(r.code, r.stderr).toBe(0);
    const status = await shoal(['rollout', 'status', 'deploy/web', '--timeout', '60s']);
    expect(status.code, status.stdout + status.stderr + cluster.logs()).toBe(0);
    expect(status.stdout).toContain('successfully rolled out');
    const pods = (await podsVia(NODES[0] as string, 'app=web')).filter(running);
    expect(pods).toHaveLength(REPLICAS);
    expect(perNode(pods)).toEqual({ 'cp-a': 2, 'cp-b': 2, 'cp-c': 2 });
  });

  it('keeps Ready pods at or above replicas − maxUnavailable through a rolling update, and undoes it', {
    timeout: 120_000,
  }, async () => {
    let lowest = Number.POSITIVE_INFINITY;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const pods = await podsVia(NODES[1] as string, 'app=web').catch(() => undefined);
        if (pods) {
          lowest = Math.min(lowest, pods.filter(ready).length);
          samples++;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      const restart = await shoal(['rollout', 'restart', 'deploy/web']);
      expect(restart.code, restart.stderr).toBe(0);
      const status = await shoal(['rollout', 'status', 'deploy/web', '--timeout', '90s']);
      expect(status.code, status.stdout + status.stderr).toBe(0);
    } finally {
      sampling = false;
      await sampler;
    }
    expect(samples).toBeGreaterThan(10);
    expect(lowest).toBeGreaterThanOrEqual(REPLICAS - 1);

    const history = await shoal(['rollout', 'history', 'deploy/web']);
    expect(history.stdout).toMatch(/^2\s/m);
    const undo = await shoal(['rollout', 'undo', 'deploy/web']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('rolled back');
    const again = await shoal(['rollout', 'status', 'deploy/web', '--timeout', '90s']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const deploy = JSON.parse((await shoal(['get', 'deploy', 'web', '-o', 'json'])).stdout) as {
      spec: { template: { metadata?: { annotations?: Record<string, string> } } };
    };
    expect(deploy.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
  });

  it('runs a job to completion', { timeout: 90_000 }, async () => {
    const r = await shoal(['apply', '-f', '-'], JOB);
    expect(r.code, r.stderr).toBe(0);
    const wait = await shoal(['wait', '--for=condition=complete', 'job/count', '--timeout', '60s']);
    expect(wait.code, wait.stdout + wait.stderr).toBe(0);
    const job = JSON.parse((await shoal(['get', 'job', 'count', '-o', 'json'])).stdout) as {
      status: { succeeded?: number };
    };
    expect(job.status.succeeded).toBe(3);
  });

  it('gives a new agent its DaemonSet pod', { timeout: 90_000 }, async () => {
    const r = await shoal(['apply', '-f', '-'], DAEMONSET);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'a DaemonSet pod Running on each of the three nodes',
      async () => {
        const pods = (await podsVia(NODES[0] as string, 'app=agent')).filter(running);
        return Object.keys(perNode(pods)).length === 3 ? true : undefined;
      },
      45_000,
    );
    cluster.start(LATE);
    await eventually(
      `a DaemonSet pod Running on ${LATE}`,
      async () => {
        const pods = (await podsVia(NODES[0] as string, 'app=agent')).filter(running);
        return pods.some((p) => p.spec.nodeName === LATE) ? true : undefined;
      },
      60_000,
      () => cluster.logs(),
    );
  });

  it('drains a node: its pods leave, DaemonSet pods stay', { timeout: 90_000 }, async () => {
    const target = NODES[1] as string;
    const drain = await shoal(['drain', target, '--ignore-daemonsets', '--timeout', '60s']);
    expect(drain.code, drain.stdout + drain.stderr).toBe(0);
    expect(drain.stdout).toContain(`node/${target} drained`);
    const web = (await podsVia(NODES[0] as string, 'app=web')).filter(live);
    expect(web.some((p) => p.spec.nodeName === target)).toBe(false);
    await eventually(
      'the deployment back to 6 Running pods elsewhere',
      async () =>
        (await podsVia(NODES[0] as string, 'app=web')).filter(running).length === REPLICAS ? true : undefined,
      60_000,
    );
    const agentPods = (await podsVia(NODES[0] as string, 'app=agent')).filter(running);
    expect(agentPods.some((p) => p.spec.nodeName === target)).toBe(true);
    expect((await shoal(['uncordon', target])).code).toBe(0);
  });

  it('runs the pods of a SIGKILLed agent elsewhere, and stops them there when it comes back', {
    timeout: 180_000,
  }, async () => {
    const status = JSON.parse((await shoal(['status', '-o', 'json'])).stdout) as {
      leader?: { name: string };
    };
    const pods = (await podsVia(NODES[0] as string, 'app=web')).filter(running);
    const victim = Object.keys(perNode(pods)).find((n) => n !== status.leader?.name && n !== NODES[0]);
    if (!victim) throw new Error(`no node to kill among ${JSON.stringify(perNode(pods))}`);
    await cluster.kill(victim, 'SIGKILL');
    const watcher = NODES[0] as string;
    await eventually(
      `${REPLICAS} web pods Running on nodes other than ${victim}`,
      async () => {
        const now = (await podsVia(watcher, 'app=web'))
          .filter(running)
          .filter((p) => p.spec.nodeName !== victim);
        return now.length === REPLICAS ? true : undefined;
      },
      90_000,
      () => cluster.logs(),
    );
    // Back again: its kubelet stops and removes the pods that were evicted from it.
    cluster.start(victim);
    await eventually(
      `the pods evicted from ${victim} gone once it is back`,
      async () => {
        const left = (await podsVia(watcher, 'app=web')).filter((p) => p.spec.nodeName === victim);
        return left.length === 0 ? true : undefined;
      },
      60_000,
      () => cluster.logs(),
    );
  });
});
