// `shoal apply --wait`: follows the pods just applied until each runs (or finishes), printing what their
// kubelets report on the way — image pull progress, pull failures, crash loops — from the cluster's events
// and the pods' status, so a person waiting sees why it takes long. Watches, never polls.

import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import type { ApiClient, WatchHandle } from './apiClient.ts';

export interface PodWaitResult {
  /** Pods that reached Running (all containers ready) or Succeeded. */
  ok: string[];
  /** Pods that failed, or are stuck in a state that will not fix itself, with why. */
  failed: Array<{ pod: string; reason: string }>;
  /** Pods still waiting when the time ran out. */
  pending: string[];
}

/** Waiting reasons that need the user, not time: stop waiting for that pod. */
const HOPELESS = new Set(['ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError']);

const keyOf = (o: Pick<KubeObject, 'metadata'>) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

/** What a pod's status says about it: done, hopeless, or still on its way (with a line to show). */
export function judgePod(pod: Pod): { state: 'ok' | 'failed' | 'waiting'; line?: string } {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return { state: 'ok', line: 'Succeeded' };
  if (phase === 'Failed') return { state: 'failed', line: 'Failed' };
  const statuses = pod.status?.containerStatuses ?? [];
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...statuses]) {
    const w = s.state?.waiting;
    if (w?.reason && HOPELESS.has(w.reason))
      return { state: 'failed', line: `${w.reason}: ${w.message ?? ''}` };
  }
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (phase === 'Running' && ready) return { state: 'ok', line: 'Running' };
  const waiting = statuses.map((s) => s.state?.waiting?.reason).find((r) => r && r !== 'ContainerCreating');
  return { state: 'waiting', line: waiting ?? phase ?? 'Pending' };
}

export async function waitForPods(
  client: ApiClient,
  pods: readonly KubeObject[],
  timeoutMs: number,
  print: (line: string) => void,
): Promise<PodWaitResult> {
  const wanted = new Map(pods.map((p) => [keyOf(p), p.metadata.uid]));
  const result: PodWaitResult = { ok: [], failed: [], pending: [] };
  if (wanted.size === 0) return result;
  const lastLine = new Map<string, string>();
  const settled = new Set<string>();
  const handles: WatchHandle[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const say = (pod: string, line: string) => {
    if (lastLine.get(pod) === line) return;
    lastLine.set(pod, line);
    print(`pod/${pod.split('/')[1]}: ${line}`);
  };
  const settle = (pod: string, outcome: 'ok' | 'failed', reason: string) => {
    if (settled.has(pod)) return;
    settled.add(pod);
    if (outcome === 'ok') result.ok.push(pod);
    else result.failed.push({ pod, reason });
    if (settled.size === wanted.size) finish();
  };

  handles.push(
    client.watch({ kind: 'Pod' }, (m) => {
      if (m.type === 'BOOKMARK' || m.type === 'ERROR' || m.type === 'DELETED') return;
      const pod = m.object as Pod;
      const key = keyOf(pod);
      if (!wanted.has(key) || settled.has(key)) return;
      const uid = wanted.get(key);
      if (uid && pod.metadata.uid !== uid) return;
      const judged = judgePod(pod);
      if (judged.line) say(key, judged.line);
      if (judged.state !== 'waiting') settle(key, judged.state, judged.line ?? '');
    }),
  );
  handles.push(
    client.watch({ kind: 'Event' }, (m) => {
      if (m.type === 'BOOKMARK' || m.type === 'ERROR' || m.type === 'DELETED') return;
      const e = m.object as KubeObject & {
        involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
        reason?: string;
        message?: string;
      };
      const o = e.involvedObject;
      if (o?.kind !== 'Pod' || !o.name) return;
      const key = `${o.namespace ?? 'default'}/${o.name}`;
      if (!wanted.has(key) || settled.has(key)) return;
      const uid = wanted.get(key);
      if (uid && o.uid && o.uid !== uid) return;
      if (
        ['Pulling', 'Pulled', 'Failed', 'BackOff', 'FailedMount', 'FailedScheduling'].includes(e.reason ?? '')
      ) {
        say(key, e.message ?? e.reason ?? '');
      }
    }),
  );
  const timer = setTimeout(finish, timeoutMs);
  try {
    await Promise.race([finished, ...handles.map((h) => h.done)]);
  } finally {
    clearTimeout(timer);
    for (const h of handles) h.close();
  }
  for (const key of wanted.keys()) if (!settled.has(key)) result.pending.push(key);
  return result;
}
