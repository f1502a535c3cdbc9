// The node lifecycle controller: keys are node names. A Node's change concerns its own key; a pod's change
// the key of the node it is bound to, but only while that node is not Ready or carries NoExecute taints (a
// healthy node has nothing to evict, and most pod changes are status writes of healthy nodes). The work is
// planNodeLifecycle's; this file gathers what it reads from the snapshot.
import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Node, Pod } from '../../../shared/model/types.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import { planNodeLifecycle } from './planNodeLifecycle.ts';
import { nodeReadyStatus } from './taints.ts';

export interface NodeLifecycleControllerOptions {
  /** How long pods without their own not-ready/unreachable toleration stay on such a node; default 20 s. */
  defaultTolerationSeconds?: number;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  readonly #defaultTolerationSeconds: number | undefined;

  constructor(opts: NodeLifecycleControllerOptions = {}) {
    this.#defaultTolerationSeconds = opts.defaultTolerationSeconds;
  }

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    if (obj.kind === 'Node') return [obj.metadata.name];
    if (obj.kind !== 'Pod') return [];
    const nodeName = (obj as Pod).spec.nodeName;
    if (!nodeName) return [];
    const node = view.get('Node', undefined, nodeName) as Node | undefined;
    return node && needsWatching(node) ? [nodeName] : [];
  }

  allKeys(view: ClusterView): string[] {
    return view.list('Node').map((n) => n.metadata.name);
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    const node = ctx.view.get('Node', undefined, key) as Node | undefined;
    if (!node) return { actions: [] };
    const pods = needsWatching(node)
      ? (ctx.view.list('Pod').filter((p) => (p as Pod).spec.nodeName === key) as Pod[])
      : [];
    return planNodeLifecycle({
      node,
      pods,
      now: ctx.now,
      term: ctx.term,
      ...(this.#defaultTolerationSeconds === undefined
        ? {}
        : { defaultTolerationSeconds: this.#defaultTolerationSeconds }),
    });
  }
}

/** Whether the node's pods may need marking or evicting: it is not Ready, or something taints it NoExecute. */
function needsWatching(node: Node): boolean {
  const ready = nodeReadyStatus(node);
  return (
    ready === 'False' ||
    ready === 'Unknown' ||
    (node.spec?.taints ?? []).some((t) => t.effect === 'NoExecute')
  );
}
