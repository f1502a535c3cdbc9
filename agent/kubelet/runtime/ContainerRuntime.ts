// The kubelet's view of its machine's container engine, in Shoal's terms rather than Docker's.
//
// The kubelet's executor calls only this interface: DockerRuntime implements it on the local engine
// (dockerode), FakeRuntime in memory for unit tests, and test/support/containerRuntimeContract.ts is the
// one acceptance suite both run.
//
// Contract:
// - Containers are found by labels (`listContainers`), never by name: labels carry the pod's identity and
//   survive agent restarts, so a restarted agent adopts what it finds.
// - `listContainers` includes stopped containers; it returns the same `ObservedContainer` as
//   `inspectContainer`. A container removed while being listed is left out.
// - Pods: a sandbox container is created without `sandboxId`; it holds the pod's network, IPC namespace
//   and hostname (`hostname`) and publishes the pod's host ports. Every other container of the pod sets
//   `sandboxId` and joins those namespaces, so it sees the sandbox's hostname and reaches its peers on
//   localhost. A container that joins a sandbox cannot set `hostname` or a `hostPort` (InvalidSpecError):
//   put them on the sandbox. Starting it while its sandbox is not running is a ConflictError.
//   Sandboxes are created with a shareable IPC namespace, which Docker needs for others to join it.
// - `startContainer` of a running container and `stopContainer` of a stopped one succeed and do nothing.
//   `stopContainer(id, grace)` sends SIGTERM, then SIGKILL after `grace` seconds.
// - `removeContainer` of a running container is a ConflictError unless `force` is set.
// - An unknown container id, or creating from an image that is not present, is a NotFoundError.
//   Creating a container whose name is taken is a ConflictError.
// - `pullImage` reports progress and fails with ImagePullError (ErrImagePull for the kubelet): unknown
//   image, unreachable registry, timeout.
// - `logs` yields stdout and stderr chunks separately, each stream in order (the engine copies the two
//   streams independently, so lines written at the same moment may interleave either way); with `follow`
//   it ends when the container stops or when the consumer stops iterating (or `signal` aborts).
//   Containers run without a TTY.
// - `exec` runs a process in a running container; its streams follow the `tty` choice, `exitCode` resolves
//   after the output is drained.
// - Exit codes: 137 after SIGKILL (grace expired or forced removal), 143 for a process killed by SIGTERM.

/** Engine states, as Docker names them. */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'removing' | 'dead';

export interface ObservedContainer {
  id: string;
  /** The name given at creation, without Docker's leading slash. */
  name: string;
  labels: Record<string, string>;
  /** The image reference the container was created from (the spec's `image`). */
  image: string;
  /** The content id of that image (`sha256:…`), for `imageID` in the pod's status. */
  imageId: string;
  state: ContainerState;
  /** Set once the container has run and stopped. */
  exitCode?: number;
  startedAt?: Date;
  finishedAt?: Date;
  /** The engine killed it for exceeding its memory limit. */
  oomKilled?: boolean;
  /** Restarts done by the engine itself; Shoal does its own restarts, so normally 0. */
  restartCount?: number;
  /** The engine's error when the container failed to start. */
  error?: string;
  /** The container's address on the engine's network, when it has its own network namespace. */
  ipAddress?: string;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface PortMapping {
  containerPort: number;
  /** Published on the host when set. */
  hostPort?: number;
  /** Host address to bind; all addresses when unset. */
  hostIP?: string;
  protocol?: 'TCP' | 'UDP';
}

export interface BindMount {
  /** A path on the agent's machine (emptyDir, configMap, secret and hostPath volumes all end up here). */
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

export interface ContainerCreateSpec {
  /** Unique on the engine; the kubelet derives it from pod, container and attempt. */
  name: string;
  image: string;
  /** Replaces the image's entrypoint (Kubernetes' `command`). */
  command?: string[];
  /** Replaces the image's command (Kubernetes' `args`). */
  args?: string[];
  workingDir?: string;
  /** Resolved values, in order. */
  env?: EnvVar[];
  labels: Record<string, string>;
  ports?: PortMapping[];
  resources?: {
    /** CPU limit in millicores (1000 = one core). */
    cpuMillicores?: number;
    /** Memory limit in bytes. */
    memoryBytes?: number;
  };
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  /** The kubelet refuses it unless the agent allows it; the runtime just applies it. */
  privileged?: boolean;
  mounts?: BindMount[];
  /** The pod sandbox whose network and IPC namespaces (and hostname) this container joins. */
  sandboxId?: string;
  /** Only for a container that does not join a sandbox. */
  hostname?: string;
  /** Only for a container that does not join a sandbox: its resolv.conf (the pod's DNS). */
  dns?: DnsSettings;
}

export interface DnsSettings {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PullProgress {
  /** The engine's status line: "Pulling fs layer", "Downloading", "Pull complete"… */
  status: string;
  /** The layer the event is about, if any. */
  layer?: string;
  current?: number;
  total?: number;
}

export interface PullOptions {
  onProgress?: (event: PullProgress) => void;
  /** Give up (ImagePullError) after this long; default 5 minutes. */
  timeoutMs?: number;
}

export interface LogOptions {
  /** Keep streaming until the container stops. */
  follow?: boolean;
  /** Only the last N lines. */
  tail?: number;
  /** Only lines written at or after this time. */
  since?: Date;
  /** Prefix each line with its RFC 3339 timestamp and a space. */
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface ExecOptions {
  /** The command and its arguments; no shell is involved. */
  command: string[];
  /** Allocate a terminal: stdout and stderr are then one stream, and `resize` applies. */
  tty?: boolean;
  /** Attach stdin (`session.stdin`); ending it closes the process's stdin. */
  stdin?: boolean;
  /** The terminal's size at start, with `tty`. */
  size?: TerminalSize;
  env?: EnvVar[];
  /** Aborting ends the session: the streams close and `exitCode` rejects unless the process already ended. */
  signal?: AbortSignal;
}

/** A process started in a running container (Kubernetes' exec, and exec probes). */
export interface ExecSession {
  /** Present when `stdin` was asked for. */
  stdin?: NodeJS.WritableStream;
  /** The process's stdout; with a terminal, everything the terminal shows. */
  stdout: NodeJS.ReadableStream;
  /** The process's stderr; ends at once with a terminal. */
  stderr: NodeJS.ReadableStream;
  /** Resizes the terminal; does nothing without one. */
  resize(size: TerminalSize): Promise<void>;
  /** The exit code, once the process has ended and its output has been read to the end. */
  exitCode: Promise<number>;
  /** Ends the session from this side (the process may keep running, as with `docker exec`). */
  close(): void;
}

export interface ContainerRuntime {
  /** Every container (running or not) that carries all of these labels. */
  listContainers(filter: { labels: Record<string, string> }): Promise<ObservedContainer[]>;
  /** Returns the new container's id; the container is in state `created`. */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds` (whole seconds). */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean }): Promise<void>;
  inspectContainer(id: string): Promise<ObservedContainer>;
  imagePresent(ref: string): Promise<boolean>;
  pullImage(ref: string, options?: PullOptions): Promise<void>;
  logs(id: string, options?: LogOptions): AsyncIterable<LogChunk>;
  /** Starts a process in a running container; a container that is not running is a ConflictError. */
  exec(id: string, options: ExecOptions): Promise<ExecSession>;
}

export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

export class NotFoundError extends RuntimeError {
  override name = 'NotFoundError';
  constructor(
    readonly kind: 'container' | 'image',
    readonly ref: string,
    message = `${kind} ${ref} not found`,
  ) {
    super(message);
  }
}

/** The operation conflicts with the object's state: name in use, removing a running container… */
export class ConflictError extends RuntimeError {
  override name = 'ConflictError';
}

/** A spec the engine cannot run as written (a joined container that sets ports or a hostname…). */
export class InvalidSpecError extends RuntimeError {
  override name = 'InvalidSpecError';
}

/** The image could not be pulled; `reason` is the engine's message, for ErrImagePull. */
export class ImagePullError extends RuntimeError {
  override name = 'ImagePullError';
  constructor(
    readonly ref: string,
    readonly reason: string,
  ) {
    super(`pulling ${ref} failed: ${reason}`);
  }
}

/** The checks both runtimes apply before creating, so that they refuse the same specs. */
export function validateCreateSpec(spec: ContainerCreateSpec): void {
  if (spec.sandboxId !== undefined) {
    if (spec.hostname !== undefined) {
      throw new InvalidSpecError(
        `${spec.name}: a container that joins a sandbox takes the sandbox's hostname`,
      );
    }
    if (spec.ports?.some((p) => p.hostPort !== undefined)) {
      throw new InvalidSpecError(`${spec.name}: host ports of a pod are published by its sandbox`);
    }
  }
  for (const p of spec.ports ?? []) {
    if (!validPort(p.containerPort) || (p.hostPort !== undefined && !validPort(p.hostPort))) {
      throw new InvalidSpecError(`${spec.name}: bad port mapping ${JSON.stringify(p)}`);
    }
  }
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}
