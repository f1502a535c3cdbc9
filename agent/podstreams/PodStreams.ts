// `shoal logs`, `exec` and `port-forward` wherever the pod runs. The API asks this agent; if the pod's
// spec.nodeName is this node, the local runtime serves it, otherwise the request goes over the swarm to the
// agent of that node (its Node's peer-id annotation names the connection), which serves it the same way.
//
//   CLI ──HTTP/WebSocket──▶ local API ──▶ PodStreams.open ──┬─ own node ──▶ localSessions (runtime)
//                                                           └─ other node ─▶ StreamMux ══swarm══▶ peer's
//                                                                PodStreams (serves only its own pods)
import type { Logger } from 'pino';
import type { Node, Pod } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { ContainerRuntime } from '../kubelet/runtime/ContainerRuntime.ts';
import { PEER_ID_ANNOTATION } from '../node/nodeInfo.ts';
import { PodStreamError, toPodStreamError } from './errors.ts';
import { localExec, localLogs, localPortForward } from './localSessions.ts';
import { PeerLinks, type PeerSource } from './peerLinks.ts';
import { remoteSession, serveSession } from './remoteSession.ts';
import {
  type ExecRequest,
  type LogsRequest,
  type PodStreamRequest,
  type PodStreamRequestInput,
  parsePodStreamRequest,
  parsePodStreamRequestJson,
} from './requests.ts';
import type { MuxStream } from './StreamMux.ts';
import type { PodSession } from './session.ts';

/** A value, or a getter for one that exists only later in the agent's start-up (undefined until then). */
export type Late<T> = T | (() => T | undefined);

export interface PodStreamsOptions {
  /**
   * The cluster document. May be a getter: PodStreams must exist before the swarm starts (its channel is
   * created in 'peer-open'), and the agent opens the document only after that.
   */
  store: Late<ClusterStore>;
  /** This machine's engine (the kubelet's runtime); a getter is allowed as for `store`. */
  runtime: Late<ContainerRuntime>;
  /** This agent's Node name: pods whose spec.nodeName is this are served here. */
  nodeName: string;
  /** The swarm (SwarmNode): pods on other nodes are reached through it; without it, only local pods. */
  swarm?: PeerSource;
  logger: Logger;
}

type Options<R> = Omit<R, 'kind' | 'namespace' | 'pod'>;
export type LogsOptions = Partial<Options<LogsRequest>>;
export type ExecOptions = Pick<ExecRequest, 'command'> & Partial<Options<ExecRequest>>;

export class PodStreams {
  readonly #o: PodStreamsOptions;
  readonly #links?: PeerLinks;
  readonly #served = new Set<PodSession>();

  constructor(opts: PodStreamsOptions) {
    this.#o = opts;
    if (opts.swarm) {
      this.#links = new PeerLinks({
        swarm: opts.swarm,
        onIncoming: (request, stream) => this.#serveIncoming(request, stream),
        describePeer: (peerId) => this.#describePeer(peerId),
        logger: opts.logger.child({ part: 'pod-streams' }),
      });
    }
  }

  logs(namespace: string, pod: string, opts: LogsOptions = {}): Promise<PodSession> {
    return this.open({ ...opts, kind: 'logs', namespace, pod });
  }

  exec(namespace: string, pod: string, opts: ExecOptions): Promise<PodSession> {
    return this.open({ ...opts, kind: 'exec', namespace, pod });
  }

  /** One TCP connection to `port` of the pod. */
  portForward(namespace: string, pod: string, port: number): Promise<PodSession> {
    return this.open({ kind: 'portForward', namespace, pod, port });
  }

  /** Opens a stream where the pod runs; a PodStreamError says why not. */
  async open(input: PodStreamRequestInput): Promise<PodSession> {
    const request = parsePodStreamRequest(input);
    const pod = this.#pod(request);
    const nodeName = pod.spec.nodeName;
    if (nodeName === this.#o.nodeName) return this.#openLocal(pod, request);
    return this.#openRemote(nodeName as string, request);
  }

  /** Streams this agent is serving for peers right now (for status and tests). */
  get servingCount(): number {
    return this.#served.size;
  }

  /** Stops serving: peers' streams and local sessions end. */
  close(): void {
    this.#links?.close();
    for (const session of this.#served) session.close();
    this.#served.clear();
  }

  #store(): ClusterStore {
    const store = late(this.#o.store);
    if (!store) throw new PodStreamError('ServiceUnavailable', 'this agent is still starting: try again');
    return store;
  }

  #runtime(): ContainerRuntime {
    const runtime = late(this.#o.runtime);
    if (!runtime) throw new PodStreamError('ServiceUnavailable', 'this agent is still starting: try again');
    return runtime;
  }

  #pod(request: PodStreamRequest): Pod {
    const pod = this.#store().get('Pod', request.namespace, request.pod) as Pod | undefined;
    if (!pod) throw new PodStreamError('NotFound', `pods "${request.pod}" not found`);
    if (!pod.spec.nodeName)
      throw new PodStreamError('BadRequest', `pod ${request.pod} is not scheduled to a node yet`);
    return pod;
  }

  async #openLocal(pod: Pod, request: PodStreamRequest): Promise<PodSession> {
    try {
      const runtime = this.#runtime();
      switch (request.kind) {
        case 'logs':
          return await localLogs(runtime, pod, request);
        case 'exec':
          return await localExec(runtime, pod, request);
        case 'portForward':
          return await localPortForward(runtime, pod, request);
      }
    } catch (err) {
      throw toPodStreamError(err);
    }
  }

  async #openRemote(nodeName: string, request: PodStreamRequest): Promise<PodSession> {
    const where = `pod ${request.pod} runs on node "${nodeName}"`;
    const node = this.#store().get('Node', undefined, nodeName) as Node | undefined;
    const peerId = node?.metadata.annotations?.[PEER_ID_ANNOTATION];
    if (!peerId)
      throw new PodStreamError('ServiceUnavailable', `${where}, which is not a member of the cluster`);
    const mux = this.#links?.get(peerId);
    if (!mux)
      throw new PodStreamError(
        'ServiceUnavailable',
        `${where}, whose agent (peer ${peerId.slice(0, 12)}…) is not connected to this one`,
      );
    return remoteSession(await mux.open(JSON.stringify(request)));
  }

  /** A peer asks for one of our pods: only pods assigned to this node are served. */
  async #serveIncoming(json: string, stream: MuxStream): Promise<void> {
    let session: PodSession;
    try {
      const request = parsePodStreamRequestJson(json);
      const pod = this.#pod(request);
      if (pod.spec.nodeName !== this.#o.nodeName)
        throw new PodStreamError(
          'BadRequest',
          `pod ${request.pod} is not on node "${this.#o.nodeName}" (this agent sees it on "${pod.spec.nodeName}")`,
        );
      session = await this.#openLocal(pod, request);
    } catch (err) {
      const e = toPodStreamError(err);
      stream.fail(e.reason, e.message);
      return;
    }
    if (stream.done) {
      session.close(); // the requester gave up while we were opening
      return;
    }
    this.#served.add(session);
    const close = session.close.bind(session);
    session.close = () => {
      this.#served.delete(session);
      close();
    };
    stream.ready();
    serveSession(stream, session);
  }

  #describePeer(peerId: string): string {
    const short = `peer ${peerId.slice(0, 12)}…`;
    for (const node of (late(this.#o.store)?.list('Node') ?? []) as Node[]) {
      if (node.metadata.annotations?.[PEER_ID_ANNOTATION] === peerId)
        return `the agent of node "${node.metadata.name}" (${short})`;
    }
    return `the agent of ${short}`;
  }
}

function late<T>(value: Late<T>): T | undefined {
  return typeof value === 'function' ? (value as () => T | undefined)() : value;
}
