// What one sync of one pod takes and gives.

import type { Pod, PodStatus } from '../../../shared/model/types.ts';
import type { BackOffConfig, BackOffState } from './backoff.ts';
import type { ResolvedEnv } from './containerSpec.ts';
import type { LabelledContainer } from './labels.ts';
import type { PodSyncAction } from './podSyncActions.ts';

/** A failed pull of an image, kept by the caller (which applies back-off to pulls too). */
export interface PullFailure {
  /** The engine's message, shown with ErrImagePull. */
  message: string;
  /** Until then the image is not pulled again: ImagePullBackOff. */
  retryAt: Date;
}

export interface PodSyncInput {
  /** This node's name. */
  node: string;
  /** The cluster's id, labelled on every container so that clusters sharing an engine stay apart. */
  cluster?: string;
  /** The pod as the document has it; undefined when it is gone or no longer assigned to this node. */
  pod: Pod | undefined;
  /** The pod's containers on the engine (found by its uid label, labels parsed). */
  observed: readonly LabelledContainer[];
  /** Image references present on the engine. */
  images: ReadonlySet<string>;
  pullFailures?: ReadonlyMap<string, PullFailure>;
  /** Crash back-off by pod container name, as returned by the previous sync. */
  backOff?: Readonly<Record<string, BackOffState>>;
  backOffConfig?: BackOffConfig;
  /** ConfigMap and secret values by container name. */
  resolvedEnv?: Readonly<Record<string, ResolvedEnv>>;
  /** Host directory of each volume, by volume name, once prepared. */
  volumePaths?: Readonly<Record<string, string>>;
  allowPrivileged: boolean;
  /** The sandbox image the kubelet built locally. */
  sandboxImage: string;
  /** Where the node's service DNS answers pods (ClusterFirst pods use it), when it does. */
  clusterDns?: string;
  readiness?: Readonly<Record<string, boolean>>;
  started?: Readonly<Record<string, boolean>>;
  hostIP?: string;
  /** Overrides the sandbox's address. */
  podIP?: string;
  startTime?: Date;
  /** Grace period for containers whose pod is gone from the document. */
  orphanGraceSeconds?: number;
  now: Date;
}

export interface PodSyncResult {
  actions: PodSyncAction[];
  /** The status to write; undefined when there is no pod to write it on. */
  status?: PodStatus;
  /** Crash back-off to pass to the next sync. */
  backOff: Record<string, BackOffState>;
  /** The pod is being torn down and nothing of it is left on the engine: it may leave the document. */
  cleanedUp: boolean;
}

export const DEFAULT_GRACE_SECONDS = 30;
/** Nothing runs in a sandbox but a pause process: no reason to wait for it. */
export const SANDBOX_STOP_GRACE_SECONDS = 0;
