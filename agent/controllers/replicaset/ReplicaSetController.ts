// The ReplicaSet controller: keys are `namespace/name`; a ReplicaSet's change concerns its own key, a pod's
// change the ReplicaSet that controls it or, for an orphan, every ReplicaSet that could adopt it. The work
// is planReplicaSet's; this file only gathers what it reads from the snapshot.

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Pod, ReplicaSet } from '../../../shared/model/types.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import { controllerRef, namespacedKey, splitKey } from '../ownerRefs.ts';
import { planReplicaSet } from './planReplicaSet.ts';
import { selectsPod } from './replicaSetSelector.ts';

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    if (obj.kind === 'ReplicaSet') return [namespacedKey(obj)];
    if (obj.kind !== 'Pod') return [];
    const pod = obj as Pod;
    const namespace = pod.metadata.namespace ?? 'default';
    const ref = controllerRef(pod);
    if (ref !== undefined) return ref.kind === 'ReplicaSet' ? [`${namespace}/${ref.name}`] : [];
    return replicaSetsIn(view, namespace)
      .filter((rs) => selectsPod(rs, pod))
      .map((rs) => namespacedKey(rs));
  }

  allKeys(view: ClusterView): string[] {
    return view.list('ReplicaSet').map((rs) => namespacedKey(rs));
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    const parts = splitKey(key);
    if (parts === undefined) return { actions: [] };
    const rs = ctx.view.get('ReplicaSet', parts.namespace, parts.name) as ReplicaSet | undefined;
    if (rs === undefined) return { actions: [] };
    const pods = ctx.view.list('Pod', { namespace: parts.namespace }) as Pod[];
    return planReplicaSet({
      rs,
      pods,
      relatedPods: relatedPods(rs, pods, replicaSetsIn(ctx.view, parts.namespace)),
      now: ctx.now,
      randomSuffix: (n) => ctx.randomSuffix(n),
    });
  }
}

function replicaSetsIn(view: ClusterView, namespace: string): ReplicaSet[] {
  return view.list('ReplicaSet', { namespace }) as ReplicaSet[];
}

/**
 * The pods of every ReplicaSet with the same controller as `rs` (the old and new ReplicaSets of one
 * Deployment), or of `rs` alone when nothing controls it (Kubernetes' getIndirectlyRelatedPods).
 */
function relatedPods(rs: ReplicaSet, pods: readonly Pod[], siblings: readonly ReplicaSet[]): Pod[] {
  const owner = controllerRef(rs)?.uid;
  const uids = new Set<string>();
  if (rs.metadata.uid !== undefined) uids.add(rs.metadata.uid);
  if (owner !== undefined) {
    for (const other of siblings) {
      if (controllerRef(other)?.uid === owner && other.metadata.uid !== undefined)
        uids.add(other.metadata.uid);
    }
  }
  return pods.filter((pod) => {
    const uid = controllerRef(pod)?.uid;
    return uid !== undefined && uids.has(uid);
  });
}
