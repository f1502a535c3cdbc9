// Drain, as `shoal drain --ignore-daemonsets --delete-emptydir-data` does it (agent/cli/commands/drain.ts):
// cordon the node, choose its pods with kubectl's filters (shared/workloads/drainFilters.ts), delete each
// (gracefully: the API's DELETE of a pod is an eviction), then watch the node's pods until they are gone,
// reporting progress as each goes. Pods no controller would recreate stop the drain before anything is
// evicted, as kubectl does without --force: the dashboard never destroys them silently.
import { resourcePath, WATCH_PATH } from '../../../shared/api/paths.ts';
import type { Pod } from '../../../shared/model/types.ts';
import { type DrainFlags, planDrain } from '../../../shared/workloads/drainFilters.ts';
import { apiCall, getObject, messageOf } from './apiCall.ts';
import { ClusterError, type DrainProgress, type Transport } from './ClusterConnection.ts';
import { reconnectingSocket } from './reconnectingSocket.ts';
import { readWatchUpdate } from './watchMessages.ts';
import { cordon } from './workloadActions.ts';

export const DASHBOARD_DRAIN_FLAGS: DrainFlags = {
  ignoreDaemonSets: true,
  deleteEmptyDirData: true,
  force: false,
};

const podId = (pod: Pod) => pod.metadata.uid ?? `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;

export async function drainNode(
  transport: Transport,
  node: string,
  onProgress: (p: DrainProgress) => void,
): Promise<void> {
  await cordon(transport, node, true);
  const selector = `spec.nodeName=${node}`;
  const list = await getObject(
    transport,
    `${resourcePath('Pod', undefined)}?${new URLSearchParams({ fieldSelector: selector })}`,
    'Pod list',
  );
  const plan = planDrain(Array.isArray(list.items) ? (list.items as Pod[]) : [], DASHBOARD_DRAIN_FLAGS);
  const pending = new Map<string, Pod>(plan.evict.map((p) => [podId(p), p]));
  const total = pending.size;
  const report = (extra: { done?: boolean; error?: string } = {}) =>
    onProgress({
      remaining: [...pending.values()].map((p) => ({
        namespace: p.metadata.namespace ?? 'default',
        name: p.metadata.name,
      })),
      evicted: total - pending.size,
      total,
      done: extra.done ?? false,
      ...(extra.error !== undefined ? { error: extra.error } : {}),
    });
  const fail = (err: unknown): never => {
    const error = err instanceof ClusterError ? err : new ClusterError(messageOf(err), 500);
    report({ done: true, error: error.message });
    throw error;
  };

  if (plan.errors.length > 0) fail(new ClusterError(plan.errors.join('; '), 400, 'BadRequest'));
  report();
  for (const pod of plan.evict) {
    try {
      await apiCall(transport, {
        method: 'DELETE',
        path: resourcePath('Pod', pod.metadata.namespace, pod.metadata.name),
      });
    } catch (err) {
      // Gone already: that is what we wanted; the watch reports it.
      if (!(err instanceof ClusterError && err.reason === 'NotFound')) fail(err);
    }
  }
  if (pending.size === 0) {
    report({ done: true });
    return;
  }
  await waitUntilGone(transport, selector, pending, () => report()).catch(fail);
  report({ done: true });
}

/** Watches the node's pods until none of `pending` is left, calling `progress` each time one goes. */
function waitUntilGone(
  transport: Transport,
  fieldSelector: string,
  pending: Map<string, Pod>,
  progress: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let present: Set<string> | undefined;
    let finished = false;
    let stop: (() => void) | undefined;
    const finish = (err?: ClusterError) => {
      if (finished) return;
      finished = true;
      stop?.();
      if (err) reject(err);
      else resolve();
    };
    const gone = (id: string) => {
      if (pending.delete(id)) progress();
      if (pending.size === 0) finish();
    };
    const query = new URLSearchParams({ kind: 'Pod', fieldSelector, allowWatchBookmarks: 'true' });
    stop = reconnectingSocket(transport, {
      path: () => `${WATCH_PATH}?${query}`,
      onOpen: () => {
        present = new Set(); // every (re)connection lists the node's pods again
      },
      onMessage: (data, control) => {
        // Every ERROR is retried, even one retrying cannot help: the drain keeps waiting for its pods.
        const m = readWatchUpdate(data, control, true);
        if (m === undefined) return;
        if (m.type === 'BOOKMARK') {
          if (!m.initialEventsEnd || present === undefined) return;
          const listed = present;
          present = undefined;
          control.healthy();
          for (const id of [...pending.keys()]) if (!listed.has(id)) gone(id);
        } else if (m.type === 'DELETED') gone(podId(m.object as Pod));
        else present?.add(podId(m.object as Pod));
      },
      onLost: (error, retryInMs) => {
        if (retryInMs === undefined)
          finish(new ClusterError(error ?? 'the watch of the drained pods failed', 503));
      },
    });
    if (finished) stop();
  });
}
