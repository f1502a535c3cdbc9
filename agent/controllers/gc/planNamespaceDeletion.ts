// A Namespace being deleted (Kubernetes' namespace controller): everything in it is deleted (pods
// gracefully: they stay, Terminating, until their kubelet removes them), then the Namespace itself.
import type { Namespace } from '../../../shared/model/types.ts';
import type { ClusterView, ControllerAction } from '../controllerTypes.ts';
import { deleteAction, NAMESPACED_KINDS } from './ownership.ts';

export function planNamespaceDeletion(ns: Namespace, view: ClusterView): ControllerAction[] {
  const namespace = ns.metadata.name;
  const actions: ControllerAction[] = [];
  if (ns.status?.phase !== 'Terminating') {
    actions.push({
      type: 'updateStatus',
      kind: 'Namespace',
      name: namespace,
      status: { ...ns.status, phase: 'Terminating' },
    });
  }
  let remaining = 0;
  for (const kind of NAMESPACED_KINDS) {
    for (const obj of view.list(kind, { namespace })) {
      remaining++;
      if (kind === 'Pod' && obj.metadata.deletionTimestamp !== undefined) continue; // its kubelet's job now
      actions.push(deleteAction(obj));
    }
  }
  if (remaining === 0) actions.push(deleteAction(ns));
  return actions;
}
