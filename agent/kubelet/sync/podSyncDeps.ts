// The parts a pod sync needs besides the runtime, as small interfaces so that the worker can be tested with
// in-memory stand-ins; the agent wires the real ones (volumes on disk, env from the document, probes).

import type { Container, Pod } from '../../../shared/model/types.ts';
import type { ResolvedEnv } from '../plan/containerSpec.ts';

export interface VolumeSetup {
  /** Host directory of each volume that is ready, by volume name. */
  paths: Record<string, string>;
  /** Volumes that could not be set up, in Kubernetes' words. */
  failures: Array<{ volume: string; message: string }>;
}

export interface PodVolumeManager {
  /** Creates or refreshes the pod's volumes; idempotent and cheap when nothing changed. */
  prepare(pod: Pod): Promise<VolumeSetup>;
  /** Removes the volumes of every pod not in `keep` (by uid). */
  removeExcept(keep: ReadonlySet<string>): Promise<void>;
}

export interface PodEnvResolver {
  /** ConfigMap and Secret values for each container of the pod, by container name. */
  resolve(pod: Pod): Record<string, ResolvedEnv>;
}

/** One running container with probes, for the prober. */
export interface ProbeTarget {
  podUid: string;
  /** `namespace/name`, for messages. */
  podKey: string;
  containerName: string;
  /** The engine id of the current run: a new run gets fresh probe state. */
  containerId: string;
  podIP?: string;
  container: Container;
  startedAt: Date;
}

export interface ProbeResults {
  /** The containers to probe now; workers of other containers stop. */
  sync(targets: ProbeTarget[]): void;
  readiness(podUid: string): Record<string, boolean>;
  started(podUid: string): Record<string, boolean>;
  /** The container failed its liveness (or startup) probe: it must be restarted. */
  livenessFailed(containerId: string): boolean;
  stop(): void;
}
