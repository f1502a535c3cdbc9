// The kubelet of this agent's machine: runs the pods the document assigns to this node on the local engine
// and reports what really happens. This file only wires the loop; the decisions are the pure planner's
// (plan/planPodSync.ts) and the I/O is the executor's (sync/executeActions.ts).
//
// Loop (level-triggered, like Kubernetes' SyncLoop):
//   - a tick is requested when a Pod changes in the document, when a pod worker acted, when a probe result
//     changed, and every `resyncMs` (containers die without telling the document);
//   - a tick lists this node's containers once (by label), groups them by pod uid and hands each pod, with
//     its containers, to its PodWorker. A worker syncs one pod at a time, so a slow pull or a 30 s grace
//     period holds up only its own pod; a busy worker is marked dirty and resynced when it finishes;
//   - a worker prepares volumes and env, plans, executes, records events and queues the status, which the
//     StatusWriter writes for all pods in one document change.
// Containers of pods that are gone from the document (or from this node) are torn down the same way.
// Stopping the kubelet stops the loop only: containers keep running (static stability) and a restarted
// agent adopts them, because the planner never touches a running container that matches its pod.

import type { Logger } from 'pino';
import type { Pod } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { EventRecorder } from '../events/EventRecorder.ts';
import { type BackOffConfig, DEFAULT_BACK_OFF } from './plan/backoff.ts';
import {
  groupByPod,
  type LabelledContainer,
  nodeContainersFilter,
  parseObservedContainers,
} from './plan/labels.ts';
import type { ContainerRuntime } from './runtime/ContainerRuntime.ts';
import { ImagePulls } from './sync/imagePulls.ts';
import { PodWorker, type PodWorkerDeps } from './sync/PodWorker.ts';
import type { PodEnvResolver, PodVolumeManager, ProbeResults } from './sync/podSyncDeps.ts';
import { StatusWriter } from './sync/StatusWriter.ts';

export interface KubeletOptions {
  store: ClusterStore;
  runtime: ContainerRuntime;
  /** This node's name: pods with this `spec.nodeName` run here. */
  node: string;
  /** The cluster's id: only containers labelled with it (and the node) are this kubelet's. */
  cluster?: string;
  logger: Logger;
  recorder: EventRecorder;
  /** The pause image the sandboxes run (ensureSandboxImage). */
  sandboxImage: string;
  /** Where the service DNS answers pods, while it does (ClusterFirst pods get it as their nameserver). */
  clusterDns?: () => string | undefined;
  volumes: PodVolumeManager;
  env: PodEnvResolver;
  probes: ProbeResults;
  /** The highest leader term this node has seen, for fencing assignments. */
  highestTerm: () => number;
  /** The address pods see as `status.hostIP`. */
  hostIP?: string;
  allowPrivileged?: boolean;
  backOff?: BackOffConfig;
  /** Called after an image was pulled (the Node lists its images). */
  onImagePulled?: () => void;
  /** Full resync period; default 1 s (one list of this node's containers). */
  resyncMs?: number;
}

const DEFAULT_RESYNC_MS = 1_000;

export class Kubelet {
  readonly #o: KubeletOptions;
  readonly #log: Logger;
  readonly #workers = new Map<string, PodWorker>();
  readonly #status: StatusWriter;
  readonly #deps: PodWorkerDeps;
  #timer: NodeJS.Timeout | undefined;
  #pending: NodeJS.Immediate | undefined;
  #ticking = false;
  #again = false;
  #stopped = false;
  #unwatch: (() => void) | undefined;
  #lastError = '';
  #currentTick: Promise<void> = Promise.resolve();
  #volumesStale = true;

  constructor(opts: KubeletOptions) {
    this.#o = opts;
    this.#log = opts.logger;
    this.#status = new StatusWriter(opts.store, opts.logger);
    this.#deps = {
      ...opts,
      backOff: opts.backOff ?? DEFAULT_BACK_OFF,
      allowPrivileged: opts.allowPrivileged ?? false,
      pulls: new ImagePulls(opts.runtime, opts.backOff ?? DEFAULT_BACK_OFF),
      status: this.#status,
      requestSync: () => this.requestSync(),
    };
  }

  start(): void {
    this.#unwatch = this.#o.store.watch('Pod', (event) => {
      const pod = event.object as Pod;
      if (pod.spec.nodeName === this.#o.node || this.#workers.has(pod.metadata.uid ?? '')) this.requestSync();
    });
    this.#timer = setInterval(() => this.requestSync(), this.#o.resyncMs ?? DEFAULT_RESYNC_MS);
    this.requestSync();
    this.#log.info({ node: this.#o.node }, 'kubelet started');
  }

  /** Asks for a tick soon; many requests in one turn of the event loop make one tick. */
  requestSync(): void {
    if (this.#stopped || this.#pending) return;
    this.#pending = setImmediate(() => {
      this.#pending = undefined;
      void this.#tick();
    });
  }

  /** Stops the loop and waits for the workers' current syncs; containers are left running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unwatch?.();
    clearInterval(this.#timer);
    if (this.#pending) clearImmediate(this.#pending);
    // A tick still listing containers must not hand pods to workers after this returns.
    await this.#currentTick;
    await Promise.all([...this.#workers.values()].map((w) => w.idle()));
    await this.#status.close();
  }

  async #tick(): Promise<void> {
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    let done: () => void = () => {};
    this.#currentTick = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await this.#syncAll();
      if (this.#lastError) {
        this.#log.info('the container engine answers again');
        this.#lastError = '';
      }
    } catch (err) {
      // The engine is down or slow: say so once, keep the pods as they are, try again next tick.
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.#lastError) this.#log.error({ err }, 'kubelet sync failed');
      this.#lastError = message;
    } finally {
      this.#ticking = false;
      done();
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.requestSync();
      }
    }
  }

  async #syncAll(): Promise<void> {
    const found = await this.#o.runtime.listContainers(nodeContainersFilter(this.#o.node, this.#o.cluster));
    if (this.#stopped) return;
    const { labelled, ignored } = parseObservedContainers(found);
    for (const c of ignored) {
      this.#log.debug({ container: c.container.name, reason: c.reason }, 'ignored a container');
    }
    // Only containers labelled with this node and cluster: other agents on the same engine own the rest.
    const byPod = groupByPod(
      labelled.filter((c) => c.identity.node === this.#o.node && c.identity.cluster === this.#o.cluster),
    );
    const pods = new Map<string, Pod>();
    for (const pod of this.#o.store.list('Pod') as Pod[]) {
      if (pod.spec.nodeName === this.#o.node && pod.metadata.uid) pods.set(pod.metadata.uid, pod);
    }
    const uids = new Set([...pods.keys(), ...byPod.keys(), ...this.#workers.keys()]);
    for (const uid of uids) {
      const pod = pods.get(uid);
      const observed: LabelledContainer[] = byPod.get(uid) ?? [];
      let worker = this.#workers.get(uid);
      if (!worker) {
        worker = new PodWorker(uid, this.#deps, this.#log.child({ pod: podKeyOf(pod, observed) }));
        this.#workers.set(uid, worker);
      }
      worker.offer(pod, observed);
      if (worker.finished) {
        this.#workers.delete(uid);
        this.#volumesStale = true;
      }
    }
    this.#o.probes.sync([...this.#workers.values()].flatMap((w) => w.probeTargets()));
    // Volumes of pods that are gone: after a pod finished, and once at start (a restarted agent's leftovers),
    // not on every tick.
    if (this.#volumesStale) {
      this.#volumesStale = false;
      await this.#o.volumes.removeExcept(new Set([...pods.keys(), ...byPod.keys(), ...this.#workers.keys()]));
    }
  }
}

function podKeyOf(pod: Pod | undefined, observed: readonly LabelledContainer[]): string {
  if (pod) return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
  const id = observed[0]?.identity;
  return id ? `${id.namespace}/${id.podName}` : '?';
}
