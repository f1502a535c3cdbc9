// The endpoints controller (Kubernetes' endpoints controller, plus NodePort allocation). Keys: a Service's
// `namespace/name`, whose reconcile keeps its Endpoints; and NODE_PORTS_KEY, whose reconcile allocates node
// ports for every Service at once. A pod's change concerns the Services that select it and, since a watch
// event carries no old object, the Services whose Endpoints still list it (a pod that left the selector).

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Endpoints, Pod, Service } from '../../../shared/model/types.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import { namespacedKey, splitKey } from '../ownerRefs.ts';
import { planEndpoints, selectsPod } from './planEndpoints.ts';
import { planNodePorts } from './planNodePorts.ts';

/** Not a `namespace/name` (splitKey refuses it), so it never clashes with a Service's key. */
export const NODE_PORTS_KEY = '#node-ports';

export class EndpointsController implements Controller {
  readonly name = 'endpoints';

  keysFor(obj: KubeObject, view: ClusterView): string[] {
    if (obj.kind === 'Service') {
      const svc = obj as Service;
      return [namespacedKey(svc), NODE_PORTS_KEY];
    }
    if (obj.kind === 'Endpoints') return [namespacedKey(obj)];
    if (obj.kind !== 'Pod') return [];
    const pod = obj as Pod;
    const namespace = pod.metadata.namespace ?? 'default';
    const keys = new Set<string>();
    for (const svc of view.list('Service', { namespace }) as Service[]) {
      if (selectsPod(svc, pod)) keys.add(namespacedKey(svc));
    }
    for (const ep of view.list('Endpoints', { namespace }) as Endpoints[]) {
      if (listsPod(ep, pod)) keys.add(namespacedKey(ep));
    }
    return [...keys];
  }

  allKeys(view: ClusterView): string[] {
    const keys = new Set<string>([NODE_PORTS_KEY]);
    for (const svc of view.list('Service')) keys.add(namespacedKey(svc));
    // Endpoints left behind by a Service deleted while no leader watched.
    for (const ep of view.list('Endpoints')) keys.add(namespacedKey(ep));
    return [...keys];
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    if (key === NODE_PORTS_KEY) {
      return { actions: planNodePorts(ctx.view.list('Service') as Service[], ctx.now) };
    }
    const parts = splitKey(key);
    if (parts === undefined) return { actions: [] };
    const { namespace, name } = parts;
    return {
      actions: planEndpoints({
        namespace,
        name,
        service: ctx.view.get('Service', namespace, name) as Service | undefined,
        endpoints: ctx.view.get('Endpoints', namespace, name) as Endpoints | undefined,
        pods: ctx.view.list('Pod', { namespace }) as Pod[],
      }),
    };
  }
}

function listsPod(ep: Endpoints, pod: Pod): boolean {
  const uid = pod.metadata.uid;
  return (ep.subsets ?? []).some((ss) =>
    [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])].some((a) =>
      uid !== undefined && a.targetRef?.uid !== undefined
        ? a.targetRef.uid === uid
        : a.targetRef?.kind === 'Pod' && a.targetRef.name === pod.metadata.name,
    ),
  );
}
