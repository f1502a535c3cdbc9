// How the renderer reaches a cluster, whatever hosts it. One interface, one implementation
// (createClusterConnection, over a Transport), two transports:
//   - the web dashboard: fetch and WebSocket to `shoal dashboard`, which forwards the agent API (webTransport)
//   - Electron: IPC to the main process, which forwards to its embedded peer's API (ipcTransport)
// Views and the store only ever see ClusterConnection, so they run the same in both, and in tests against a
// fake transport.
import type { ApplyResponse } from '../../../agent/api/apply.ts';
import type { ClusterStatus } from '../../../agent/api/clusterStatus.ts';
import type { ProxyStatus } from '../../../agent/api/proxyApi.ts';
import type { Kind } from '../../../shared/model/kinds.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Event as KubeEvent } from '../../../shared/model/types.ts';

export type { ApplyResponse, ClusterStatus, Kind, KubeEvent, KubeObject, ProxyStatus };

/** One request to the agent API (Kubernetes REST paths, `/shoal/v1/…`) or the dashboard's own `/shoal/dashboard/v1/…`. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path with query, e.g. `/apis/apps/v1/namespaces/default/deployments/web`. */
  path: string;
  /** JSON body (serialized by the transport). */
  body?: unknown;
}

export interface TransportResponse {
  status: number;
  /** The parsed JSON body; for a failure, usually a Kubernetes Status (`{ kind: 'Status', message, … }`). */
  body: unknown;
}

/** A WebSocket-like stream: JSON text messages for watches, binary channel frames for exec. */
export interface TransportSocket {
  send(data: string | Uint8Array): void;
  close(): void;
  onOpen(cb: () => void): void;
  onMessage(cb: (data: string | Uint8Array) => void): void;
  /** Called once, when the socket is over; `error` set when it failed rather than closed cleanly. */
  onClose(cb: (info: { code: number; reason: string; error?: string }) => void): void;
}

export interface Transport {
  readonly kind: 'web' | 'ipc';
  request(req: TransportRequest): Promise<TransportResponse>;
  /** Opens a socket to a path of the API (watch, exec, events, usage) with these subprotocols. */
  openSocket(path: string, protocols?: readonly string[]): TransportSocket;
  /** A streamed HTTP body (logs with follow): chunks of text until done, or an error. Returns cancel. */
  stream(path: string, onChunk: (text: string) => void, onEnd: (error?: string) => void): () => void;
}

// ---------------------------------------------------------------------------------------------------------
// What the views use.

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'failed';

export interface WatchHandlers {
  /** Every object of every kind, once per (re)connection, before any change. */
  onSnapshot(objects: KubeObject[]): void;
  /** Changes in arrival order, batched (one call per animation frame or message burst). */
  onChanges(changes: Array<{ type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }>): void;
  onState(state: LinkState, error?: string): void;
}

/** One node's resource usage at one moment (sampled by its agent, shared like heartbeats). */
export interface UsageSample {
  node: string;
  /** ms since the epoch */
  at: number;
  /** Cores in use (1.5 = one and a half cores). */
  cpuCores: number;
  memoryBytes: number;
}

export interface OnboardingState {
  /** Whether this dashboard (or the desktop app) is attached to a cluster. */
  member: boolean;
  clusterName?: string;
  /** Where the peer keeps its data. */
  dataDir?: string;
  /** The desktop app only: whether this computer runs workloads. */
  runsWorkloads?: boolean;
}

export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  previous?: boolean;
  timestamps?: boolean;
}

export interface LogStream {
  close(): void;
}

export interface ExecSession {
  /** Keyboard input (stdin). */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

export interface ExecHandlers {
  onOutput(data: Uint8Array): void;
  /** The command ended with this exit code (or failed to start: code undefined, error set). */
  onExit(code: number | undefined, error?: string): void;
}

export interface DrainProgress {
  /** Pods still to evict. */
  remaining: Array<{ namespace: string; name: string }>;
  evicted: number;
  total: number;
  done: boolean;
  error?: string;
}

/** A failed call: the message is the API's (a Kubernetes Status message), shown to the user as is. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

export interface ClusterConnection {
  readonly transport: Transport['kind'];

  // Live state: list-then-watch of every kind, reconnecting with back-off, no polling.
  watchAll(handlers: WatchHandlers): () => void;
  /** Events (kept apart from the document) as they happen: the recent ones first, then each new one. */
  watchEvents(onEvents: (events: KubeEvent[]) => void): () => void;
  /** Usage samples of every node: the recent history first, then live. */
  watchUsage(onSamples: (samples: UsageSample[]) => void): () => void;
  status(): Promise<ClusterStatus>;
  /** The answering agent's service proxy: where it listens for each Service, and what it could not bind. */
  proxyStatus(): Promise<ProxyStatus>;

  // Changes. Each rejects with a ClusterError whose message names what is wrong.
  /** Applies manifests already parsed and validated in the renderer (the server admits them again). */
  apply(objects: unknown[], opts?: { dryRun?: boolean }): Promise<ApplyResponse>;
  delete(kind: Kind, namespace: string | undefined, name: string): Promise<void>;
  scale(kind: 'Deployment' | 'ReplicaSet', namespace: string, name: string, replicas: number): Promise<void>;
  rolloutRestart(namespace: string, deployment: string): Promise<void>;
  /** Back to `toRevision`, or to the previous revision. */
  rolloutUndo(namespace: string, deployment: string, toRevision?: number): Promise<void>;
  cordon(node: string, unschedulable: boolean): Promise<void>;
  /** Cordons, then evicts every pod but DaemonSet pods and mirror-less ones, as `shoal drain` does. */
  drain(node: string, onProgress: (p: DrainProgress) => void): Promise<void>;

  // Pods.
  logs(
    namespace: string,
    pod: string,
    opts: LogOptions,
    onText: (text: string) => void,
    onEnd: (error?: string) => void,
  ): LogStream;
  exec(
    namespace: string,
    pod: string,
    opts: { container?: string; command: string[]; tty: boolean; cols?: number; rows?: number },
    handlers: ExecHandlers,
  ): ExecSession;

  // The peer hosting this view.
  onboarding(): Promise<OnboardingState>;
  createCluster(name: string): Promise<void>;
  joinCluster(key: string): Promise<void>;
  /** Same as `shoal up`: a bootstrap and `agents` agents on this machine. */
  startLocalCluster(agents: number): Promise<void>;
  /** The key other machines join with (`shoal agent --join KEY`). */
  joinKey(): Promise<string>;
}
