// Pod-streams port-forward throughput over a real swarm connection, without Docker or agent processes, to
// find and follow the cost of the remote Service path (issue 6: remote ≥ 50% of direct). Two SwarmNodes on
// a private loopback testnet in this process; B's PodStreams serves a "pod" whose sandbox address is
// 127.0.0.1, where a TCP server stands in for the container. In the same run:
//   direct     a TCP download from that server (the baseline)
//   raw        the ceiling of the swarm connection: 64 KiB messages on a bare protomux channel
//   forward    a port-forward session's events, pulled as the API does
//   duplex     the same through sessionStream, read as the service proxy reads it
//   upload     bytes written into a port-forward session (client → pod)
// Both agents share this process (and its one JS thread), so the figures are lower than two agents'.
// What it showed (Dec 2026): forward ≈ raw (both 45–110 MiB/s), while a TCP download is > 1 GiB/s here: the
// swarm connection (UDX, 1,500-byte packets, BBR with millisecond timers) is the ceiling, not pod streams.
// Environment: SIZE_MIB (default 64), RUNS (default 3), ONLY=raw,forward… (some measures), PROFILE=dir. Writes
// bench/results/podStreamThroughput.json.
import { writeFile } from 'node:fs/promises';
import inspector from 'node:inspector/promises';
import net from 'node:net';
import path from 'node:path';
import c from 'compact-encoding';
import createTestnet from 'hyperdht/testnet.js';
import pino from 'pino';
import { containerLabels, SANDBOX_CONTAINER_NAME } from '../agent/kubelet/plan/labels.ts';
import type { ObservedContainer } from '../agent/kubelet/runtime/ContainerRuntime.ts';
import { FakeRuntime } from '../agent/kubelet/runtime/FakeRuntime.ts';
import { PEER_ID_ANNOTATION } from '../agent/node/nodeInfo.ts';
import { PodStreams } from '../agent/podstreams/PodStreams.ts';
import { sessionStream } from '../agent/proxy/sessionStream.ts';
import type { Node, Pod } from '../shared/model/types.ts';
import { MemoryClusterStore } from '../shared/store/MemoryClusterStore.ts';
import { SwarmNode } from '../shared/swarm/SwarmNode.ts';
import type { SwarmPeer } from '../shared/swarm/SwarmPeer.ts';
import { generateSwarmKey } from '../shared/swarm/swarmKey.ts';
import { median, printTable, round, writeResults } from './support/report.ts';

const SIZE = Number(process.env.SIZE_MIB ?? 64) * 1048576;
const RUNS = Number(process.env.RUNS ?? 3);
const CHUNK = Buffer.alloc(256 * 1024, 7);
const logger = pino({ level: 'silent' });

/** A FakeRuntime whose containers are at 127.0.0.1, so a port-forward dials the stand-in server. */
class LoopbackRuntime extends FakeRuntime {
  override async listContainers(filter: { labels: Record<string, string> }): Promise<ObservedContainer[]> {
    return (await super.listContainers(filter)).map((c) => ({ ...c, ipAddress: '127.0.0.1' }));
  }
}

/** Writes SIZE bytes to each connection and ends it; counts and discards what it is sent. */
function standInPod(): Promise<{ server: net.Server; port: number; received: () => number }> {
  let received = 0;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.on('error', () => {});
    socket.once('data', (first: Buffer) => {
      if (first[0] !== 'G'.charCodeAt(0)) return; // an upload: only read
      let left = SIZE;
      const write = () => {
        while (left > 0) {
          const n = Math.min(left, CHUNK.length);
          left -= n;
          if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
            socket.once('drain', write);
            return;
          }
        }
        socket.end();
      };
      write();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({ server, port, received: () => received });
    }),
  );
}

function mibps(bytes: number, started: number): number {
  return bytes / 1048576 / ((performance.now() - started) / 1000);
}

async function direct(port: number): Promise<number> {
  const started = performance.now();
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.write('GET');
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  await new Promise((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  socket.destroy();
  if (bytes !== SIZE) throw new Error(`direct: got ${bytes} bytes`);
  return mibps(bytes, started);
}

/** The connection's ceiling: SIZE bytes as 64 KiB protomux messages, waiting for the stream's drain. */
async function raw(sender: SwarmPeer, receiver: SwarmPeer, attempt: number): Promise<number> {
  const protocol = `bench/raw/${attempt}`;
  let bytes = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const recv = receiver.mux.createChannel({ protocol });
  recv?.addMessage({
    encoding: c.raw,
    onmessage: (data: Uint8Array) => {
      bytes += data.byteLength;
      if (bytes >= SIZE) done();
    },
  });
  recv?.open();
  const send = sender.mux.createChannel({ protocol });
  if (!send || !recv) throw new Error('raw channel not created');
  const message = send.addMessage({ encoding: c.raw });
  send.open();
  await send.fullyOpened();
  const piece = CHUNK.subarray(0, 64 * 1024);
  const stream = sender.mux.stream as unknown as NodeJS.EventEmitter;
  const started = performance.now();
  let sent = 0;
  while (sent < SIZE) {
    sent += piece.length;
    if (!message.send(piece)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await finished;
  const result = mibps(bytes, started);
  send.close();
  recv.close();
  return result;
}

async function forward(streams: PodStreams, port: number): Promise<number> {
  const started = performance.now();
  const session = await streams.portForward('default', 'pod', port);
  await session.write(Buffer.from('GET'));
  let bytes = 0;
  for await (const event of session.events()) {
    if (event.type === 'data') bytes += event.data.length;
    else break; // the pod's end: the client would end its side now
  }
  session.close();
  if (bytes !== SIZE) throw new Error(`forward: got ${bytes} bytes`);
  return mibps(bytes, started);
}

async function duplex(streams: PodStreams, port: number): Promise<number> {
  const started = performance.now();
  const stream = sessionStream(await streams.portForward('default', 'pod', port));
  stream.write('GET');
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  await new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  stream.destroy();
  if (bytes !== SIZE) throw new Error(`duplex: got ${bytes} bytes`);
  return mibps(bytes, started);
}

async function upload(streams: PodStreams, port: number, received: () => number): Promise<number> {
  const before = received();
  const started = performance.now();
  const session = await streams.portForward('default', 'pod', port);
  await session.write(Buffer.from('PUT'));
  for (let sent = 0; sent < SIZE; sent += CHUNK.length) await session.write(CHUNK);
  session.endInput();
  const deadline = performance.now() + 60_000;
  while (received() - before < SIZE + 3 && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 1));
  session.close();
  return mibps(received() - before - 3, started);
}

/**
 * With PROFILE=dir, a CPU profile of each measure alone (not the start-up) goes to dir/NAME.cpuprofile;
 * `--cpu-prof` would mix in the loader, the testnet and the other measures.
 */
async function startProfile(name: string): Promise<(() => Promise<void>) | undefined> {
  const dir = process.env.PROFILE;
  if (!dir) return undefined;
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

function udxStats(peer: SwarmPeer): Record<string, unknown> {
  const udx = (peer.mux.stream as unknown as { rawStream?: Record<string, unknown> }).rawStream;
  if (!udx) return {};
  const names = ['mtu', 'rtt', 'cwnd', 'inflight', 'retransmits', 'rtoCount', 'fastRecoveries'];
  const stats: Record<string, unknown> = Object.fromEntries(names.map((n) => [n, udx[n]]));
  stats.packetsTransmitted = udx.packetsTransmitted;
  stats.bytesTransmitted = udx.bytesTransmitted;
  stats.packetsDroppedByKernel = udx.packetsDroppedByKernel;
  return stats;
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<unknown> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' });
  const key = generateSwarmKey();
  const swarm = () =>
    new SwarmNode({ swarmKey: key, bootstrap: testnet.bootstrap, host: '127.0.0.1', logger });
  const swarmA = swarm();
  const swarmB = swarm();
  const store = new MemoryClusterStore();
  const runtime = new LoopbackRuntime({ images: ['busybox'] });
  const streamsA = new PodStreams({ store, runtime, nodeName: 'node-a', swarm: swarmA, logger });
  const streamsB = new PodStreams({ store, runtime, nodeName: 'node-b', swarm: swarmB, logger });
  const pod = await standInPod();
  try {
    await Promise.all([swarmA.start(), swarmB.start()]);
    swarmA.dialAddresses(swarmB.publicKey, swarmB.ownAddresses());
    for (const [name, node] of [
      ['node-a', swarmA],
      ['node-b', swarmB],
    ] as const) {
      await store.create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, annotations: { [PEER_ID_ANNOTATION]: node.publicKey.toString('hex') } },
        spec: {},
      } as Node);
    }
    const created = (await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod', namespace: 'default' },
      spec: { nodeName: 'node-b', containers: [{ name: 'app', image: 'busybox' }] },
    } as Pod)) as Pod;
    const id = await runtime.createContainer({
      name: 'sandbox',
      image: 'busybox',
      labels: containerLabels({
        podUid: created.metadata.uid as string,
        podName: 'pod',
        namespace: 'default',
        containerName: SANDBOX_CONTAINER_NAME,
        node: 'node-b',
        role: 'sandbox',
        attempt: 0,
      }),
    });
    await runtime.startContainer(id);
    await until('A and B to connect', () => swarmA.peers().length > 0 && swarmB.peers().length > 0);
    // The pod-streams channel opens just after the peer does.
    for (let i = 0; ; i++) {
      try {
        (await streamsA.portForward('default', 'pod', pod.port)).close();
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const peerOnA = swarmA.peers()[0] as SwarmPeer;
    const peerOnB = swarmB.peers()[0] as SwarmPeer;

    const only = process.env.ONLY?.split(',');
    const measures: Record<string, () => Promise<number>> = {
      direct: () => direct(pod.port),
      raw: (() => {
        let n = 0;
        return () => raw(peerOnB, peerOnA, n++);
      })(),
      forward: () => forward(streamsA, pod.port),
      duplex: () => duplex(streamsA, pod.port),
      upload: () => upload(streamsA, pod.port, pod.received),
    };
    const figures: Record<string, number> = {};
    for (const [name, measure] of Object.entries(measures)) {
      if (only && !only.includes(name)) continue;
      const runs: number[] = [];
      const profiler = await startProfile(name);
      for (let i = 0; i < RUNS; i++) runs.push(await measure());
      await profiler?.();
      figures[name] = round(median(runs));
    }
    // How the UDX stream under the swarm connection fared (loss and retransmits cap throughput).
    for (const [side, peer] of [
      ['A', peerOnA],
      ['B', peerOnB],
    ] as const)
      console.log(`udx ${side}:`, JSON.stringify(udxStats(peer)));
    const base = figures.direct;
    printTable([
      ['path', 'MiB/s', 'of direct'],
      ...Object.entries(figures).map(([name, value]) => [
        name,
        value,
        base ? `${Math.round((value / base) * 100)}%` : '-',
      ]),
    ]);
    const result = { sizeMiB: SIZE / 1048576, runs: RUNS, throughputMiBps: figures };
    console.log(`wrote ${await writeResults('podStreamThroughput', result)}`);
    return result;
  } finally {
    streamsA.close();
    streamsB.close();
    pod.server.close();
    await Promise.all([swarmA.destroy(), swarmB.destroy()]);
    await testnet.destroy();
  }
}
