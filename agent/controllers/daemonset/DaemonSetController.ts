// The DaemonSet controller: keys are `namespace/name`. A DaemonSet's change and one of its pods' concern
// that DaemonSet; any Node change concerns them all (a node joining, leaving, or changing its labels or
// taints moves where daemon pods belong; the store does not say what changed, and a plan is cheap).

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { DaemonSet, Node, Pod } from '../../../shared/model/types.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import { podNamer } from '../generatedNames.ts';
import { controllerRef, isControlledBy, namespacedKey, splitKey } from '../ownerRefs.ts';
import { planDaemonSet } from './planDaemonSet.ts';

export class DaemonSetController implements Controller {
  readonly name = 'daemonset';

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    if (obj.kind === 'DaemonSet') return [namespacedKey(obj)];
    if (obj.kind === 'Node') return view.list('DaemonSet').map(namespacedKey);
    if (obj.kind === 'Pod') {
      const ref = controllerRef(obj);
      if (ref?.kind === 'DaemonSet') return [`${obj.metadata.namespace ?? 'default'}/${ref.name}`];
    }
    return [];
  }

  allKeys(view: ClusterView): string[] {
    return view.list('DaemonSet').map(namespacedKey);
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    const at = splitKey(key);
    if (!at) return { actions: [] };
    const ds = ctx.view.get('DaemonSet', at.namespace, at.name) as DaemonSet | undefined;
    // Gone: its pods are the garbage collector's.
    if (!ds) return { actions: [] };
    const pods = (ctx.view.list('Pod', { namespace: at.namespace }) as Pod[]).filter((p) =>
      isControlledBy(p, ds),
    );
    return planDaemonSet({
      ds,
      pods,
      nodes: ctx.view.list('Node') as Node[],
      now: ctx.now,
      term: ctx.term,
      newPodName: podNamer(ctx, at.namespace, ds.metadata.name),
    });
  }
}
