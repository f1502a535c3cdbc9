// Service proxy, local endpoint (issue 6 targets: throughput ≥ 80% of direct; added latency p50 ≤ 0.3 ms;
// kube-proxy's userspace mode measured 36% of direct, its iptables mode 96%): the ServiceProxy (agent/proxy/)
// in this process, in front of a TCP server in another process on 127.0.0.1, against the same server dialled
// directly, in the same run. Not yet the whole agent (the proxy is wired in with issue 6), so the swarm path
// (remote endpoints) is not measured here. Writes bench/results/serviceProxy.json.
//
//   - throughput: one connection from a client process streams 512 MiB to the server, which discards it;
//     MB/s, best of 3.
//   - latency: 2,000 sequential request/response exchanges of 64 bytes on one connection; p50/p99 round trip.
//   - connection rate: new connections per second (connect, one exchange, close), 2,000 of them.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { ServiceProxy } from '../agent/proxy/ServiceProxy.ts';
import type { Endpoints, Service } from '../shared/model/types.ts';
import { median, percentile, printTable, round, writeResults } from './support/report.ts';

const STREAM_BYTES = 512 * 1024 * 1024;
const EXCHANGES = 2_000;
const CONNECTIONS = 2_000;
const PROXY_PORT = 39_080;

// The server runs in its own process, as a pod's would: discards on port P, echoes on port P+1.
const SERVER = `
const net = require('node:net');
const sink = net.createServer((s) => { s.on('data', () => {}); s.on('end', () => s.end()); });
const echo = net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); s.on('end', () => s.end()); });
sink.listen(0, '127.0.0.1', () => echo.listen(0, '127.0.0.1', () =>
  process.stdout.write(JSON.stringify({ sink: sink.address().port, echo: echo.address().port }) + '\\n')));
`;

function startServer(): Promise<{ child: ChildProcess; sink: number; echo: number }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) =>
      resolve({ child, ...(JSON.parse(d.toString()) as { sink: number; echo: number }) }),
    );
    child.once('error', reject);
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

// The streaming client runs in its own process too, so the proxy (in this process) has a core's share to
// itself as it would in an agent.
const CLIENT = `
const net = require('node:net');
const [port, total] = process.argv.slice(1).map(Number);
const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => {
  const chunk = Buffer.alloc(256 * 1024);
  const started = performance.now();
  let sent = 0;
  s.on('close', () => process.stdout.write(String(total / 1e6 / ((performance.now() - started) / 1000))));
  s.resume();
  const pump = () => {
    while (sent < total) { sent += chunk.length; if (!s.write(chunk)) return void s.once('drain', pump); }
    s.end();
  };
  pump();
});
`;

function throughput(port: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', CLIENT, String(port), String(STREAM_BYTES)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

async function roundTrips(port: number): Promise<number[]> {
  const s = await open(port);
  const message = Buffer.alloc(64, 1);
  const times: number[] = [];
  for (let i = 0; i < EXCHANGES; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= message.length) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
      s.write(message);
    });
    times.push(performance.now() - started);
  }
  s.end();
  return times;
}

async function connectionRate(port: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < CONNECTIONS; i++) {
    const s = await open(port);
    await new Promise<void>((resolve) => {
      s.once('data', () => resolve());
      s.write('x');
    });
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
    });
  }
  return CONNECTIONS / ((performance.now() - started) / 1000);
}

/** A Service listening on `port`, whose endpoint listens on `targetPort`. */
function service(name: string, port: number, targetPort: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port, targetPort, protocol: 'TCP' }] },
  } as Service;
}

function endpoints(name: string, port: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'default' },
    subsets: [{ addresses: [{ ip: '127.0.0.1', nodeName: 'here' }], ports: [{ port, protocol: 'TCP' }] }],
  } as Endpoints;
}

export async function run(): Promise<unknown> {
  const server = await startServer();
  const proxy = new ServiceProxy({
    logger: pino({ level: 'silent' }),
    dialer: {
      dial: (target) =>
        new Promise((resolve, reject) => {
          const s = connect({ host: target.ip, port: target.port, noDelay: true, allowHalfOpen: true }, () =>
            resolve(s),
          );
          s.once('error', reject);
        }),
    },
  });
  try {
    const sinkPort = PROXY_PORT;
    const echoPort = PROXY_PORT + 1;
    await proxy.update(
      [service('sink', sinkPort, server.sink), service('echo', echoPort, server.echo)],
      [endpoints('sink', server.sink), endpoints('echo', server.echo)],
      { service: ['127.0.0.1'], nodePort: [] },
    );
    const listening = proxy.listeners().filter((l) => l.state === 'listening').length;
    if (listening !== 2)
      throw new Error(`the proxy listens on ${listening} of 2 ports: ${JSON.stringify(proxy.listeners())}`);
    const best = async (port: number) =>
      Math.max(await throughput(port), await throughput(port), await throughput(port));
    const direct = {
      mbps: await best(server.sink),
      rtt: await roundTrips(server.echo),
      rate: await connectionRate(server.echo),
    };
    const proxied = {
      mbps: await best(sinkPort),
      rtt: await roundTrips(echoPort),
      rate: await connectionRate(echoPort),
    };
    const figures = {
      target: 'local throughput ≥ 80% of direct; added latency p50 ≤ 0.3 ms',
      throughputMBps: { direct: round(direct.mbps), proxied: round(proxied.mbps) },
      throughputRatio: round(proxied.mbps / direct.mbps, 3),
      roundTripMs: {
        direct: { p50: round(median(direct.rtt), 3), p99: round(percentile(direct.rtt, 99), 3) },
        proxied: { p50: round(median(proxied.rtt), 3), p99: round(percentile(proxied.rtt, 99), 3) },
      },
      addedLatencyP50Ms: round(median(proxied.rtt) - median(direct.rtt), 3),
      connectionsPerSecond: { direct: round(direct.rate), proxied: round(proxied.rate) },
      meets: proxied.mbps / direct.mbps >= 0.8 && median(proxied.rtt) - median(direct.rtt) <= 0.3,
    };
    printTable([
      ['local endpoint', 'MB/s', 'round trip p50 ms', 'p99 ms', 'connections/s'],
      [
        'direct',
        figures.throughputMBps.direct,
        figures.roundTripMs.direct.p50,
        figures.roundTripMs.direct.p99,
        figures.connectionsPerSecond.direct,
      ],
      [
        'through the proxy',
        figures.throughputMBps.proxied,
        figures.roundTripMs.proxied.p50,
        figures.roundTripMs.proxied.p99,
        figures.connectionsPerSecond.proxied,
      ],
    ]);
    console.log(
      `throughput ${round(figures.throughputRatio * 100)}% of direct; added latency p50 ${figures.addedLatencyP50Ms} ms`,
    );
    await writeResults('serviceProxy', figures);
    return figures;
  } finally {
    proxy.close();
    server.child.kill();
  }
}
