// The kubelet's prober: keeps one ProbeWorker per probe of each running app container that has probes,
// and answers the pod worker's questions (ready? started? liveness failed?) from their results.
//
// The kubelet calls `sync` with every such container at each sync; a container id not seen before gets
// fresh workers (a restarted container is a new run, with fresh results, as in Kubernetes), an id no
// longer listed loses its workers. Whenever an answer changes, `onChange` listeners hear of it so the
// kubelet can resync that pod; every failed attempt is also an `Unhealthy` Warning event on the pod.
//
// Kubernetes' rules kept here: a startup probe holds back liveness and readiness until it succeeds, and
// its reaching failureThreshold counts as a liveness failure; a container without a readiness probe is
// ready once started.

import type { EventRecorder } from '../../events/EventRecorder.ts';
import type { ContainerRuntime } from '../runtime/ContainerRuntime.ts';
import type { ProbeResults, ProbeTarget } from '../sync/podSyncDeps.ts';
import { ProbeWorker } from './ProbeWorker.ts';
import { PROBE_LABEL, type ProbeKind, type ProbeOutcome } from './probeTypes.ts';

export interface ProbeManagerOptions {
  runtime: ContainerRuntime;
  recorder: EventRecorder;
  /** Length of one of the probes' seconds, in ms; default 1000. Tests shrink it. */
  msPerSecond?: number;
}

/** What changed: the kubelet resyncs this pod. */
export interface ProbeChange {
  podUid: string;
  containerName: string;
  containerId: string;
}

/** The answers for one container run. */
interface ProbeVerdict {
  ready: boolean;
  started: boolean;
  livenessFailed: boolean;
}

interface ContainerProbes {
  target: ProbeTarget;
  workers: Map<ProbeKind, ProbeWorker>;
  verdict: ProbeVerdict;
}

const KINDS = ['startup', 'liveness', 'readiness'] as const satisfies readonly ProbeKind[];

export class ProbeManager implements ProbeResults {
  readonly #o: ProbeManagerOptions;
  readonly #msPerSecond: number;
  /** By container id (one run of one container). */
  readonly #containers = new Map<string, ContainerProbes>();
  readonly #listeners = new Set<(change: ProbeChange) => void>();
  #stopped = false;

  constructor(options: ProbeManagerOptions) {
    this.#o = options;
    this.#msPerSecond = options.msPerSecond ?? 1000;
  }

  /** Calls `listener` whenever a container's readiness, started or liveness answer changes. */
  onChange(listener: (change: ProbeChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sync(targets: ProbeTarget[]): void {
    if (this.#stopped) return;
    const listed = new Set<string>();
    for (const target of targets) {
      listed.add(target.containerId);
      const known = this.#containers.get(target.containerId);
      // Same run: keep the workers and their results, but take the latest facts (the pod IP).
      if (known) known.target = target;
      else this.#add(target);
    }
    for (const [id, entry] of this.#containers) {
      if (listed.has(id)) continue;
      for (const worker of entry.workers.values()) worker.stop();
      this.#containers.delete(id);
    }
  }

  /** Readiness of each probed container of the pod, by container name (others are ready once running). */
  readiness(podUid: string): Record<string, boolean> {
    return this.#byName(podUid, (v) => v.ready);
  }

  /** Whether each probed container of the pod has started (passed its startup probe, if any). */
  started(podUid: string): Record<string, boolean> {
    return this.#byName(podUid, (v) => v.started);
  }

  livenessFailed(containerId: string): boolean {
    return this.#containers.get(containerId)?.verdict.livenessFailed ?? false;
  }

  stop(): void {
    this.#stopped = true;
    for (const entry of this.#containers.values()) for (const worker of entry.workers.values()) worker.stop();
    this.#containers.clear();
    this.#listeners.clear();
  }

  #add(target: ProbeTarget): void {
    const entry: ContainerProbes = {
      target,
      workers: new Map(),
      verdict: { ready: false, started: false, livenessFailed: false },
    };
    const { container } = target;
    const probes = {
      startup: container.startupProbe,
      liveness: container.livenessProbe,
      readiness: container.readinessProbe,
    };
    for (const kind of KINDS) {
      const probe = probes[kind];
      if (!probe) continue;
      entry.workers.set(
        kind,
        new ProbeWorker({
          kind,
          probe,
          target: () => entry.target,
          runtime: this.#o.runtime,
          msPerSecond: this.#msPerSecond,
          mayProbe: () => kind === 'startup' || (entry.workers.get('startup')?.value ?? true),
          onAttempt: (worker, outcome) => this.#attempted(entry, worker, outcome),
        }),
      );
    }
    entry.verdict = verdictOf(entry.workers);
    this.#containers.set(target.containerId, entry);
    for (const worker of entry.workers.values()) worker.start();
  }

  #attempted(entry: ContainerProbes, worker: ProbeWorker, outcome: ProbeOutcome): void {
    if (outcome.result !== 'success') this.#recordUnhealthy(entry.target, worker.kind, outcome);
    const before = entry.verdict;
    entry.verdict = verdictOf(entry.workers);
    if (!before.started && entry.verdict.started) {
      // Liveness and readiness were waiting for this: run them now rather than a period later.
      for (const other of entry.workers.values()) if (other !== worker) other.probeSoon();
    }
    if (
      before.ready !== entry.verdict.ready ||
      before.started !== entry.verdict.started ||
      before.livenessFailed !== entry.verdict.livenessFailed
    ) {
      const { podUid, containerName, containerId } = entry.target;
      for (const listener of [...this.#listeners]) listener({ podUid, containerName, containerId });
    }
  }

  #recordUnhealthy(target: ProbeTarget, kind: ProbeKind, outcome: ProbeOutcome & { message: string }): void {
    const slash = target.podKey.indexOf('/');
    const namespace = slash === -1 ? undefined : target.podKey.slice(0, slash);
    const name = slash === -1 ? target.podKey : target.podKey.slice(slash + 1);
    const verb = outcome.result === 'failure' ? 'failed' : 'errored';
    this.#o.recorder.record({
      involvedObject: {
        kind: 'Pod',
        ...(namespace !== undefined ? { namespace } : {}),
        name,
        uid: target.podUid,
        fieldPath: `spec.containers{${target.containerName}}`,
      },
      type: 'Warning',
      reason: 'Unhealthy',
      message: `${PROBE_LABEL[kind]} probe ${verb}: ${outcome.message}`,
    });
  }

  #byName(podUid: string, pick: (v: ProbeVerdict) => boolean): Record<string, boolean> {
    // Two runs of one container can be listed for a moment (the failed one still stopping): the later wins.
    const latest = new Map<string, ContainerProbes>();
    for (const entry of this.#containers.values()) {
      if (entry.target.podUid !== podUid) continue;
      const seen = latest.get(entry.target.containerName);
      if (!seen || seen.target.startedAt <= entry.target.startedAt)
        latest.set(entry.target.containerName, entry);
    }
    const out: Record<string, boolean> = {};
    for (const [name, entry] of latest) out[name] = pick(entry.verdict);
    return out;
  }
}

function verdictOf(workers: Map<ProbeKind, ProbeWorker>): ProbeVerdict {
  const startup = workers.get('startup');
  const started = startup?.value ?? true;
  return {
    started,
    ready: started && (workers.get('readiness')?.value ?? true),
    livenessFailed: (workers.get('liveness')?.failed ?? false) || (startup?.failed ?? false),
  };
}
