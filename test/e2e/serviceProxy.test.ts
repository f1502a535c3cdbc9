// The service proxy with two `shoal agent` processes on the real Docker engine. Three echo pods (each
// answers its own name) run on both nodes behind a ClusterIP and a NodePort Service, and:
//   - a client of agent A reaches pods on agent B (over the swarm) and connections spread over all three;
//   - every agent serves every Service, and the NodePort on every agent;
//   - a killed endpoint container costs no client a failed request;
//   - a failing readiness probe takes an endpoint out;
//   - a pod finds the Service by name (DNS) and by its environment variables.
// Agent A serves the host's pods on the Docker bridge (ports and DNS on :53); B's pods use it too, as under
// `shoal up`, since both agents share this machine's engine.
import http from 'node:http';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApiInfo } from '../../agent/api/apiInfo.ts';
import type { ProxyStatus } from '../../agent/api/proxyApi.ts';
import { LABELS } from '../../agent/kubelet/plan/labels.ts';
import type { Endpoints, Pod } from '../../shared/model/types.ts';
import { eventually, TestCluster } from '../support/agentProcesses.ts';
import { describeDocker, TEST_IMAGE } from '../support/docker.ts';
import { runShoal } from '../support/runShoal.ts';

const cluster = new TestCluster();
const docker = new Docker();
const A = 'svc-a';
const B = 'svc-b';
// A NodePort in the range that no other test uses.
const NODE_PORT = 30000 + (process.pid % 2000);

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 3
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: echo
        image: ${TEST_IMAGE}
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && echo ok > /www/ready && exec httpd -f -p 8080 -h /www']
        ports: [{name: http, containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /ready, port: http}
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: echo-np}
spec:
  type: NodePort
  selector: {app: echo}
  ports: [{port: 8081, targetPort: 8080, nodePort: ${NODE_PORT}}]
`;

const onA = (args: string[], stdin?: string) => runShoal(['--data-dir', cluster.dir(A), ...args], { stdin });

async function getJson<T>(args: string[]): Promise<T> {
  const r = await onA([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`shoal ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** One HTTP GET on a new connection; the body (an echo pod's name), or the error's code. */
function fetchOnce(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function fetchMany(
  host: string,
  port: number,
  count: number,
): Promise<{ answers: string[]; errors: string[] }> {
  const answers: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      answers.push(await fetchOnce(host, port));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return { answers, errors };
}

const count = (values: string[]) =>
  values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());

async function readyEchoPods(): Promise<Pod[]> {
  const list = await getJson<{ items: Pod[] }>(['get', 'pods', '-l', 'app=echo']);
  return list.items.filter(
    (p) =>
      !p.metadata.deletionTimestamp &&
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

async function readyAddresses(name: string): Promise<number> {
  const ep = await getJson<Endpoints>(['get', 'endpoints', name]);
  return (ep.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

describeDocker('the service proxy with two agents', () => {
  let pods: Pod[] = [];

  beforeAll(async () => {
    await cluster.init(A);
    cluster.start(A, [], { podServices: true });
    cluster.start(B);
    await eventually(
      'two Ready nodes',
      async () => {
        const nodes = await getJson<{
          items: { status?: { conditions?: { type: string; status: string }[] } }[];
        }>(['get', 'nodes']);
        const ready = nodes.items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return ready.length === 2 ? true : undefined;
      },
      30_000,
      () => cluster.logs(),
    );
    const applied = await onA(['apply', '-f', '-'], MANIFESTS);
    expect(applied.code, applied.stderr).toBe(0);
    pods = await eventually(
      'three Ready echo pods on both nodes, all in the Endpoints',
      async () => {
        const ready = await readyEchoPods();
        const nodes = new Set(ready.map((p) => p.spec.nodeName));
        if (ready.length !== 3 || nodes.size !== 2) return undefined;
        return (await readyAddresses('echo')) === 3 ? ready : undefined;
      },
      60_000,
      () => cluster.logs(),
    );
  }, 120_000);
  afterAll(() => cluster.close(), 30_000);

  it('lets a client of agent A reach pods on agent B, spreading connections over the three endpoints', {
    timeout: 30_000,
  }, async () => {
    const { answers, errors } = await fetchMany(cluster.serviceAddress(A), 80, 30);
    expect(errors).toEqual([]);
    const byPod = count(answers);
    expect([...byPod.keys()].sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    // Round-robin: each endpoint gets its share.
    for (const n of byPod.values()) expect(n).toBeGreaterThanOrEqual(8);
    const onB = pods.filter((p) => p.spec.nodeName === B).map((p) => p.metadata.name);
    expect(onB.length).toBeGreaterThan(0);
    for (const name of onB) expect(byPod.get(name)).toBeGreaterThan(0);
  });

  it('serves every Service on every agent, and the NodePort on every agent', {
    timeout: 30_000,
  }, async () => {
    for (const agent of [A, B]) {
      const address = cluster.serviceAddress(agent);
      const viaClusterPort = await fetchMany(address, 80, 6);
      expect(viaClusterPort.errors, `${agent} port 80`).toEqual([]);
      const viaNodePort = await fetchMany(address, NODE_PORT, 6);
      expect(viaNodePort.errors, `${agent} node port`).toEqual([]);
      expect(new Set(viaNodePort.answers).size).toBe(3);
    }
    // Each agent reports its listeners: the NodePort among them, listening.
    for (const agent of [A, B]) {
      const info = await readApiInfo(cluster.dir(agent));
      const res = await fetch(`${info?.url}/shoal/v1/proxy`, {
        headers: { authorization: `Bearer ${info?.token}` },
      });
      const status = (await res.json()) as ProxyStatus;
      expect(status.serviceAddress).toBe(cluster.serviceAddress(agent));
      expect(status.listeners.filter((l) => l.port === NODE_PORT).map((l) => l.state)).toContain('listening');
      expect(status.listeners.filter((l) => l.state === 'failed')).toEqual([]);
    }
  });

  it('finds a Service by name and by environment variables from inside a pod', {
    timeout: 60_000,
  }, async () => {
    const client = `
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  restartPolicy: Never
  containers:
  - name: client
    image: ${TEST_IMAGE}
    command: [sh, -c, 'echo "env=$ECHO_SERVICE_HOST:$ECHO_SERVICE_PORT"; echo "short=$(wget -qO- http://echo/)"; echo "fqdn=$(wget -qO- http://echo.default.svc.cluster.local/)"; echo "ns=$(wget -qO- http://echo.default/)"']
`;
    const applied = await onA(['apply', '-f', '-'], client);
    expect(applied.code, applied.stderr).toBe(0);
    await eventually(
      'the client pod to finish',
      async () => {
        const pod = await getJson<Pod>(['get', 'pod', 'client']);
        return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' ? true : undefined;
      },
      40_000,
      () => cluster.logs(),
    );
    const logs = await onA(['logs', 'client']);
    const names = pods.map((p) => p.metadata.name);
    const line = (key: string) =>
      logs.stdout
        .split('\n')
        .find((l) => l.startsWith(`${key}=`))
        ?.slice(key.length + 1);
    expect(line('env'), logs.stdout).toMatch(/^\d+\.\d+\.\d+\.\d+:80$/);
    for (const key of ['short', 'fqdn', 'ns']) expect(names, `${key}: ${logs.stdout}`).toContain(line(key));
  });

  it('takes a pod whose readiness probe fails out of the Service', { timeout: 60_000 }, async () => {
    const target = pods[0] as Pod;
    const r = await onA(['exec', target.metadata.name, '--', 'rm', '/www/ready']);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'two ready addresses',
      async () => ((await readyAddresses('echo')) === 2 ? true : undefined),
      15_000,
    );
    // Give every agent's proxy a moment to see the new Endpoints (they follow the document).
    await eventually(
      'no answers from the unready pod through A and B',
      async () => {
        for (const agent of [A, B]) {
          const { answers, errors } = await fetchMany(cluster.serviceAddress(agent), 80, 8);
          if (errors.length > 0 || answers.includes(target.metadata.name)) return undefined;
        }
        return true;
      },
      10_000,
    );
    const { answers, errors } = await fetchMany(cluster.serviceAddress(A), 80, 20);
    expect(errors).toEqual([]);
    expect(answers).not.toContain(target.metadata.name);
    // Ready again: back in.
    const back = await onA(['exec', target.metadata.name, '--', 'sh', '-c', 'echo ok > /www/ready']);
    expect(back.code, back.stderr).toBe(0);
    await eventually(
      'three ready addresses',
      async () => ((await readyAddresses('echo')) === 3 ? true : undefined),
      15_000,
    );
  });

  describe('when an endpoint container is killed', () => {
    it('sends new connections to the others with no client error', { timeout: 60_000 }, async () => {
      // Kill the echo container of a pod on B: A's proxy reaches it over the swarm, so the failover is the
      // remote agent's refusal travelling back. The pod's sandbox keeps its IP, so the port refuses at once.
      const victim = pods.find((p) => p.spec.nodeName === B) as Pod;
      const containers = await docker.listContainers({
        filters: { label: [`${LABELS.podUid}=${victim.metadata.uid}`, `${LABELS.containerName}=echo`] },
      });
      expect(containers.length).toBe(1);
      const killedAt = Date.now();
      await docker.getContainer(containers[0]?.Id as string).kill();
      // Bound: zero failed requests from the moment of the kill; the proxy skips the refusing endpoint.
      const during = await fetchMany(cluster.serviceAddress(A), 80, 30);
      expect(during.errors).toEqual([]);
      const fromOthers = during.answers.filter((a) => a !== victim.metadata.name);
      expect(fromOthers.length).toBeGreaterThanOrEqual(20);
      const elapsed = Date.now() - killedAt;
      console.log(`30 requests in ${elapsed} ms after killing an endpoint container: 0 errors`);
      // The kubelet restarts the container and the pod becomes Ready again.
      await eventually(
        'three ready addresses again',
        async () => ((await readyAddresses('echo')) === 3 ? true : undefined),
        30_000,
      );
    });
  });
});
