// The service proxy in a real two-agent cluster (issue 6 targets: local ≥ 80% and remote ≥ 50% of direct
// throughput, added latency p50 ≤ 0.3 ms; connection rate reported). One busybox httpd pod runs on agent B
// behind a Service; the bench process is the client and fetches, in the same run:
//   direct   the pod's IP, as a process on this host reaches the container without Shoal
//   local    B's service address: B's proxy dials its own pod directly
//   remote   A's service address: A's proxy reaches the pod over the swarm through B's agent (pod streams)
// Throughput: a 64 MiB file, 3 downloads each, median. Latency: 300 small requests on one keep-alive
// connection, p50/p99. Connection rate: new connections (request + close) per second, 8 at a time, 3 s.
// Writes bench/results/serviceCluster.json.
import http from 'node:http';
import type { Pod } from '../shared/model/types.ts';
import {
  type ApiEndpoint,
  apiRequest,
  removeClusterContainers,
  startCluster,
  until,
} from './support/cluster.ts';
import { median, percentile, printTable, round, writeResults } from './support/report.ts';

const A = 'svcb-a';
const B = 'svcb-b';
const BIG_MIB = 64;
const PORT = 8080;

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'sink', labels: { app: 'sink' } },
  spec: {
    nodeName: B,
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'httpd',
        image: 'shoal.test/busybox:1',
        command: [
          'sh',
          '-c',
          `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1048576 count=${BIG_MIB} 2>/dev/null && echo ok > /www/small && exec httpd -f -p ${PORT} -h /www`,
        ],
        ports: [{ containerPort: PORT }],
        readinessProbe: { tcpSocket: { port: PORT }, periodSeconds: 1 },
      },
    ],
  },
};

const SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'sink' },
  spec: { selector: { app: 'sink' }, ports: [{ port: PORT, targetPort: PORT }] },
};

/** Downloads `path` on a new connection; bytes per second. */
function download(host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let bytes = 0;
    const req = http.get({ host, port: PORT, path, agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => {
        if (bytes !== BIG_MIB * 1048576) reject(new Error(`${host}: got ${bytes} bytes`));
        else resolve(bytes / ((performance.now() - started) / 1000));
      });
    });
    req.on('error', reject);
  });
}

/** Per-request latency on one keep-alive connection, ms. */
async function latencies(host: string, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count + 20; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host, port: PORT, path: '/small', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          })
          .on('error', reject);
      });
      if (i >= 20) times.push(performance.now() - started); // the first ones warm up
    }
  } finally {
    agent.destroy();
  }
  return times;
}

/** New connections per second (a request and close each), `parallel` at a time for `ms`. */
async function connectionRate(host: string, parallel: number, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host, port: PORT, path: '/small', agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          })
          .on('error', reject);
      });
      done++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return done / (ms / 1000);
}

async function readyPod(api: ApiEndpoint): Promise<Pod | undefined> {
  const pod = await apiRequest<Pod>(api, 'GET', '/api/v1/namespaces/default/pods/sink');
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  return ready && pod.status?.podIP ? pod : undefined;
}

export async function run(): Promise<unknown> {
  const cluster = await startCluster([A, B], { logFormat: 'json' });
  try {
    const api = await cluster.waitForApi(A);
    await cluster.waitForApi(B);
    await apiRequest(api, 'POST', '/shoal/v1/apply', { objects: [POD, SERVICE] });
    await until('the sink pod Ready', async () => (await readyPod(api)) !== undefined, 90_000);
    const pod = (await readyPod(api)) as Pod;
    const paths = {
      direct: pod.status?.podIP as string,
      local: cluster.serviceAddress(B),
      remote: cluster.serviceAddress(A),
    };
    // Every agent's proxy has seen the Endpoints once a small request answers through it.
    for (const host of [paths.local, paths.remote]) {
      await until(
        `the Service answering on ${host}`,
        async () => (await latencies(host, 1)).length === 1,
        30_000,
      );
    }

    const throughput: Record<string, number> = {};
    const latency: Record<string, { p50: number; p99: number }> = {};
    const rate: Record<string, number> = {};
    for (const [name, host] of Object.entries(paths)) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) runs.push(await download(host, '/big'));
      throughput[name] = median(runs) / 1048576;
      const times = await latencies(host, 300);
      latency[name] = { p50: percentile(times, 50), p99: percentile(times, 99) };
      rate[name] = await connectionRate(host, 8, 3000);
    }
    const direct = throughput.direct as number;
    const figures = {
      target:
        'local ≥ 80% and remote ≥ 50% of direct throughput; added latency p50 ≤ 0.3 ms (local endpoint)',
      throughputMiBps: Object.fromEntries(Object.entries(throughput).map(([k, v]) => [k, round(v)])),
      throughputRatio: {
        local: round((throughput.local as number) / direct, 2),
        remote: round((throughput.remote as number) / direct, 2),
      },
      latencyMs: Object.fromEntries(
        Object.entries(latency).map(([k, v]) => [k, { p50: round(v.p50, 3), p99: round(v.p99, 3) }]),
      ),
      addedLatencyP50Ms: {
        local: round((latency.local?.p50 ?? 0) - (latency.direct?.p50 ?? 0), 3),
        remote: round((latency.remote?.p50 ?? 0) - (latency.direct?.p50 ?? 0), 3),
      },
      connectionsPerSecond: Object.fromEntries(Object.entries(rate).map(([k, v]) => [k, round(v)])),
    };
    printTable([
      ['path', 'MiB/s', 'of direct', 'p50 ms', 'p99 ms', 'conn/s'],
      ...Object.keys(paths).map((k) => [
        k,
        round(throughput[k] as number),
        `${Math.round(((throughput[k] as number) / direct) * 100)}%`,
        round(latency[k]?.p50 ?? 0, 3),
        round(latency[k]?.p99 ?? 0, 3),
        round(rate[k] as number),
      ]),
    ]);
    console.log(`wrote ${await writeResults('serviceCluster', figures)}`);
    return figures;
  } finally {
    await cluster.close();
    await removeClusterContainers(cluster.key);
  }
}
