// Tearing a pod down: it was deleted, or it is no longer in the document or on this node.

import type { Pod } from '../../../shared/model/types.ts';
import { type ContainerGroup, runsOf } from './containerGroups.ts';
import { type PodSyncAction, removeAction, stopAction } from './podSyncActions.ts';
import {
  DEFAULT_GRACE_SECONDS,
  type PodSyncInput,
  type PodSyncResult,
  SANDBOX_STOP_GRACE_SECONDS,
} from './podSyncTypes.ts';
import { runState } from './runState.ts';
import { syncStatus } from './syncStatus.ts';

/** Stop the pod's containers within its grace period, then remove everything, the sandbox last. */
export function planTeardown(
  input: PodSyncInput,
  pod: Pod | undefined,
  groups: Map<string, ContainerGroup>,
): PodSyncResult {
  const grace = remainingGrace(input, pod);
  const actions: PodSyncAction[] = [];
  const all = [...groups.values()].flatMap((g) => runsOf(g));
  const workloads = all.filter((c) => c.identity.role !== 'sandbox');
  const live = workloads.filter((c) => runState(c.container) === 'running');
  for (const c of live) actions.push(stopAction(c, grace));
  if (live.length === 0) {
    for (const c of workloads) actions.push(removeAction(c));
    for (const s of all.filter((c) => c.identity.role === 'sandbox')) {
      if (runState(s.container) === 'running') actions.push(stopAction(s, SANDBOX_STOP_GRACE_SECONDS));
      actions.push(removeAction(s));
    }
  }
  const result: PodSyncResult = { actions, backOff: {}, cleanedUp: all.length === 0 };
  if (pod) result.status = syncStatus(input, pod, groups, new Map());
  return result;
}

/** What is left of the grace period: a restarted agent must not grant a fresh one. */
function remainingGrace(input: PodSyncInput, pod: Pod | undefined): number {
  const grace =
    pod?.metadata.deletionGracePeriodSeconds ??
    pod?.spec.terminationGracePeriodSeconds ??
    input.orphanGraceSeconds ??
    DEFAULT_GRACE_SECONDS;
  const since = pod?.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : Number.NaN;
  if (Number.isNaN(since)) return grace;
  return Math.max(0, Math.ceil((since + grace * 1000 - input.now.getTime()) / 1000));
}
