// What Kubernetes' controllers ask of a pod (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils):
// is it active, ready, available; and a new pod from a workload's template.

import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { newControllerRef } from './ownerRefs.ts';

/** Not finished and not being deleted: counts towards a controller's replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** When the pod last became Ready, or undefined when it is not Ready. */
export function podReadySince(pod: Pod): Date | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return undefined;
  const t = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isNaN(t) ? new Date(0) : new Date(t);
}

/** Ready for at least `minReadySeconds` (Kubernetes' IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const since = podReadySince(pod);
  if (since === undefined) return false;
  return minReadySeconds <= 0 || since.getTime() + minReadySeconds * 1000 <= now.getTime();
}

type PodTemplate = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Pod['spec'];
};

/** A pod from a workload's template, controlled by `owner` (Kubernetes' GetPodFromTemplate). */
export function podFromTemplate(
  template: PodTemplate,
  owner: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>,
  name: string,
  extraLabels: Record<string, string> = {},
): Pod {
  const labels = { ...template.metadata?.labels, ...extraLabels };
  const annotations = template.metadata?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace ?? 'default',
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      ownerReferences: [newControllerRef(owner)],
    },
    spec: structuredClone(template.spec),
  } as Pod;
}
