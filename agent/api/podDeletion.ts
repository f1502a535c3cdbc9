// Graceful deletion of pods, as the Kubernetes API server does it: a pod that runs on a node is not removed
// at once but marked (deletionTimestamp, deletionGracePeriodSeconds); its kubelet stops the containers
// within the grace period and then removes the pod from the document. A pod no kubelet has taken (no
// node), or a deletion with a grace period of 0 (`--force`), is removed at once: its containers, if any,
// are then torn down by their kubelet as orphans.

import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { badRequest } from './kubeStatus.ts';

export const DEFAULT_POD_GRACE_SECONDS = 30;

/** `?gracePeriodSeconds=N`: a whole number of seconds, or undefined when absent. */
export function gracePeriodFromQuery(query: URLSearchParams): number | undefined {
  const text = query.get('gracePeriodSeconds');
  if (text === null || text === '') return undefined;
  if (!/^[0-9]{1,9}$/.test(text)) {
    throw badRequest(`gracePeriodSeconds must be a whole number of seconds, not "${text}"`);
  }
  return Number(text);
}

/** Returns the pod as marked for deletion, or undefined when it was removed at once. */
export async function deletePod(
  store: ClusterStore,
  pod: Pod,
  gracePeriodSeconds: number | undefined,
): Promise<Pod | undefined> {
  const namespace = pod.metadata.namespace ?? 'default';
  const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  if (!pod.spec.nodeName || grace === 0) {
    await store.delete('Pod', namespace, pod.metadata.name);
    return undefined;
  }
  const current = pod.metadata.deletionGracePeriodSeconds;
  // A second deletion may shorten the grace period, never lengthen it.
  if (pod.metadata.deletionTimestamp !== undefined && current !== undefined && current <= grace) return pod;
  const marked = structuredClone(pod) as Pod;
  marked.metadata.deletionTimestamp ??= new Date().toISOString();
  marked.metadata.deletionGracePeriodSeconds = grace;
  return (await store.updateSpec(marked as KubeObject, {
    ...(pod.metadata.resourceVersion ? { resourceVersion: pod.metadata.resourceVersion } : {}),
  })) as Pod;
}
