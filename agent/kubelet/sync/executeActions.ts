// The thin executor of one pod's planned actions: runs them in order against the runtime and reports what
// happened, for events and for the next plan. It decides nothing: once an action of a pod container fails,
// the rest of that container's actions are skipped (no create after a failed pull) and the next sync plans
// again from what the engine then shows. A failed sandbox step skips everything after it. Consecutive stops
// run in parallel.

import { SANDBOX_CONTAINER_NAME } from '../plan/labels.ts';
import type { PodSyncAction } from '../plan/podSyncActions.ts';
import {
  type ContainerRuntime,
  ImagePullError,
  NotFoundError,
  type PullProgress,
} from '../runtime/ContainerRuntime.ts';

export type ActionOutcome =
  | { action: PodSyncAction; ok: true; ms: number; id?: string }
  | { action: PodSyncAction; ok: false; error: Error };

export interface ExecuteOptions {
  onPullProgress?: (image: string, event: PullProgress) => void;
  /** Called before each action, so that events (Pulling…) are recorded as it begins. */
  onStart?: (action: PodSyncAction) => void;
  pullTimeoutMs?: number;
}

export async function executeActions(
  runtime: ContainerRuntime,
  actions: readonly PodSyncAction[],
  options: ExecuteOptions = {},
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  const failed = new Set<string>();
  const createdIds = new Map<string, string>();
  const runOne = async (action: PodSyncAction): Promise<void> => {
    if (failed.has(action.container) || failed.has(SANDBOX_CONTAINER_NAME)) return;
    options.onStart?.(action);
    const started = Date.now();
    try {
      const id = await run(runtime, action, createdIds, options);
      outcomes.push({ action, ok: true, ms: Date.now() - started, ...(id ? { id } : {}) });
    } catch (err) {
      failed.add(action.container);
      outcomes.push({ action, ok: false, error: err instanceof Error ? err : new Error(String(err)) });
    }
  };
  for (let i = 0; i < actions.length; ) {
    // Consecutive stops run together, as the kubelet kills a pod's containers in parallel: each gets its
    // grace period at the same time, not one after another.
    let j = i;
    while (j < actions.length && actions[j]?.type === 'stopContainer') j++;
    if (j > i + 1) {
      await Promise.all(actions.slice(i, j).map(runOne));
      i = j;
    } else {
      await runOne(actions[i] as PodSyncAction);
      i++;
    }
  }
  return outcomes;
}

async function run(
  runtime: ContainerRuntime,
  action: PodSyncAction,
  createdIds: Map<string, string>,
  options: ExecuteOptions,
): Promise<string | undefined> {
  switch (action.type) {
    case 'pullImage':
      await runtime.pullImage(action.image, {
        ...(options.onPullProgress
          ? { onProgress: (e: PullProgress) => options.onPullProgress?.(action.image, e) }
          : {}),
        ...(options.pullTimeoutMs ? { timeoutMs: options.pullTimeoutMs } : {}),
      });
      return undefined;
    case 'createSandbox':
    case 'createContainer': {
      const id = await runtime.createContainer(action.spec);
      createdIds.set(action.spec.name, id);
      return id;
    }
    case 'startContainer': {
      const id = action.id ?? createdIds.get(action.name);
      if (id === undefined) throw new Error(`no container named ${action.name} was created`);
      await runtime.startContainer(id);
      return id;
    }
    case 'stopContainer':
      await runtime.stopContainer(action.id, action.graceSeconds);
      return undefined;
    case 'removeContainer':
    case 'removeSandbox':
      try {
        await runtime.removeContainer(action.id, { force: true });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err; // already gone: what we wanted
      }
      return undefined;
  }
}

/** The message Kubernetes shows with ErrImagePull. */
export function pullFailureMessage(err: Error): string {
  return err instanceof ImagePullError ? err.reason : err.message;
}
