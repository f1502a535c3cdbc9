// The headless Shoal peer. This file only wires; every part is a module with one job.
//
// Start-up flow:
//   1. data directory: cluster.json (key, bootstrap) and identity.json (key pair, node name); the event log
//      (events.json)
//   2. the document's network adapter (automerge-repo sync over swarm channels)
//   3. the swarm: join the key's topic; every authenticated peer gets a sync, an election and a pod-streams
//      channel (PodStreams is created before the swarm starts, for that)
//   4. the cluster document (crash-safe storage): from disk, or from the first peer that has it, and the
//      ClusterStore over it
//   5. membership: register this machine's Node (capacity, images, pressure); heartbeats and events as
//      ephemeral messages; host usage samples (cpu, memory) shared the same way
//   6. election among the voter Nodes; while leading (with quorum) the leader's duties and the controllers
//      (ControllerManager) run
//   7. the kubelet on the local Docker engine (unless --no-workloads), retrying while the engine is away
//   7b. the service proxy: every Service on this agent's service address (and the Docker bridge gateway for
//      this host's pods, with their DNS), each connection to a Ready endpoint, over the swarm when remote
//   8. the local API on 127.0.0.1 with a bearer token (plus events and pod logs/exec/port-forward),
//      recorded in api.json for the CLI
// Stop (SIGINT/SIGTERM): API down, kubelet loop stopped, leadership dropped, swarm left, document flushed.
// Containers are not touched: workloads keep running without their agent (DESIGN.md, static stability).
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Node } from '../shared/model/types.ts';
import type { AutomergeClusterStore } from '../shared/store/AutomergeClusterStore.ts';
import { documentIdFromBytes, openClusterDocument } from '../shared/store/openClusterDocument.ts';
import { formatHostPort, type HostPort, parseHostPortList } from '../shared/swarm/hostPort.ts';
import { SwarmNode, type SwarmTimings } from '../shared/swarm/SwarmNode.ts';
import { clusterDocumentId } from '../shared/swarm/swarmKey.ts';
import { SwarmNetworkAdapter } from '../shared/sync/SwarmNetworkAdapter.ts';
import { generateApiToken, removeApiInfo, writeApiInfo } from './api/apiInfo.ts';
import type { ClusterStatus } from './api/clusterStatus.ts';
import { eventsApi } from './api/eventsApi.ts';
import { podStreamsApi } from './api/podStreamsApi.ts';
import { type ProxyStatus, proxyApi } from './api/proxyApi.ts';
import { type ApiServer, startApiServer } from './api/server.ts';
import { SHOAL_VERSION } from './cli/commands/version.ts';
import {
  electionFile,
  loadOrCreateIdentity,
  readClusterConfig,
  writeClusterConfig,
} from './cluster/clusterFiles.ts';
import { clusterNameOf } from './cluster/clusterInfo.ts';
import type { JoinKey } from './cluster/joinKey.ts';
import { buildControllers } from './controllers/allControllers.ts';
import { ControllerManager } from './controllers/ControllerManager.ts';
import { ElectionDriver } from './election/ElectionDriver.ts';
import type { ElectionTimings } from './election/electionTimings.ts';
import { fileElectionPersistence } from './election/fileElectionPersistence.ts';
import { EventLog } from './events/EventLog.ts';
import { EventBroadcast } from './events/eventBroadcast.ts';
import { EVENT_FILE_NAME } from './events/eventFile.ts';
import { KubeletService } from './kubelet/KubeletService.ts';
import { type BackOffConfig, DEFAULT_BACK_OFF } from './kubelet/plan/backoff.ts';
import { LeaderDuties } from './leader/LeaderDuties.ts';
import { Heartbeats } from './membership/Heartbeats.ts';
import { listMembers, voterPeerIds } from './membership/members.ts';
import { registerNode } from './membership/registerNode.ts';
import { recordRemovedMember, removedPeerIds } from './membership/removedMembers.ts';
import { gatherNodeFacts } from './node/nodeFacts.ts';
import { buildNode, PEER_ID_ANNOTATION, SWARM_ADDRESSES_ANNOTATION } from './node/nodeInfo.ts';
import { PeerChannels } from './peer/peerChannels.ts';
import { PodStreams } from './podstreams/PodStreams.ts';
import { ProxyService } from './proxy/ProxyService.ts';
import { UsageMonitor } from './usage/UsageMonitor.ts';
import { usageApi } from './usage/usageApi.ts';

export interface AgentTimings {
  heartbeatMs?: number;
  nodeGraceMs?: number;
  election?: Partial<ElectionTimings>;
  swarm?: Partial<SwarmTimings>;
  /** The kubelet's crash and pull back-off (Kubernetes: 10 s doubling to 5 min). */
  backOff?: Partial<BackOffConfig>;
}

export interface AgentOptions {
  dataDir: string;
  logger: Logger;
  /** Joins the cluster this key names when the data directory is not a member yet. */
  join?: JoinKey;
  /** Overrides the bootstrap the cluster was created with. */
  bootstrap?: HostPort[];
  nodeName?: string;
  /** UDP bind address of the DHT (127.0.0.1 for agents that only talk on this machine). */
  host?: string;
  apiPort?: number;
  timings?: AgentTimings;
  /** Run the pods assigned to this node on the local Docker engine (default true). */
  runWorkloads?: boolean;
  /** Let pods run privileged containers (refused by default). */
  allowPrivileged?: boolean;
  /** Where the host reaches Services through this agent (default 127.0.0.1; `shoal up` gives each its own). */
  serviceAddress?: string;
  /** Serve Services and DNS to this host's pods on the Docker bridge (default true; one agent per host). */
  servePods?: boolean;
  /** The pods' DNS port on the bridge gateway (default 53). */
  dnsPort?: number;
}

/** Where the host reaches Services when the agent is not told otherwise. */
export const DEFAULT_SERVICE_ADDRESS = '127.0.0.1';

/** How often the agent re-checks its own Node object against the machine (and repairs lost races). */
const NODE_REFRESH_MS = 15_000;

export class Agent {
  readonly #o: AgentOptions;
  readonly #log: Logger;
  #swarm?: SwarmNode;
  #channels?: PeerChannels;
  #store?: AutomergeClusterStore;
  #heartbeats?: Heartbeats;
  #election?: ElectionDriver;
  #duties?: LeaderDuties;
  #api?: ApiServer;
  #timers: NodeJS.Timeout[] = [];
  #unwatch?: () => void;
  #nodeName = '';
  #peerId = '';
  #clusterName = '';
  readonly #docker = new Docker();
  #kubelet?: KubeletService;
  #events?: EventLog;
  #eventBroadcast?: EventBroadcast;
  #podStreams?: PodStreams;
  #controllers?: ControllerManager;
  #proxy?: ProxyService;
  #usage?: UsageMonitor;
  #nodeRefresh: Promise<void> | undefined;
  #stopped = false;
  readonly #abort = new AbortController();

  constructor(opts: AgentOptions) {
    this.#o = opts;
    this.#log = opts.logger;
  }

  get apiUrl(): string | undefined {
    return this.#api?.url;
  }

  async start(): Promise<void> {
    const { dataDir } = this.#o;
    let config = await readClusterConfig(dataDir);
    if (!config) {
      if (!this.#o.join) {
        throw new Error(
          `${dataDir} is not part of a cluster: run \`shoal init\` there, or pass --join <key>`,
        );
      }
      config = { name: '', swarmKey: this.#o.join.swarmKey, bootstrap: this.#o.join.bootstrap };
      await writeClusterConfig(dataDir, config);
    }
    const bootstrap = this.#o.bootstrap ?? config.bootstrap;
    const identity = await loadOrCreateIdentity(dataDir, this.#o.nodeName ?? os.hostname());
    this.#nodeName = identity.nodeName;
    this.#peerId = identity.keyPair.publicKey.toString('hex');
    this.#clusterName = config.name;
    const log = this.#log;
    log.info({ node: this.#nodeName, peer: this.#peerId.slice(0, 12), dataDir }, 'starting agent');
    this.#events = await EventLog.open({
      node: this.#nodeName,
      logger: log.child({ part: 'events' }),
      file: path.join(dataDir, EVENT_FILE_NAME),
    });

    const network = new SwarmNetworkAdapter((p) =>
      log.warn({ peer: p.remoteId, reason: p.reason }, 'dropped a sync message from a peer'),
    );
    let removed = new Set<string>();
    this.#swarm = new SwarmNode({
      swarmKey: config.swarmKey,
      keyPair: identity.keyPair,
      bootstrap: bootstrap.length > 0 ? bootstrap : 'public',
      host: this.#o.host,
      logger: log.child({ part: 'swarm' }),
      isRemoved: (key) => removed.has(key.toString('hex')),
      timings: this.#o.timings?.swarm,
    });
    this.#channels = new PeerChannels({
      swarm: this.#swarm,
      network,
      logger: log,
      onElectionMessage: (from, message) => this.#election?.receive(from, message),
      onPeersChanged: () => {
        this.#updateVoters();
        this.#eventBroadcast?.resendRecent();
      },
    });
    // Before the swarm starts: its channel must be opened in every peer's 'peer-open'.
    this.#podStreams = new PodStreams({
      store: () => this.#store,
      runtime: () => this.#kubelet?.runtime,
      nodeName: this.#nodeName,
      swarm: this.#swarm,
      logger: log.child({ part: 'pod-streams' }),
    });
    await this.#swarm.start();

    const { handle, store } = await openClusterDocument(dataDir, {
      docId: documentIdFromBytes(clusterDocumentId(config.swarmKey)),
      mode: 'find',
      network: [network],
      logger: log.child({ part: 'store' }),
      signal: this.#abort.signal,
    });
    this.#store = store;
    removed = removedPeerIds(store);
    this.#clusterName = clusterNameOf(store) ?? config.name;
    if (config.name !== this.#clusterName)
      await writeClusterConfig(dataDir, { ...config, name: this.#clusterName });

    await this.refreshNode();
    this.#timers.push(setInterval(() => void this.refreshNode().catch(() => {}), NODE_REFRESH_MS));
    this.#heartbeats = new Heartbeats({
      handle,
      self: { node: this.#nodeName, peerId: this.#peerId },
      intervalMs: this.#o.timings?.heartbeatMs,
    });
    this.#heartbeats.start();
    this.#eventBroadcast = new EventBroadcast({
      handle,
      log: this.#events,
      node: this.#nodeName,
      logger: log.child({ part: 'events' }),
    });
    this.#eventBroadcast.start();
    this.#usage = new UsageMonitor({ handle, node: this.#nodeName, logger: log.child({ part: 'usage' }) });
    this.#usage.start();

    this.#duties = new LeaderDuties({
      store,
      lastHeard: this.#heartbeats.lastHeard,
      logger: log.child({ part: 'leader' }),
      nodeGraceMs: this.#o.timings?.nodeGraceMs,
    });
    this.#controllers = new ControllerManager({
      store,
      recorder: this.#events,
      logger: log.child({ part: 'controllers' }),
      controllers: buildControllers(),
    });
    this.#election = new ElectionDriver({
      id: this.#peerId,
      persistence: fileElectionPersistence(electionFile(dataDir)),
      send: (to, message) => this.#channels?.sendElection(to, message),
      timings: this.#o.timings?.election,
    });
    this.#election.on('role', (change) => {
      log.info({ role: change.role, term: change.term }, `election: ${change.role} in term ${change.term}`);
      if (change.role === 'leader') {
        this.#duties?.lead();
        this.#controllers?.lead(change.term);
      } else {
        this.#controllers?.stepDown();
        this.#duties?.stepDown();
      }
    });
    this.#election.on('failed', (err) =>
      log.error({ err }, 'election stopped: term and vote could not be saved'),
    );
    this.#updateVoters();
    await this.#election.start();

    this.#proxy = new ProxyService({
      store,
      nodeName: this.#nodeName,
      podStreams: this.#podStreams,
      recorder: this.#events,
      logger: log.child({ part: 'proxy' }),
      serviceAddress: this.#o.serviceAddress ?? DEFAULT_SERVICE_ADDRESS,
      servePods: this.#o.servePods ?? true,
      docker: this.#docker,
      ...(this.#o.dnsPort !== undefined ? { dnsPort: this.#o.dnsPort } : {}),
    });
    this.#proxy.start();

    if (this.#o.runWorkloads !== false) {
      this.#kubelet = new KubeletService({
        store,
        dataDir,
        node: this.#nodeName,
        cluster: String(handle.documentId),
        recorder: this.#events,
        logger: log.child({ part: 'kubelet' }),
        highestTerm: () => this.#election?.term ?? 0,
        hostIP: () => this.#hostIP(),
        allowPrivileged: this.#o.allowPrivileged ?? false,
        ...(this.#o.timings?.backOff ? { backOff: { ...DEFAULT_BACK_OFF, ...this.#o.timings.backOff } } : {}),
        docker: this.#docker,
        onImagesChanged: () => void this.refreshNode().catch(() => {}),
        serviceHost: () => this.#proxy?.podServiceHost,
        clusterDns: () => this.#proxy?.clusterDns,
      });
      this.#kubelet.start();
    }

    for (const node of store.list('Node') as Node[]) this.#dialNode(node);
    this.#unwatch = store.watch(undefined, (event) => {
      if (event.object.kind === 'Node') {
        this.#updateVoters();
        if (event.type !== 'DELETED') this.#dialNode(event.object as Node);
        if (event.type === 'DELETED') void this.#onNodeDeleted(event.object as Node);
      }
      if (event.object.kind === 'ConfigMap') {
        removed = removedPeerIds(store);
        this.#swarm?.dropRemoved();
        if (removed.has(this.#peerId)) log.error('this machine was removed from the cluster');
      }
    });

    const token = generateApiToken();
    this.#api = await startApiServer({
      store,
      status: () => this.status(),
      logger: log.child({ part: 'api' }),
      port: this.#o.apiPort ?? 0,
      token,
      extensions: [
        eventsApi({ log: this.#events, logger: log.child({ part: 'api' }) }),
        podStreamsApi({ podStreams: this.#podStreams, logger: log.child({ part: 'api' }) }),
        proxyApi(() => this.proxyStatus()),
        usageApi({ usage: this.#usage, logger: log.child({ part: 'api' }) }),
      ],
    });
    await writeApiInfo(dataDir, { url: this.#api.url, token, pid: process.pid });
    log.info({ api: this.#api.url, cluster: this.#clusterName }, `agent ${this.#nodeName} is up`);
  }

  status(): ClusterStatus {
    const members = this.#store ? listMembers(this.#store) : [];
    const leaderId = this.#election?.leaderId;
    const leader = leaderId ? members.find((m) => m.peerId === leaderId) : undefined;
    return {
      clusterName: this.#clusterName,
      node: { name: this.#nodeName, id: this.#peerId },
      leader: leaderId ? { name: leader?.name ?? leaderId.slice(0, 12), id: leaderId } : undefined,
      term: this.#election?.term ?? 0,
      members: members.map((m) => ({
        name: m.name,
        id: m.peerId ?? '',
        voter: m.voter,
        ready: m.ready,
        addresses: m.addresses,
      })),
    };
  }

  /** This agent's service proxy: its addresses and listeners (`GET /shoal/v1/proxy`). */
  proxyStatus(): ProxyStatus {
    const podAddress = this.#proxy?.podServiceHost;
    return {
      node: this.#nodeName,
      serviceAddress: this.#o.serviceAddress ?? DEFAULT_SERVICE_ADDRESS,
      ...(podAddress ? { podAddress } : {}),
      servesPods: this.#o.servePods ?? true,
      listeners: this.#proxy?.listeners() ?? [],
    };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    for (const t of this.#timers) clearInterval(t);
    this.#unwatch?.();
    await this.#api?.close();
    await removeApiInfo(this.#o.dataDir, process.pid).catch(() => {});
    this.#podStreams?.close();
    await this.#proxy?.stop();
    await this.#kubelet?.stop();
    this.#controllers?.stepDown();
    this.#duties?.stepDown();
    await this.#election?.stop();
    this.#heartbeats?.stop();
    this.#eventBroadcast?.stop();
    this.#usage?.stop();
    await this.#events?.close();
    this.#channels?.close();
    await this.#swarm?.destroy();
    await this.#store?.close();
    this.#log.info('agent stopped; containers keep running');
  }

  /** Rewrites this node's Node object from the machine, one refresh at a time. */
  refreshNode(): Promise<void> {
    this.#nodeRefresh ??= this.#registerNode().finally(() => {
      this.#nodeRefresh = undefined;
    });
    return this.#nodeRefresh;
  }

  async #registerNode(): Promise<void> {
    if (!this.#store || this.#stopped) return;
    const facts = await gatherNodeFacts(SHOAL_VERSION, {
      engine: this.#docker,
      onProblem: (what, err) => this.#log.debug({ err }, `node status: cannot read ${what}`),
    });
    const host = this.#o.host && this.#o.host !== '0.0.0.0' ? [this.#o.host] : [];
    const swarmAddresses = (this.#swarm?.ownAddresses() ?? []).map(formatHostPort);
    await registerNode(this.#store, buildNode(this.#nodeName, this.#peerId, facts, host, swarmAddresses));
  }

  /** The address pods see as `status.hostIP`: this Node's first InternalIP. */
  #hostIP(): string | undefined {
    const node = this.#store?.get('Node', undefined, this.#nodeName) as Node | undefined;
    return node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  }

  /** Tells the swarm where a member's DHT socket is, so a LAN peer is dialled directly (DESIGN.md). */
  #dialNode(node: Node): void {
    const peerId = node.metadata.annotations?.[PEER_ID_ANNOTATION];
    const text = node.metadata.annotations?.[SWARM_ADDRESSES_ANNOTATION];
    if (!peerId || !text || peerId === this.#peerId || !/^[0-9a-f]{64}$/.test(peerId)) return;
    try {
      this.#swarm?.dialAddresses(Buffer.from(peerId, 'hex'), parseHostPortList(text));
    } catch (err) {
      this.#log.warn({ node: node.metadata.name, err }, "ignored a node's malformed swarm addresses");
    }
  }

  #updateVoters(): void {
    if (!this.#store || !this.#election || !this.#channels) return;
    const voters = voterPeerIds(listMembers(this.#store));
    this.#election.setVoters(voters);
    this.#election.setObservers(this.#channels.connectedPeers().filter((p) => !voters.includes(p)));
  }

  async #onNodeDeleted(node: Node): Promise<void> {
    const peerId = node.metadata.annotations?.[PEER_ID_ANNOTATION];
    if (!peerId || !this.#store) return;
    if (peerId === this.#peerId) {
      this.#log.error('this node was deleted from the cluster; stopping');
      return;
    }
    if (this.#election?.isLeader) await recordRemovedMember(this.#store, peerId, node.metadata.name);
  }
}
