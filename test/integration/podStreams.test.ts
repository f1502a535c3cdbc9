// `shoal logs`, `exec` and `port-forward` through an agent that does not host the pod: agent A's API and
// CLI, A's PodStreams forwarding over a real (loopback testnet) swarm connection to agent B, whose
// PodStreams serves a pod made of real Docker containers carrying the kubelet's labels. Both agents read
// one MemoryClusterStore, as two replicas of the cluster document would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import createTestnet, { type Testnet } from 'hyperdht/testnet.js';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateApiToken, writeApiInfo } from '../../agent/api/apiInfo.ts';
import { EXEC_PROTOCOLS, podStreamsApi } from '../../agent/api/podStreamsApi.ts';
import { type ApiServer, startApiServer } from '../../agent/api/server.ts';
import { connectToAgent } from '../../agent/cli/agentConnection.ts';
import { runPortForward } from '../../agent/cli/commands/portForward.ts';
import type { CliIo } from '../../agent/cli/io.ts';
import { openPodSocket, podStreamUrl } from '../../agent/cli/podStreamClient.ts';
import { runCli } from '../../agent/cli/program.ts';
import {
  type ContainerIdentity,
  type ContainerRole,
  containerLabels,
  engineContainerName,
  SANDBOX_CONTAINER_NAME,
} from '../../agent/kubelet/plan/labels.ts';
import { DockerRuntime } from '../../agent/kubelet/runtime/DockerRuntime.ts';
import { PEER_ID_ANNOTATION } from '../../agent/node/nodeInfo.ts';
import { PodStreams } from '../../agent/podstreams/PodStreams.ts';
import type { Node, Pod } from '../../shared/model/types.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import { SwarmNode } from '../../shared/swarm/SwarmNode.ts';
import { generateSwarmKey } from '../../shared/swarm/swarmKey.ts';
import {
  createRunId,
  describeDocker,
  dockerClient,
  removeTestContainers,
  TEST_IMAGE,
  testLabel,
} from '../support/docker.ts';

const docker = dockerClient();
const runtime = new DockerRuntime(docker);
const logger = pino({ level: 'silent' });
const runId = createRunId();
const POD = `pst-${runId}`;
const PORT = 8080;

/** The app container: a log to read, a web page on PORT, then waits (new lines come from exec). */
const MAIN = [
  'sh',
  '-c',
  `echo line-1; echo err-1 >&2; echo line-2; mkdir -p /tmp/w; echo shoal-pf-ok > /tmp/w/index.html; ` +
    `httpd -p ${PORT} -h /tmp/w; echo ready; exec sleep 300`,
];

describeDocker('pod streams across agents (A forwards, B hosts the pod on Docker)', () => {
  let testnet: Testnet;
  let swarmA: SwarmNode;
  let swarmB: SwarmNode;
  let streamsA: PodStreams;
  let streamsB: PodStreams;
  let api: ApiServer;
  let dataDir: string;
  const store = new MemoryClusterStore();

  async function createRun(
    pod: Pod,
    containerName: string,
    role: ContainerRole,
    attempt: number,
    command: string[],
    sandboxId?: string,
  ) {
    const identity: ContainerIdentity = {
      podUid: pod.metadata.uid as string,
      podName: pod.metadata.name,
      namespace: 'default',
      containerName,
      node: 'node-b',
      role,
      attempt,
    };
    const id = await runtime.createContainer({
      name: `${engineContainerName(identity)}-${runId}`,
      image: TEST_IMAGE,
      command,
      labels: { ...containerLabels(identity), ...testLabel(runId) },
      ...(sandboxId ? { sandboxId } : {}),
    });
    await runtime.startContainer(id);
    return id;
  }

  async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    testnet = await createTestnet(3, { host: '127.0.0.1' });
    const key = generateSwarmKey();
    const swarm = () =>
      new SwarmNode({
        swarmKey: key,
        bootstrap: testnet.bootstrap,
        host: '127.0.0.1',
        logger,
        timings: { authTimeoutMs: 2000 },
      });
    swarmA = swarm();
    swarmB = swarm();
    streamsA = new PodStreams({ store, runtime, nodeName: 'node-a', swarm: swarmA, logger });
    streamsB = new PodStreams({ store, runtime, nodeName: 'node-b', swarm: swarmB, logger });
    await Promise.all([swarmA.start(), swarmB.start()]);
    swarmA.dialAddresses(swarmB.publicKey, swarmB.ownAddresses());

    for (const [name, swarmNode] of [
      ['node-a', swarmA],
      ['node-b', swarmB],
      ['node-c', undefined],
    ] as const) {
      const node: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          annotations: {
            [PEER_ID_ANNOTATION]: swarmNode ? swarmNode.publicKey.toString('hex') : 'c'.repeat(64),
          },
        },
        spec: {},
      };
      await store.create(node);
    }
    const spec = (nodeName: string) => ({
      nodeName,
      containers: [
        { name: 'main', image: TEST_IMAGE },
        { name: 'side', image: TEST_IMAGE },
      ],
    });
    const pod = (await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: 'default' },
      spec: spec('node-b'),
    } as Pod)) as Pod;
    await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'elsewhere', namespace: 'default' },
      spec: spec('node-c'),
    } as Pod);
    await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pending', namespace: 'default' },
      spec: { containers: [{ name: 'main', image: TEST_IMAGE }] },
    } as Pod);

    const sandbox = await createRun(pod, SANDBOX_CONTAINER_NAME, 'sandbox', 0, ['sleep', '300']);
    const previous = await createRun(
      pod,
      'main',
      'app',
      0,
      ['sh', '-c', 'echo previous-run; exit 1'],
      sandbox,
    );
    await waitFor(
      'the previous run to exit',
      async () => (await runtime.inspectContainer(previous)).state === 'exited',
    );
    const main = await createRun(pod, 'main', 'app', 1, MAIN, sandbox);
    await createRun(pod, 'side', 'app', 0, ['sleep', '300'], sandbox);
    await waitFor('the app to be ready', async () => {
      let text = '';
      for await (const chunk of runtime.logs(main)) text += chunk.data.toString();
      return text.includes('ready');
    });

    const token = generateApiToken();
    api = await startApiServer({
      store,
      token,
      logger,
      status: () => {
        throw new Error('not used');
      },
      extensions: [podStreamsApi({ podStreams: streamsA, logger })],
    });
    dataDir = await mkdtemp(join(tmpdir(), 'shoal-podstreams-'));
    await writeApiInfo(dataDir, { url: api.url, token, pid: process.pid });
    await waitFor('A and B to connect', () => swarmA.peers().length > 0 && swarmB.peers().length > 0);
    // The pod-streams channel opens just after the peer does.
    await waitFor('the pod-streams channel', async () => {
      try {
        const s = await streamsA.logs('default', POD, { container: 'side' });
        s.close();
        return true;
      } catch {
        return false;
      }
    });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    streamsA?.close();
    streamsB?.close();
    await swarmA?.destroy();
    await swarmB?.destroy();
    await testnet?.destroy();
    await removeTestContainers(runId, docker);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  /** Runs the CLI in this process against agent A. */
  async function shoal(
    args: string[],
    stdin = '',
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const sink = (write: (s: string) => void) => {
      const s = new PassThrough();
      s.on('data', (d: Buffer) => write(d.toString()));
      return s;
    };
    const io: CliIo = {
      stdin: Readable.from(stdin === '' ? [] : [Buffer.from(stdin)]),
      stdout: sink((s) => {
        stdout += s;
      }),
      stderr: sink((s) => {
        stderr += s;
      }),
    };
    const code = await runCli(['--data-dir', dataDir, ...args], io);
    await new Promise((r) => setImmediate(r));
    return { code, stdout, stderr };
  }

  it('prints a log from the other machine, defaulting the container with a note', async () => {
    const r = await shoal(['logs', POD]);
    expect(r.stderr).toBe('Defaulted container "main" out of: main, side\n');
    expect(r.stdout).toContain('line-1\n');
    expect(r.stdout).toContain('err-1\n');
    // stdout and stderr are copied separately by the engine, so only stdout's own order is certain.
    expect(r.stdout.replace('err-1\n', '')).toMatch(/^line-1\nline-2\nready\n/);
    expect(r.code).toBe(0);
  });

  it('honours --tail and --timestamps', async () => {
    const r = await shoal(['logs', POD, '-c', 'main', '--tail', '2', '--timestamps']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (ready|err-1|line-2)$/);
    expect(r.stdout).not.toContain('line-1');
  });

  it('reads the previous run, and says so cleanly when there is none', async () => {
    const prev = await shoal(['logs', POD, '-c', 'main', '--previous']);
    expect(prev).toMatchObject({ code: 0, stdout: 'previous-run\n' });
    const none = await shoal(['logs', POD, '-c', 'side', '-p']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `Error from server (BadRequest): previous terminated container "side" in pod "${POD}" not found\n`,
    );
  });

  it('follows a log: lines written later arrive while the command runs', async () => {
    const session = await streamsA.logs('default', POD, { container: 'main', follow: true, tailLines: 0 });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of session.events()) {
        if (e.type === 'data') seen.push(e.data.toString());
        if (seen.join('').includes('followed-2')) break;
      }
    })();
    // Writes to the container's own stdout (PID 1's), as the app would.
    for (const n of [1, 2]) {
      const r = await shoal([
        'exec',
        POD,
        '-c',
        'main',
        '--',
        'sh',
        '-c',
        `echo followed-${n} > /proc/1/fd/1`,
      ]);
      expect(r.code).toBe(0);
      await new Promise((res) => setTimeout(res, 100));
    }
    await reading;
    expect(seen.join('')).toBe('followed-1\nfollowed-2\n');
  });

  it('runs exec with stdin and returns the remote exit code', async () => {
    const r = await shoal(
      ['exec', '-i', POD, '-c', 'main', '--', 'sh', '-c', 'cat; echo oops >&2; exit 3'],
      'from stdin\n',
    );
    expect(r).toEqual({ code: 3, stdout: 'from stdin\n', stderr: 'oops\n' });
    const ok = await shoal(['exec', POD, '-c', 'side', '--', 'hostname']);
    expect(ok.code).toBe(0);
  });

  it('runs exec with a terminal over the Kubernetes channel framing, resizes included', async () => {
    const client = await connectToAgent(dataDir);
    const url = podStreamUrl(client.url, 'default', POD, 'exec', {
      container: 'main',
      command: ['sh', '-c', 'read line; stty size; exit 5'],
      stdin: true,
      tty: true,
    });
    const ws = await openPodSocket(client, url, [...EXEC_PROTOCOLS]);
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    let out = '';
    let status = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) out += data.subarray(1).toString();
      if (data[0] === 3) status = data.subarray(1).toString();
    });
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 100, Height: 30 }))]));
    await new Promise((r) => setTimeout(r, 200));
    ws.send(Buffer.from([0, ...Buffer.from('go\r')]));
    await new Promise((r) => ws.on('close', r));
    expect(out).toContain('30 100');
    expect(JSON.parse(status)).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '5' }] },
    });
  });

  it('forwards a local port to the pod', async () => {
    const client = await connectToAgent(dataDir);
    const abort = new AbortController();
    let printed = '';
    const out = new PassThrough();
    out.on('data', (d: Buffer) => {
      printed += d.toString();
    });
    const running = runPortForward({
      client,
      namespace: 'default',
      pod: POD,
      pairs: [{ local: 0, remote: PORT }],
      addresses: ['127.0.0.1'],
      io: { stdin: Readable.from([]), stdout: out, stderr: out },
      signal: abort.signal,
    });
    await waitFor('the listener', () => printed.includes('Forwarding from'));
    const local = Number(/127\.0\.0\.1:(\d+) -> 8080/.exec(printed)?.[1]);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${local}/`);
      expect(await res.text()).toBe('shoal-pf-ok\n');
    }
    abort.abort();
    await running;
    expect(printed).toContain(`Handling connection for ${local}`);
  });

  it('serves a pod on its own node without the swarm', async () => {
    const session = await streamsB.logs('default', POD, { container: 'main', previous: true });
    let text = '';
    for await (const e of session.events()) if (e.type === 'data') text += e.data.toString();
    expect(text).toBe('previous-run\n');
  });

  it('explains what is missing: pod, container, node, agent', async () => {
    expect((await shoal(['logs', 'nope'])).stderr).toBe(
      'Error from server (NotFound): pods "nope" not found\n',
    );
    expect((await shoal(['logs', POD, '-c', 'nope'])).stderr).toBe(
      `Error from server (BadRequest): container nope is not valid for pod ${POD}: its containers are main, side\n`,
    );
    expect((await shoal(['logs', 'pending'])).stderr).toBe(
      'Error from server (BadRequest): pod pending is not scheduled to a node yet\n',
    );
    const far = await shoal(['exec', 'elsewhere', '-c', 'main', '--', 'true']);
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(
      /^Error from server \(ServiceUnavailable\): pod elsewhere runs on node "node-c", whose agent \(peer cccccccccccc…\) is not connected to this one\n$/,
    );
    // B serves only its own pods, even when asked directly.
    await expect(streamsB.logs('default', 'elsewhere', { container: 'main' })).rejects.toThrow(
      /not connected/,
    );
  });

  it('fails a follow with the lost peer named when the connection drops', async () => {
    const following = shoal(['logs', POD, '-c', 'main', '-f', '--tail', '0']);
    await new Promise((r) => setTimeout(r, 300));
    await shoal(['exec', POD, '-c', 'main', '--', 'sh', '-c', 'echo before-loss > /proc/1/fd/1']);
    await new Promise((r) => setTimeout(r, 300));
    await swarmB.destroy();
    const r = await following;
    expect(r.stdout).toBe('before-loss\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lost the connection to the agent of node "node-b"/);
  });
});
