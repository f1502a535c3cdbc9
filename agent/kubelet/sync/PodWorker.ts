// Syncs one pod, one sync at a time: gathers what the pure planner needs (volumes, env, images, probe
// results, fencing), plans, executes, records events and queues the status. Between syncs it keeps what
// Kubernetes keeps per pod in memory: crash back-off, and what it last reported (for events on change).

import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Pod, PodStatus } from '../../../shared/model/types.ts';
import { type ClusterStore, NotFoundError } from '../../../shared/store/ClusterStore.ts';
import type { EventRecorder } from '../../events/EventRecorder.ts';
import type { BackOffConfig, BackOffState } from '../plan/backoff.ts';
import { type ContainerGroup, groupContainers, groupKey } from '../plan/containerGroups.ts';
import {
  type LabelledContainer,
  parseObservedContainers,
  podContainersFilter,
  SANDBOX_CONTAINER_NAME,
} from '../plan/labels.ts';
import { planPodSync } from '../plan/planPodSync.ts';
import { type PodSyncAction, stopAction } from '../plan/podSyncActions.ts';
import { DEFAULT_GRACE_SECONDS } from '../plan/podSyncTypes.ts';
import { runState } from '../plan/runState.ts';
import type { ContainerRuntime } from '../runtime/ContainerRuntime.ts';
import { executeActions, pullFailureMessage } from './executeActions.ts';
import { judgeAssignment } from './fencing.ts';
import type { ImagePulls } from './imagePulls.ts';
import { actionOutcomeEvents, actionStartEvent, podObject, waitingEvents } from './podEvents.ts';
import type { PodEnvResolver, PodVolumeManager, ProbeResults, ProbeTarget } from './podSyncDeps.ts';
import { PullProgressLine } from './pullProgress.ts';
import type { StatusWriter } from './StatusWriter.ts';

/** Plans in a row for one pod while it starts: sandbox, init containers, app containers, status. */
const MAX_ROUNDS = 6;
/** A pod whose inputs have not changed is still synced this often. */
const SETTLED_RESYNC_MS = 10_000;

export interface PodWorkerDeps {
  store: ClusterStore;
  runtime: ContainerRuntime;
  node: string;
  cluster?: string;
  recorder: EventRecorder;
  sandboxImage: string;
  /** Where the service DNS answers pods, while it does. */
  clusterDns?: () => string | undefined;
  volumes: PodVolumeManager;
  env: PodEnvResolver;
  probes: ProbeResults;
  highestTerm: () => number;
  hostIP?: string;
  allowPrivileged: boolean;
  backOff: BackOffConfig;
  pulls: ImagePulls;
  status: StatusWriter;
  requestSync: () => void;
  onImagePulled?: () => void;
}

export class PodWorker {
  readonly #uid: string;
  readonly #d: PodWorkerDeps;
  readonly #log: Logger;
  #running: Promise<void> | undefined;
  #dirty = false;
  #backOff: Record<string, BackOffState> = {};
  #reported: PodStatus | undefined;
  #mountMessages = new Set<string>();
  #fenced = false;
  #lastPod: Pod | undefined;
  #targets: ProbeTarget[] = [];
  #lastFingerprint = '';
  #lastSyncAt = 0;
  /** Nothing of the pod is left, in the document or on the engine. */
  finished = false;

  constructor(uid: string, deps: PodWorkerDeps, logger: Logger) {
    this.#uid = uid;
    this.#d = deps;
    this.#log = logger;
  }

  /** Syncs with this snapshot now, or once the current sync is done (with a fresh one). */
  offer(pod: Pod | undefined, observed: readonly LabelledContainer[]): void {
    if (this.#running) {
      this.#dirty = true;
      return;
    }
    if (this.finished && pod === undefined && observed.length === 0) return;
    const fingerprint = this.#fingerprint(pod, observed);
    if (this.#settled(fingerprint)) return;
    this.#lastFingerprint = fingerprint;
    this.#lastSyncAt = Date.now();
    this.#running = this.#sync(pod, observed)
      .catch((err: unknown) => this.#log.warn({ err }, 'pod sync failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#dirty) {
          this.#dirty = false;
          this.#d.requestSync();
        }
      });
  }

  /**
   * Nothing the plan depends on changed since the last sync, and nothing is waiting on the clock (back-off,
   * a pull retry): the plan would be the same, so the node's once-a-second tick skips the pod. A full sync
   * still runs every SETTLED_RESYNC_MS, which also refreshes configMap and secret volumes.
   */
  #settled(fingerprint: string): boolean {
    if (fingerprint !== this.#lastFingerprint || Date.now() - this.#lastSyncAt >= SETTLED_RESYNC_MS)
      return false;
    const statuses = [
      ...(this.#reported?.initContainerStatuses ?? []),
      ...(this.#reported?.containerStatuses ?? []),
    ];
    return statuses.every((s) => s.state?.waiting === undefined);
  }

  #fingerprint(pod: Pod | undefined, observed: readonly LabelledContainer[]): string {
    const containers = observed.map((c) => `${c.container.id}:${c.container.state}`).sort();
    const probes = pod
      ? JSON.stringify([this.#d.probes.readiness(this.#uid), this.#d.probes.started(this.#uid)])
      : '';
    const failed = observed.some((c) => this.#d.probes.livenessFailed(c.container.id));
    return `${pod?.metadata.resourceVersion ?? '-'}|${containers.join(',')}|${probes}|${failed}|${this.#fenced}`;
  }

  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  probeTargets(): ProbeTarget[] {
    return this.#targets;
  }

  /**
   * Syncs, and while a live pod is starting up (sandbox started, containers created) looks at its own
   * containers again and goes on, rather than waiting for the next tick of the whole node: each step of a
   * pod's start needs the previous one done, and this is what pod start latency is made of.
   */
  async #sync(pod: Pod | undefined, observed: readonly LabelledContainer[]): Promise<void> {
    let current = observed;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const progressed = await this.#syncOnce(pod, current);
      if (!progressed || pod === undefined || pod.metadata.deletionTimestamp !== undefined) break;
      const fresh =
        pod && (this.#d.store.get('Pod', pod.metadata.namespace, pod.metadata.name) as Pod | undefined);
      if (
        fresh?.metadata.uid !== this.#uid ||
        fresh.metadata.resourceVersion !== pod.metadata.resourceVersion
      ) {
        break; // the pod changed meanwhile: the tick it caused brings the new version
      }
      const found = await this.#d.runtime.listContainers(podContainersFilter(this.#uid));
      current = parseObservedContainers(found).labelled.filter(
        (c) => c.identity.node === this.#d.node && c.identity.cluster === this.#d.cluster,
      );
    }
  }

  /** One plan and its execution; true when it started something worth looking at again at once. */
  async #syncOnce(pod: Pod | undefined, observed: readonly LabelledContainer[]): Promise<boolean> {
    const d = this.#d;
    if (pod) this.#lastPod = pod;
    if (pod && !this.#accepted(pod, observed)) return false;
    const live = pod !== undefined && pod.metadata.deletionTimestamp === undefined;
    const volumes = live ? await d.volumes.prepare(pod) : { paths: {}, failures: [] };
    if (pod) this.#recordMountFailures(pod, volumes.failures);
    const images = pod
      ? await d.pulls.presentOf(
          [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.image),
        )
      : new Set<string>();
    const result = planPodSync({
      node: d.node,
      ...(d.cluster ? { cluster: d.cluster } : {}),
      pod,
      observed,
      images,
      pullFailures: d.pulls.failures,
      backOff: this.#backOff,
      backOffConfig: d.backOff,
      resolvedEnv: live ? d.env.resolve(pod) : {},
      volumePaths: volumes.paths,
      allowPrivileged: d.allowPrivileged,
      sandboxImage: d.sandboxImage,
      ...(d.clusterDns?.() ? { clusterDns: d.clusterDns() as string } : {}),
      readiness: d.probes.readiness(this.#uid),
      started: d.probes.started(this.#uid),
      ...(d.hostIP ? { hostIP: d.hostIP } : {}),
      orphanGraceSeconds: this.#lastPod?.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
      now: new Date(),
    });
    this.#backOff = result.backOff;
    const actions = [...(live ? this.#livenessKills(pod, observed) : []), ...result.actions];
    this.#targets = live ? this.#probeTargets(pod, observed) : [];

    if (result.status && pod) {
      for (const e of waitingEvents(pod, this.#reported ?? pod.status, result.status)) d.recorder.record(e);
      this.#reported = result.status;
      d.status.set(pod, result.status);
    }
    if (actions.length > 0) {
      const pullErrors = await this.#execute(pod ?? this.#lastPod, actions);
      if (pod && result.status && pullErrors.size > 0)
        await this.#reportPullErrors(pod, result.status, pullErrors);
    }

    if (result.cleanedUp) {
      this.#targets = [];
      if (pod?.metadata.deletionTimestamp !== undefined) await this.#removeFromDocument(pod);
      if (pod === undefined || pod.metadata.deletionTimestamp !== undefined) this.finished = true;
    }
    // Acting changed the engine: look again soon rather than at the next resync.
    if (actions.length > 0) d.requestSync();
    return actions.some((a) => a.type === 'startContainer');
  }

  #accepted(pod: Pod, observed: readonly LabelledContainer[]): boolean {
    const verdict = judgeAssignment(pod, this.#d.highestTerm(), observed.length > 0, this.#d.hostIP);
    if (verdict.accepted) {
      this.#fenced = false;
      return true;
    }
    if (!this.#fenced) {
      this.#fenced = true;
      this.#log.warn(verdict.message);
      this.#d.recorder.record({
        involvedObject: podObject(pod),
        type: 'Warning',
        reason: 'AssignmentRefused',
        message: verdict.message,
      });
    }
    const status: PodStatus = {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'AssignmentRefused',
          message: verdict.message,
          lastTransitionTime:
            pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')
              ?.lastTransitionTime ?? new Date().toISOString(),
        },
      ],
    };
    if (!isDeepStrictEqual(pod.status, status)) this.#d.status.set(pod, status);
    return false;
  }

  /** Containers whose liveness probe failed are stopped; the next sync restarts them per restartPolicy. */
  #livenessKills(pod: Pod, observed: readonly LabelledContainer[]): PodSyncAction[] {
    const actions: PodSyncAction[] = [];
    for (const c of observed) {
      if (c.identity.role !== 'app' || runState(c.container) !== 'running') continue;
      if (!this.#d.probes.livenessFailed(c.container.id)) continue;
      this.#d.recorder.record({
        involvedObject: podObject(pod, `spec.containers{${c.identity.containerName}}`),
        type: 'Normal',
        reason: 'Killing',
        message: `Container ${c.identity.containerName} failed liveness probe, will be restarted`,
      });
      actions.push(stopAction(c, pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS));
    }
    return actions;
  }

  #probeTargets(pod: Pod, observed: readonly LabelledContainer[]): ProbeTarget[] {
    const groups = groupContainers(observed);
    const podIP = sandboxIP(groups);
    const targets: ProbeTarget[] = [];
    for (const spec of pod.spec.containers) {
      if (!spec.livenessProbe && !spec.readinessProbe && !spec.startupProbe) continue;
      const current = groups.get(groupKey('app', spec.name))?.current;
      if (!current || runState(current.container) !== 'running') continue;
      targets.push({
        podUid: this.#uid,
        podKey: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
        containerName: spec.name,
        containerId: current.container.id,
        ...(podIP ? { podIP } : {}),
        container: spec,
        startedAt: current.container.startedAt ?? new Date(),
      });
    }
    return targets;
  }

  /** Returns the failed pulls' messages by image. */
  async #execute(pod: Pod | undefined, actions: PodSyncAction[]): Promise<Map<string, string>> {
    const pullErrors = new Map<string, string>();
    const progress: Record<string, PullProgressLine> = {};
    const { recorder, pulls } = this.#d;
    const outcomes = await executeActions(this.#d.runtime, actions, {
      onStart: (action) => {
        const e = pod && actionStartEvent(pod, action);
        if (e) recorder.record(e);
      },
      onPullProgress: (image, event) => {
        progress[image] ??= new PullProgressLine();
        const line = progress[image].update(event);
        if (!line || !pod) return;
        const container = actions.find((a) => a.type === 'pullImage' && a.image === image)?.container ?? '';
        const start = actionStartEvent(pod, { type: 'pullImage', container, image });
        if (start) recorder.record({ ...start, message: `Pulling image "${image}": ${line}` });
      },
    });
    for (const outcome of outcomes) {
      const { action } = outcome;
      if (action.type === 'pullImage') {
        if (outcome.ok) {
          pulls.pulled(action.image);
          this.#d.onImagePulled?.();
        } else {
          pulls.failed(action.image, pullFailureMessage(outcome.error));
          pullErrors.set(action.image, pullFailureMessage(outcome.error));
        }
      }
      if (!outcome.ok) {
        this.#log.warn(
          { err: outcome.error, action: action.type, container: action.container },
          `${action.type} failed`,
        );
      }
      if (pod) for (const e of actionOutcomeEvents(pod, outcome)) recorder.record(e);
    }
    return pullErrors;
  }

  /**
   * Kubernetes shows ErrImagePull right after a failed pull, and ImagePullBackOff from the next sync on. The
   * next sync comes soon, so this status is written at once rather than batched away behind it.
   */
  async #reportPullErrors(pod: Pod, planned: PodStatus, errors: ReadonlyMap<string, string>): Promise<void> {
    const status = structuredClone(planned);
    const images = new Map(
      [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => [c.name, c.image]),
    );
    for (const s of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
      const message = errors.get(images.get(s.name) ?? '');
      if (message !== undefined && s.state?.waiting)
        s.state = { waiting: { reason: 'ErrImagePull', message } };
    }
    this.#reported = status;
    this.#d.status.set(pod, status);
    await this.#d.status.flush();
  }

  #recordMountFailures(pod: Pod, failures: ReadonlyArray<{ volume: string; message: string }>): void {
    const now = new Set<string>();
    for (const f of failures) {
      const message = `MountVolume.SetUp failed for volume "${f.volume}" : ${f.message}`;
      now.add(message);
      if (this.#mountMessages.has(message)) continue;
      this.#d.recorder.record({
        involvedObject: podObject(pod),
        type: 'Warning',
        reason: 'FailedMount',
        message,
      });
    }
    this.#mountMessages = now;
  }

  /** The pod was deleted and nothing of it is left on the engine: it may leave the document. */
  async #removeFromDocument(pod: Pod): Promise<void> {
    const { store } = this.#d;
    const namespace = pod.metadata.namespace ?? 'default';
    const current = store.get('Pod', namespace, pod.metadata.name);
    if (current?.metadata.uid !== this.#uid) return;
    try {
      await store.delete('Pod', namespace, pod.metadata.name);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}

function sandboxIP(groups: Map<string, ContainerGroup>): string | undefined {
  const sandbox = groups.get(groupKey('sandbox', SANDBOX_CONTAINER_NAME))?.current;
  return sandbox && runState(sandbox.container) === 'running' ? sandbox.container.ipAddress : undefined;
}
