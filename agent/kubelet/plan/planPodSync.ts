// The kubelet's pure sync of ONE pod: what the document wants against what the engine shows, giving the
// actions that move the engine one step closer, and the status to report.
//
// Level-triggered like Kubernetes' SyncPod: the plan is recomputed from scratch on every sync, so it only
// takes steps it can take now (a container is created once its sandbox runs, a new attempt once back-off
// allows) and the executor syncs again after acting. Running containers that match the pod are never
// touched, which is how a restarted agent adopts its workloads.

import { defaultPullPolicy } from '../../../shared/model/defaults.ts';
import type { Container, Pod } from '../../../shared/model/types.ts';
import {
  type BackOffState,
  backOffAfterExit,
  backOffMessage,
  DEFAULT_BACK_OFF,
  inBackOff,
} from './backoff.ts';
import { type ContainerGroup, groupContainers, groupKey, runsOf } from './containerGroups.ts';
import { buildContainerSpec, buildSandboxSpec } from './containerSpec.ts';
import { type ContainerIdentity, type LabelledContainer, SANDBOX_CONTAINER_NAME } from './labels.ts';
import { planTeardown } from './planTeardown.ts';
import { type PodSyncAction, removeAction, startAction, stopAction } from './podSyncActions.ts';
import {
  DEFAULT_GRACE_SECONDS,
  type PodSyncInput,
  type PodSyncResult,
  SANDBOX_STOP_GRACE_SECONDS,
} from './podSyncTypes.ts';
import { exitCodeOf, runState } from './runState.ts';
import { podIPOf, syncStatus, type Waiting } from './syncStatus.ts';

export type { PodSyncInput, PodSyncResult, PullFailure } from './podSyncTypes.ts';

export function planPodSync(input: PodSyncInput): PodSyncResult {
  const pod = input.pod?.spec.nodeName === input.node ? input.pod : undefined;
  const groups = groupContainers(input.observed);
  if (pod === undefined || pod.metadata.deletionTimestamp !== undefined || !pod.metadata.uid) {
    return planTeardown(input, pod, groups);
  }
  return new PodSync(input, pod, pod.metadata.uid, groups).plan();
}

/** One sync of a pod that should run; collects actions and the waiting reasons that feed its status. */
class PodSync {
  private readonly actions: PodSyncAction[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private readonly backOff: Record<string, BackOffState> = {};
  private readonly now: number;
  private readonly policy: 'Always' | 'OnFailure' | 'Never';
  private readonly grace: number;

  constructor(
    private readonly input: PodSyncInput,
    private readonly pod: Pod,
    private readonly uid: string,
    private readonly groups: Map<string, ContainerGroup>,
  ) {
    this.now = input.now.getTime();
    this.policy = pod.spec.restartPolicy ?? 'Always';
    this.grace = pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    const names = new Set(this.specContainers().map(([, c]) => c.name));
    for (const [name, state] of Object.entries(input.backOff ?? {})) {
      if (names.has(name)) this.backOff[name] = state;
    }
  }

  plan(): PodSyncResult {
    this.cleanUpStrays();
    this.syncPod();
    return {
      actions: this.actions,
      status: syncStatus(this.input, this.pod, this.groups, this.waiting),
      backOff: this.backOff,
      cleanedUp: false,
    };
  }

  private syncPod(): void {
    if (this.isFinished()) {
      // Kubernetes stops the sandbox of a pod that has finished; its containers stay for logs until deletion.
      const sandbox = this.groups.get(groupKey('sandbox', SANDBOX_CONTAINER_NAME))?.current;
      if (sandbox && runState(sandbox.container) === 'running') {
        this.actions.push(stopAction(sandbox, SANDBOX_STOP_GRACE_SECONDS));
      }
      return;
    }
    const sandboxId = this.syncSandbox();
    if (sandboxId === undefined) return;
    if (this.syncInitContainers(sandboxId)) {
      for (const c of this.pod.spec.containers) {
        if (!this.group('app', c.name)?.current) this.waiting.set(c.name, { reason: 'PodInitializing' });
      }
      return;
    }
    for (const c of this.pod.spec.containers) this.syncAppContainer(c, sandboxId);
  }

  /** Runs of containers the pod no longer has, and superseded runs: stop the live ones, remove the rest. */
  private cleanUpStrays(): void {
    const wanted = new Set([
      groupKey('sandbox', SANDBOX_CONTAINER_NAME),
      ...this.specContainers().map(([role, c]) => groupKey(role, c.name)),
    ]);
    for (const [key, group] of this.groups) {
      const strays = wanted.has(key) ? group.extras : runsOf(group);
      for (const c of strays) {
        if (runState(c.container) === 'running') {
          const grace = c.identity.role === 'sandbox' ? SANDBOX_STOP_GRACE_SECONDS : this.grace;
          this.actions.push(stopAction(c, grace));
        } else this.actions.push(removeAction(c));
      }
    }
  }

  /** The id of a running sandbox, or undefined after planning the steps towards one. */
  private syncSandbox(): string | undefined {
    const group = this.group('sandbox', SANDBOX_CONTAINER_NAME);
    const sandbox = group?.current;
    const state = sandbox ? runState(sandbox.container) : 'gone';
    if (sandbox && state === 'running') return sandbox.container.id;
    if (sandbox && state === 'created') {
      this.actions.push(startAction(sandbox));
      return undefined;
    }
    // No sandbox, or it died: the pod's network is gone. Containers still running in it are stopped first,
    // then a new sandbox is made; they get new runs in it on later syncs.
    const live = this.workloadRuns().filter((c) => runState(c.container) === 'running');
    for (const c of live) this.actions.push(stopAction(c, this.grace));
    if (live.length > 0) return undefined;
    if (sandbox) this.actions.push(removeAction(sandbox));
    const identity = this.identity('sandbox', SANDBOX_CONTAINER_NAME, group ? group.maxAttempt + 1 : 0);
    const spec = buildSandboxSpec(this.pod, identity, this.input.sandboxImage, this.input.clusterDns);
    this.actions.push({ type: 'createSandbox', container: SANDBOX_CONTAINER_NAME, spec });
    this.actions.push({ type: 'startContainer', container: SANDBOX_CONTAINER_NAME, name: spec.name });
    return undefined;
  }

  /** True while an init container has yet to succeed (the app containers wait). */
  private syncInitContainers(sandboxId: string): boolean {
    for (const c of this.pod.spec.initContainers ?? []) {
      const current = this.group('init', c.name)?.current;
      const state = current ? runState(current.container) : 'gone';
      if (current && state === 'exited' && exitCodeOf(current.container) === 0) continue;
      if (state === 'running') return true;
      if (current && state === 'created') this.actions.push(startAction(current));
      else if (current && state === 'exited') this.restartAfterBackOff('init', c, current, sandboxId);
      else this.createRun('init', c, sandboxId);
      return true;
    }
    return false;
  }

  private syncAppContainer(c: Container, sandboxId: string): void {
    const current = this.group('app', c.name)?.current;
    const state = current ? runState(current.container) : 'gone';
    if (state === 'running') return;
    if (current && state === 'created') this.actions.push(startAction(current));
    else if (current && state === 'exited') {
      if (this.restarts(exitCodeOf(current.container)))
        this.restartAfterBackOff('app', c, current, sandboxId);
    } else this.createRun('app', c, sandboxId);
  }

  private restarts(exitCode: number): boolean {
    return this.policy === 'Always' || (this.policy === 'OnFailure' && exitCode !== 0);
  }

  private restartAfterBackOff(
    role: 'init' | 'app',
    c: Container,
    current: LabelledContainer,
    sandboxId: string,
  ): void {
    const { startedAt, finishedAt } = current.container;
    const run = {
      ...(startedAt ? { startedAt: startedAt.getTime() } : {}),
      finishedAt: finishedAt?.getTime() ?? startedAt?.getTime() ?? 0,
    };
    const state = backOffAfterExit(this.backOff[c.name], run, this.input.backOffConfig ?? DEFAULT_BACK_OFF);
    this.backOff[c.name] = state;
    if (inBackOff(state, this.now)) {
      const podKey = `${this.pod.metadata.namespace ?? 'default'}/${this.pod.metadata.name}`;
      this.waiting.set(c.name, {
        reason: 'CrashLoopBackOff',
        message: backOffMessage(state, c.name, podKey),
      });
      return;
    }
    this.createRun(role, c, sandboxId);
  }

  /** Pulls (if the policy says so), creates and starts a new run; or says why it cannot yet. */
  private createRun(role: 'init' | 'app', c: Container, sandboxId: string): void {
    const image = c.image;
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    const present = this.input.images.has(image);
    if (policy === 'Never' && !present) {
      this.waiting.set(c.name, {
        reason: 'ErrImageNeverPull',
        message: `Container image "${image}" is not present with pull policy of Never`,
      });
      return;
    }
    const pull = policy === 'Always' || !present;
    const failure = pull ? this.input.pullFailures?.get(image) : undefined;
    if (failure && this.now < failure.retryAt.getTime()) {
      this.waiting.set(c.name, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` });
      return;
    }
    const group = this.group(role, c.name);
    const built = buildContainerSpec({
      pod: this.pod,
      container: c,
      identity: this.identity(role, c.name, group ? group.maxAttempt + 1 : 0),
      sandboxId,
      ...(this.input.resolvedEnv?.[c.name] ? { resolvedEnv: this.input.resolvedEnv[c.name] } : {}),
      volumePaths: this.input.volumePaths ?? {},
      fields: this.fieldValues(),
      allowPrivileged: this.input.allowPrivileged,
    });
    if (!built.ok) {
      this.waiting.set(c.name, { reason: built.reason, message: built.message });
      return;
    }
    if (pull) this.actions.push({ type: 'pullImage', container: c.name, image });
    this.actions.push({ type: 'createContainer', container: c.name, spec: built.spec });
    this.actions.push({ type: 'startContainer', container: c.name, name: built.spec.name });
    this.waiting.set(
      c.name,
      failure ? { reason: 'ErrImagePull', message: failure.message } : { reason: 'ContainerCreating' },
    );
  }

  /** Failed (an init container failed and will not be retried) or done (every app container ended for good). */
  private isFinished(): boolean {
    const finished = (role: 'init' | 'app', c: Container) => {
      const current = this.group(role, c.name)?.current;
      return current !== undefined && runState(current.container) === 'exited' ? current : undefined;
    };
    if (this.policy === 'Never') {
      const initFailed = (this.pod.spec.initContainers ?? []).some((c) => {
        const done = finished('init', c);
        return done !== undefined && exitCodeOf(done.container) !== 0;
      });
      if (initFailed) return true;
    }
    if (this.policy === 'Always') return false;
    const initDone = (this.pod.spec.initContainers ?? []).every((c) => {
      const done = finished('init', c);
      return done !== undefined && exitCodeOf(done.container) === 0;
    });
    return (
      initDone &&
      this.pod.spec.containers.every((c) => {
        const done = finished('app', c);
        return done !== undefined && !this.restarts(exitCodeOf(done.container));
      })
    );
  }

  private fieldValues(): { podIP?: string; hostIP?: string } {
    const podIP = podIPOf(this.input, this.groups);
    return {
      ...(podIP ? { podIP } : {}),
      ...(this.input.hostIP ? { hostIP: this.input.hostIP } : {}),
    };
  }

  private identity(
    role: ContainerIdentity['role'],
    containerName: string,
    attempt: number,
  ): ContainerIdentity {
    return {
      podUid: this.uid,
      podName: this.pod.metadata.name,
      namespace: this.pod.metadata.namespace ?? 'default',
      containerName,
      node: this.input.node,
      role,
      attempt,
      ...(this.input.cluster ? { cluster: this.input.cluster } : {}),
    };
  }

  private group(role: ContainerIdentity['role'], name: string): ContainerGroup | undefined {
    return this.groups.get(groupKey(role, name));
  }

  private specContainers(): Array<['init' | 'app', Container]> {
    return [
      ...(this.pod.spec.initContainers ?? []).map((c): ['init', Container] => ['init', c]),
      ...this.pod.spec.containers.map((c): ['app', Container] => ['app', c]),
    ];
  }

  /** The current runs of the pod's containers (not the sandbox, not strays). */
  private workloadRuns(): LabelledContainer[] {
    return this.specContainers().flatMap(([role, c]) => {
      const current = this.group(role, c.name)?.current;
      return current ? [current] : [];
    });
  }
}
