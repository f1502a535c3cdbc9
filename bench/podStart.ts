// Pod start (issue 4 targets: p99 ≤ 1.5 s, and ≤ 2× `docker run`; Kubernetes' SLO is p99 ≤ 5 s): one real
// `shoal agent` at default timings, a cached image, 50 pods applied one after another through the local API
// (`POST /shoal/v1/apply`, what `shoal apply` sends), each timed from the request until the agent's watch
// shows the pod Running. Then the agent's steady state with 20 running pods that have exec and tcp probes:
// its CPU and RSS over 30 s, once the first pods' containers are gone and 20 s have passed (target ≤ 2% of a
// core).
//
// Baseline, in the same run: the same image started 50 times the way `docker run -d` does it (create, then
// start, through the engine's API, with dockerode), and 50 times with the docker CLI itself.
// Writes bench/results/podStart.json.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { LABELS } from '../agent/kubelet/plan/labels.ts';
import {
  type ApiEndpoint,
  apiRequest,
  openWatch,
  removeClusterContainers,
  removeContainersLabelled,
  sleep,
  startCluster,
} from './support/cluster.ts';
import { footprintOf, type ProcSample, sampleProcess } from './support/proc.ts';
import { median, percentile, printTable, round, writeResults } from './support/report.ts';

const IMAGE = 'shoal.test/busybox:1';
const PODS = 50;
const STEADY_PODS = 20;
const WINDOW_MS = 30_000;
const SETTLE_MS = 20_000;
const NODE = 'bench-kubelet';
const BASELINE_LABEL = 'shoal.bench';
const run$ = promisify(execFile);

function podManifest(name: string, probes: boolean): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'pod-start' } },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: probes ? ['sh', '-c', 'nc -lk -p 8080 -e true & exec sleep 3600'] : ['sleep', '3600'],
          ...(probes
            ? {
                livenessProbe: { exec: { command: ['true'] }, periodSeconds: 10 },
                readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 },
              }
            : {}),
        },
      ],
    },
  };
}

interface StartTimes {
  ms: number[];
  p50: number;
  p99: number;
  max: number;
}

function summarize(ms: number[]): StartTimes {
  return {
    ms: ms.map((v) => round(v)),
    p50: round(median(ms)),
    p99: round(percentile(ms, 99)),
    max: round(Math.max(...ms)),
  };
}

/** Applies pods one at a time and times each until the watch reports it Running. */
async function timePodStarts(api: ApiEndpoint, prefix: string, count: number, probes: boolean) {
  const running = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const ws = await openWatch(api, 'kind=Pod', (event, at) => {
    const obj = event.object as { metadata?: { name?: string }; status?: { phase?: string } };
    const name = obj.metadata?.name;
    if (!name || obj.status?.phase !== 'Running' || running.has(name)) return;
    running.set(name, at);
    waiters.get(name)?.();
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const name = `${prefix}-${i}`;
      const seen = new Promise<void>((resolve, reject) => {
        waiters.set(name, resolve);
        setTimeout(() => reject(new Error(`${name} was not Running within 30 s`)), 30_000).unref();
      });
      const started = performance.now();
      await apiRequest(api, 'POST', '/shoal/v1/apply', { objects: [podManifest(name, probes)] });
      await seen;
      times.push((running.get(name) ?? performance.now()) - started);
    }
  } finally {
    ws.close();
  }
  return times;
}

async function dockerApiStarts(docker: Docker): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < PODS; i++) {
    const started = performance.now();
    const c = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['sleep', '3600'],
      Labels: { [BASELINE_LABEL]: '1' },
      HostConfig: { AutoRemove: false },
    });
    await c.start();
    times.push(performance.now() - started);
  }
  return times;
}

async function dockerCliStarts(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < PODS; i++) {
    const started = performance.now();
    await run$('docker', ['run', '-d', '--label', `${BASELINE_LABEL}=1`, IMAGE, 'sleep', '3600']);
    times.push(performance.now() - started);
  }
  return times;
}

export async function run(): Promise<unknown> {
  const docker = new Docker();
  await removeContainersLabelled(BASELINE_LABEL, docker);
  const baselineApi = summarize(await dockerApiStarts(docker));
  await removeContainersLabelled(BASELINE_LABEL, docker);
  const baselineCli = summarize(await dockerCliStarts());
  await removeContainersLabelled(BASELINE_LABEL, docker);

  const cluster = await startCluster([NODE], { logFormat: 'json' });
  try {
    const api = await cluster.waitForApi(NODE);
    // The first pod also builds the sandbox image and warms the engine: not counted.
    await timePodStarts(api, 'warm', 1, false);
    const shoal = summarize(await timePodStarts(api, 'start', PODS, false));
    await apiRequest(api, 'DELETE', '/api/v1/namespaces/default/pods/warm-0?gracePeriodSeconds=0');
    for (let i = 0; i < PODS; i++) {
      await apiRequest(api, 'DELETE', `/api/v1/namespaces/default/pods/start-${i}?gracePeriodSeconds=0`);
    }
    // The deleted pods' containers are torn down by the kubelet: let that finish before the steady window.
    const deadline = performance.now() + 120_000;
    for (;;) {
      const left = await docker.listContainers({ all: true, filters: { label: [LABELS.podName] } });
      if (!left.some((c) => /^(warm|start)-/.test(c.Labels[LABELS.podName] ?? ''))) break;
      if (performance.now() > deadline)
        throw new Error('the deleted pods were not torn down within 2 minutes');
      await sleep(500);
    }
    await timePodStarts(api, 'steady', STEADY_PODS, true);
    const pid = cluster.agents.get(NODE)?.child.pid;
    if (pid === undefined) throw new Error('the agent has no pid');
    await sleep(SETTLE_MS);
    const samples: ProcSample[] = [];
    const end = performance.now() + WINDOW_MS;
    while (performance.now() < end) {
      samples.push(await sampleProcess(pid));
      await sleep(1000);
    }
    const steady = footprintOf(samples);
    const figures = {
      target: 'pod start p99 ≤ 1500 ms and ≤ 2× docker run; steady state ≤ 2% of a core with 20 probed pods',
      pods: PODS,
      shoal,
      baseline: { dockerApi: baselineApi, dockerCli: baselineCli },
      ratioP50ToDockerCli: round(shoal.p50 / baselineCli.p50, 2),
      ratioP99ToDockerCli: round(shoal.p99 / baselineCli.p99, 2),
      steady: { pods: STEADY_PODS, ...steady },
      meets: shoal.p99 <= 1500 && shoal.p99 <= 2 * baselineCli.p99 && steady.cpuPercent <= 2,
    };
    printTable([
      ['start', 'p50 ms', 'p99 ms', 'max ms'],
      ['shoal apply → Running', shoal.p50, shoal.p99, shoal.max],
      ['docker run (CLI)', baselineCli.p50, baselineCli.p99, baselineCli.max],
      ['create + start (engine API)', baselineApi.p50, baselineApi.p99, baselineApi.max],
    ]);
    printTable([
      ['steady state', 'pods', 'CPU % of a core', 'RSS MB'],
      ['agent', STEADY_PODS, round(steady.cpuPercent, 2), round(steady.rssMb)],
    ]);
    console.log(
      `ratio to docker run: p50 ${figures.ratioP50ToDockerCli}×, p99 ${figures.ratioP99ToDockerCli}×`,
    );
    await writeResults('podStart', figures);
    return figures;
  } finally {
    await cluster.close();
    await removeClusterContainers(cluster.key);
  }
}
