// The deployment controller of the leader (Kubernetes' pkg/controller/deployment). A deployment's key is
// `namespace/name`; a change to one of its replica sets, or to one of their pods (Recreate waits for old pods
// to be gone), concerns it too. The planning is planDeployment's; this file only reads the snapshot.

import type { KubeObject } from '../../../shared/model/meta.ts';
import { matchesLabelSelector } from '../../../shared/model/selector.ts';
import type { Deployment, Pod, ReplicaSet } from '../../../shared/model/types.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import { controllerRef, namespacedKey, splitKey } from '../ownerRefs.ts';
import { planDeployment } from './planDeployment.ts';

export class DeploymentController implements Controller {
  readonly name = 'deployment';

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    switch (obj.kind) {
      case 'Deployment':
        return [namespacedKey(obj)];
      case 'ReplicaSet':
        return deploymentsOfReplicaSet(obj as ReplicaSet, view);
      case 'Pod':
        return deploymentOfPod(obj as Pod, view);
      default:
        return [];
    }
  }

  allKeys(view: ClusterView): string[] {
    return view.list('Deployment').map(namespacedKey);
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    const parts = splitKey(key);
    if (!parts) return { actions: [] };
    const { namespace, name } = parts;
    const deployment = ctx.view.get('Deployment', namespace, name) as Deployment | undefined;
    if (!deployment) return { actions: [] }; // deleted: the garbage collector takes its replica sets
    return planDeployment({
      deployment,
      replicaSets: ctx.view.list('ReplicaSet', { namespace }) as ReplicaSet[],
      pods: () => ctx.view.list('Pod', { namespace }) as Pod[],
      now: ctx.now,
    });
  }
}

/** Its controlling deployment; for an orphan, every deployment that could adopt it. */
function deploymentsOfReplicaSet(rs: ReplicaSet, view: ClusterView): string[] {
  const namespace = rs.metadata.namespace ?? 'default';
  const ref = controllerRef(rs);
  if (ref) return ref.kind === 'Deployment' ? [`${namespace}/${ref.name}`] : [];
  return (view.list('Deployment', { namespace }) as Deployment[])
    .filter((d) => matchesLabelSelector(d.spec.selector, rs.metadata.labels))
    .map(namespacedKey);
}

/** The deployment controlling the replica set that controls the pod. */
function deploymentOfPod(pod: Pod, view: ClusterView): string[] {
  const ref = controllerRef(pod);
  if (ref?.kind !== 'ReplicaSet') return [];
  const namespace = pod.metadata.namespace ?? 'default';
  const rs = view.get('ReplicaSet', namespace, ref.name);
  if (!rs || rs.metadata.uid !== ref.uid) return [];
  const owner = controllerRef(rs);
  return owner?.kind === 'Deployment' ? [`${namespace}/${owner.name}`] : [];
}
