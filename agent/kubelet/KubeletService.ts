// Puts the kubelet together on the local Docker engine and keeps trying while the engine is not there: an
// agent without a reachable engine still replicates, votes and serves its API, and starts running pods as
// soon as the engine answers (said once in the log, not on every retry).
//
// Parts: DockerRuntime (dockerode), the sandbox image (built locally), pod volumes under
// `<data dir>/pods`, env from ConfigMaps and Secrets in the document, the prober, and the Kubelet loop.

import path from 'node:path';
import Docker from 'dockerode';
import type { Logger } from 'pino';
import type { Service } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import type { EventRecorder } from '../events/EventRecorder.ts';
import { serviceEnvVars } from '../proxy/serviceEnv.ts';
import { INVALID_ENV_NAMES_REASON, invalidEnvNamesMessage, resolvePodEnv } from './env/resolvePodEnv.ts';
import { Kubelet } from './Kubelet.ts';
import type { BackOffConfig } from './plan/backoff.ts';
import { ProbeManager } from './probes/ProbeManager.ts';
import { DockerRuntime } from './runtime/DockerRuntime.ts';
import { ensureSandboxImage } from './sandbox/sandboxImage.ts';
import { podObject } from './sync/podEvents.ts';
import type { PodEnvResolver, PodVolumeManager } from './sync/podSyncDeps.ts';
import { defaultMemoryRoot } from './volumes/memoryRoot.ts';
import { PodVolumes } from './volumes/PodVolumes.ts';

export interface KubeletServiceOptions {
  store: ClusterStore;
  dataDir: string;
  node: string;
  /** The cluster's id, labelled on every container. */
  cluster: string;
  recorder: EventRecorder;
  logger: Logger;
  highestTerm: () => number;
  hostIP: () => string | undefined;
  allowPrivileged?: boolean;
  backOff?: BackOffConfig;
  docker?: Docker;
  /** Full resync period of the kubelet (tests lower it). */
  resyncMs?: number;
  /** Length of one of the probes' seconds in ms (tests lower it). */
  probeMsPerSecond?: number;
  /** Time between tries to reach the engine. */
  retryMs?: number;
  /** Called after an image was pulled, so the Node's image list is refreshed. */
  onImagesChanged?: () => void;
  /** Where pods on this node reach Services (their `*_SERVICE_HOST`), while the proxy serves them. */
  serviceHost?: () => string | undefined;
  /** Where the service DNS answers pods on this node, while it does. */
  clusterDns?: () => string | undefined;
}

const DEFAULT_RETRY_MS = 10_000;

export class KubeletService {
  readonly #o: KubeletServiceOptions;
  readonly #log: Logger;
  #kubelet: Kubelet | undefined;
  #probes: ProbeManager | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastError = '';

  constructor(opts: KubeletServiceOptions) {
    this.#o = opts;
    this.#log = opts.logger;
  }

  /** The runtime once the engine answered (for logs, exec and port-forward). */
  runtime: DockerRuntime | undefined;

  start(): void {
    void this.#tryStart();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#probes?.stop();
    await this.#kubelet?.stop();
  }

  async #tryStart(): Promise<void> {
    if (this.#stopped) return;
    const o = this.#o;
    try {
      const docker = o.docker ?? new Docker();
      const runtime = new DockerRuntime(docker);
      const sandboxImage = await ensureSandboxImage(docker);
      if (this.#stopped) return;
      const probes = new ProbeManager({
        runtime,
        recorder: o.recorder,
        ...(o.probeMsPerSecond ? { msPerSecond: o.probeMsPerSecond } : {}),
      });
      probes.onChange(() => this.#kubelet?.requestSync());
      const memoryRoot = await defaultMemoryRoot(o.dataDir);
      const volumes = new PodVolumes({
        root: path.join(o.dataDir, 'pods'),
        objects: o.store,
        ...(memoryRoot ? { memoryRoot } : {}),
      });
      const kubelet = new Kubelet({
        store: o.store,
        runtime,
        node: o.node,
        cluster: o.cluster,
        logger: this.#log,
        recorder: o.recorder,
        sandboxImage,
        volumes: volumeManager(volumes),
        env: envResolver(o.store, o.recorder, o.serviceHost),
        ...(o.clusterDns ? { clusterDns: o.clusterDns } : {}),
        probes,
        highestTerm: o.highestTerm,
        ...(o.hostIP() ? { hostIP: o.hostIP() as string } : {}),
        allowPrivileged: o.allowPrivileged ?? false,
        ...(o.backOff ? { backOff: o.backOff } : {}),
        ...(o.resyncMs ? { resyncMs: o.resyncMs } : {}),
        ...(o.onImagesChanged ? { onImagePulled: o.onImagesChanged } : {}),
      });
      this.runtime = runtime;
      this.#probes = probes;
      this.#kubelet = kubelet;
      kubelet.start();
      if (this.#lastError) this.#log.info('the container engine answers: this node runs pods again');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.#lastError) {
        this.#log.error(
          { err },
          `the container engine cannot be reached (${message}): this node runs no pods until it can; retrying`,
        );
      }
      this.#lastError = message;
      this.#timer = setTimeout(() => void this.#tryStart(), o.retryMs ?? DEFAULT_RETRY_MS);
      this.#timer.unref();
    }
  }
}

function volumeManager(volumes: PodVolumes): PodVolumeManager {
  return {
    prepare: (pod) => volumes.prepare(pod),
    async removeExcept(keep) {
      for (const uid of await volumes.podUids()) if (!keep.has(uid)) await volumes.remove(uid);
    },
  };
}

/** Env from the document; skipped envFrom keys are told once per pod and source, as the kubelet does. */
function envResolver(
  store: ClusterStore,
  recorder: EventRecorder,
  serviceHost: (() => string | undefined) | undefined,
): PodEnvResolver {
  const told = new Set<string>();
  return {
    resolve(pod) {
      const resolved = resolvePodEnv(pod, store);
      const host = pod.spec.enableServiceLinks === false ? undefined : serviceHost?.();
      if (host) {
        const services = serviceEnvVars(
          store.list('Service') as Service[],
          pod.metadata.namespace ?? 'default',
          host,
        );
        for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
          resolved[c.name] = { ...resolved[c.name], services };
        }
      }
      for (const env of Object.values(resolved)) {
        for (const skipped of env.invalidEnvFromKeys ?? []) {
          const message = invalidEnvNamesMessage(pod, skipped);
          const key = `${pod.metadata.uid}/${message}`;
          if (told.has(key)) continue;
          told.add(key);
          recorder.record({
            involvedObject: podObject(pod),
            type: 'Warning',
            reason: INVALID_ENV_NAMES_REASON,
            message,
          });
        }
      }
      return resolved;
    },
  };
}
