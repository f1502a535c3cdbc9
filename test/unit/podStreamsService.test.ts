// PodStreams deciding where a pod is served, on FakeRuntime and two agents joined by an in-memory peer
// channel: forwarding, the hosting side's refusal of pods that are not its own, exec, lost peers.
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type ContainerIdentity,
  type ContainerRole,
  containerLabels,
  SANDBOX_CONTAINER_NAME,
} from '../../agent/kubelet/plan/labels.ts';
import { FakeRuntime } from '../../agent/kubelet/runtime/FakeRuntime.ts';
import { PEER_ID_ANNOTATION } from '../../agent/node/nodeInfo.ts';
import { PodStreams } from '../../agent/podstreams/PodStreams.ts';
import type { PodSession } from '../../agent/podstreams/session.ts';
import type { Node, Pod } from '../../shared/model/types.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import type { ChannelOptions, PeerChannel, SwarmPeer } from '../../shared/swarm/SwarmPeer.ts';

const logger = pino({ level: 'silent' });
const IMAGE = 'busybox';
const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

interface End {
  opts: ChannelOptions;
  onmessage?: (m: unknown) => void;
  opened: boolean;
  closed: boolean;
}

/** Connects two peer sources as SwarmNode would after authentication; `drop()` ends the connection. */
function connect(a: EventEmitter, b: EventEmitter): { drop(): void } {
  const ends: Record<'a' | 'b', End | undefined> = { a: undefined, b: undefined };
  const channel =
    (side: 'a' | 'b') =>
    (opts: ChannelOptions): PeerChannel => {
      const end: End = { opts, opened: false, closed: false };
      ends[side] = end;
      const other = () => ends[side === 'a' ? 'b' : 'a'];
      return {
        protocol: opts.protocol,
        get opened() {
          return end.opened && other()?.opened === true;
        },
        get closed() {
          return end.closed;
        },
        message: (_enc, onmessage) => {
          end.onmessage = onmessage as (m: unknown) => void;
          return {
            send: (m) => {
              setImmediate(() => {
                const o = other();
                if (!end.closed && o && !o.closed) o.onmessage?.(m);
              });
              return true;
            },
          };
        },
        open: () => {
          end.opened = true;
          const o = other();
          if (o?.opened) {
            o.opts.onopen?.();
            opts.onopen?.();
          }
        },
        fullyOpened: async () => true,
        close: () => undefined,
      };
    };
  const peerOnA = { id: ID_B, channel: channel('a') } as unknown as SwarmPeer;
  const peerOnB = { id: ID_A, channel: channel('b') } as unknown as SwarmPeer;
  a.emit('peer-open', peerOnA);
  b.emit('peer-open', peerOnB);
  return {
    drop() {
      for (const end of [ends.a, ends.b]) {
        if (!end || end.closed) continue;
        end.closed = true;
        end.opts.onclose?.();
      }
      a.emit('peer-close', peerOnA);
      b.emit('peer-close', peerOnB);
    },
  };
}

async function text(session: PodSession): Promise<string> {
  let out = '';
  for await (const e of session.events()) if (e.type === 'data') out += e.data.toString();
  return out;
}

const until = async (what: string, check: () => boolean) => {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('PodStreams', () => {
  let store: MemoryClusterStore;
  let runtime: FakeRuntime;
  let a: PodStreams;
  let b: PodStreams;
  let link: { drop(): void };
  let appId: string;

  async function run(pod: Pod, name: string, role: ContainerRole, sandboxId?: string): Promise<string> {
    const identity: ContainerIdentity = {
      podUid: pod.metadata.uid as string,
      podName: pod.metadata.name,
      namespace: 'default',
      containerName: name,
      node: 'node-b',
      role,
      attempt: 0,
    };
    const id = await runtime.createContainer({
      name: `${name}-${pod.metadata.name}`,
      image: IMAGE,
      labels: containerLabels(identity),
      ...(sandboxId ? { sandboxId } : {}),
    });
    await runtime.startContainer(id);
    return id;
  }

  beforeEach(async () => {
    store = new MemoryClusterStore();
    runtime = new FakeRuntime({ images: [IMAGE] });
    const swarmA = new EventEmitter();
    const swarmB = new EventEmitter();
    a = new PodStreams({ store, runtime, nodeName: 'node-a', swarm: swarmA, logger });
    b = new PodStreams({ store, runtime, nodeName: 'node-b', swarm: swarmB, logger });
    link = connect(swarmA, swarmB);
    // node-c's Node wrongly names B's peer: B must still refuse pods that are not on node-b.
    for (const [name, peer] of [
      ['node-a', ID_A],
      ['node-b', ID_B],
      ['node-c', ID_B],
    ]) {
      await store.create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: name as string, annotations: { [PEER_ID_ANNOTATION]: peer as string } },
        spec: {},
      } as Node);
    }
    const pod = (await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: 'node-b', containers: [{ name: 'app', image: IMAGE }] },
    } as Pod)) as Pod;
    await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default' },
      spec: { nodeName: 'node-c', containers: [{ name: 'app', image: IMAGE }] },
    } as Pod);
    const sandbox = await run(pod, SANDBOX_CONTAINER_NAME, 'sandbox');
    appId = await run(pod, 'app', 'app', sandbox);
    runtime.write(appId, 'stdout', 'hello\n');
    runtime.write(appId, 'stderr', 'warn\n');
  });

  it('forwards logs of a pod on another node, and follows them', async () => {
    expect(await text(await a.logs('default', 'web'))).toBe('hello\nwarn\n');
    const follow = await a.logs('default', 'web', { follow: true, tailLines: 0 });
    const reading = text(follow);
    runtime.write(appId, 'stdout', 'later\n');
    await new Promise((r) => setTimeout(r, 20));
    runtime.exit(appId, 0);
    expect(await reading).toBe('later\n');
  });

  it('runs exec through the peer: stdin in, output and exit code out', async () => {
    runtime.onExec(async (_id, options, io) => {
      io.write('stdout', `${options.command.join(' ')}: ${await io.readStdin()}`);
      io.write('stderr', 'done');
      return 4;
    });
    const session = await a.exec('default', 'web', { command: ['cat'], stdin: true });
    await session.write(Buffer.from('input'));
    session.endInput();
    const events: string[] = [];
    for await (const e of session.events())
      events.push(e.type === 'data' ? `${e.fd}:${e.data}` : e.type === 'exit' ? `exit ${e.code}` : e.type);
    expect(events).toEqual(['1:cat: input', '2:done', 'exit 4']);
  });

  it('answers "still starting" until the agent has its document and runtime', async () => {
    const early = new PodStreams({ store: () => undefined, runtime: () => undefined, nodeName: 'n', logger });
    await expect(early.logs('default', 'web')).rejects.toMatchObject({
      reason: 'ServiceUnavailable',
      message: 'this agent is still starting: try again',
    });
  });

  it('refuses exec in a container that is not running', async () => {
    runtime.exit(appId, 0);
    await expect(a.exec('default', 'web', { command: ['true'] })).rejects.toThrow(
      /it is exited, not running/,
    );
  });

  it('serves only pods of its own node, whatever a peer asks', async () => {
    await expect(a.logs('default', 'stray')).rejects.toMatchObject({
      reason: 'BadRequest',
      message: 'pod stray is not on node "node-b" (this agent sees it on "node-c")',
    });
  });

  it('fails open streams when the peer goes away, naming its node', async () => {
    const follow = await a.logs('default', 'web', { follow: true });
    const reading = text(follow);
    link.drop();
    await expect(reading).rejects.toThrow('lost the connection to the agent of node "node-b"');
    await expect(a.logs('default', 'web')).rejects.toThrow(/is not connected to this one/);
  });

  it('stops the follow on the hosting side when the client leaves', async () => {
    const follow = await a.logs('default', 'web', { follow: true, tailLines: 0 });
    expect(b.servingCount).toBe(1);
    runtime.write(appId, 'stdout', 'one\n');
    for await (const e of follow.events()) if (e.type === 'data') break;
    await until("B's serving side to end", () => b.servingCount === 0);
    expect(b.servingCount).toBe(0);
  });
});
