// NodePort allocation, for every Service at once (one key, so two Services created in the same tick never
// get the same port): a NodePort Service port without `nodePort` gets the lowest free port of 30000–32767,
// written with a conditional update. A port given by the user that an older Service (by creationTimestamp)
// already holds is left as is; the later Service gets a `NodePortsAllocated: False` status condition and a
// Warning `PortAlreadyAllocated` event, once, when the condition appears or changes.

import { NODE_PORT_RANGE } from '../../../shared/model/semantics/service.ts';
import type { Service } from '../../../shared/model/types.ts';
import type { ControllerAction } from '../controllerTypes.ts';
import { objectEvent } from '../objectEvent.ts';
import { namespacedKey } from '../ownerRefs.ts';

export const NODE_PORTS_CONDITION = 'NodePortsAllocated';
type ServiceCondition = NonNullable<NonNullable<Service['status']>['conditions']>[number];

/** Oldest first, then by namespace/name, so that the same Services always decide the same way. */
function compareAge(a: Service, b: Service): number {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  const ak = namespacedKey(a);
  const bk = namespacedKey(b);
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}

export function planNodePorts(services: readonly Service[], now: Date): ControllerAction[] {
  const nodePortServices = services.filter((s) => s.spec.type === 'NodePort').sort(compareAge);
  // Every port held by any Service, so that a new allocation never takes one (even a conflicting one).
  const taken = new Set<number>();
  for (const s of services) for (const p of s.spec.ports ?? []) if (p.nodePort) taken.add(p.nodePort);

  const holder = new Map<number, Service>();
  const actions: ControllerAction[] = [];
  let next: number = NODE_PORT_RANGE.min;
  const allocate = (): number | undefined => {
    while (next <= NODE_PORT_RANGE.max && taken.has(next)) next++;
    if (next > NODE_PORT_RANGE.max) return undefined;
    taken.add(next);
    return next;
  };

  for (const svc of nodePortServices) {
    const conflicts: string[] = [];
    for (const p of svc.spec.ports ?? []) {
      if (!p.nodePort) continue;
      const owner = holder.get(p.nodePort);
      if (owner !== undefined && owner !== svc) {
        conflicts.push(`Port ${p.nodePort} is already allocated to Service ${namespacedKey(owner)}`);
      } else holder.set(p.nodePort, svc);
    }
    actions.push(...conditionActions(svc, conflicts, now));

    if ((svc.spec.ports ?? []).every((p) => p.nodePort)) continue;
    const updated = structuredClone(svc) as Service;
    let exhausted = false;
    for (const p of updated.spec.ports ?? []) {
      if (p.nodePort) continue;
      const port = allocate();
      if (port === undefined) {
        exhausted = true;
        break;
      }
      p.nodePort = port;
      holder.set(port, svc);
    }
    if (exhausted) {
      actions.push(warning(svc, 'PortAllocationFailed', 'No free node port in range 30000-32767'));
      continue;
    }
    actions.push({ type: 'update', object: updated });
  }
  return actions;
}

function warning(svc: Service, reason: string, message: string): ControllerAction {
  return objectEvent(svc, 'Warning', reason, message);
}

/** Writes the condition (and warns) only when it changes, so a resync of a lasting conflict stays quiet. */
function conditionActions(svc: Service, conflicts: readonly string[], now: Date): ControllerAction[] {
  const current = svc.status?.conditions ?? [];
  const mine = current.find((c) => c.type === NODE_PORTS_CONDITION);
  const others = current.filter((c) => c.type !== NODE_PORTS_CONDITION);
  if (conflicts.length === 0) {
    if (mine === undefined) return [];
    return [statusWith(svc, others)];
  }
  const message = conflicts.join('; ');
  if (mine?.status === 'False' && mine.message === message) return [];
  const condition: ServiceCondition = {
    type: NODE_PORTS_CONDITION,
    status: 'False',
    reason: 'PortAlreadyAllocated',
    message,
    lastTransitionTime:
      mine?.status === 'False' ? (mine.lastTransitionTime ?? now.toISOString()) : now.toISOString(),
  };
  return [statusWith(svc, [...others, condition]), warning(svc, 'PortAlreadyAllocated', message)];
}

function statusWith(svc: Service, conditions: ServiceCondition[]): ControllerAction {
  const status = { ...structuredClone(svc.status ?? {}) };
  if (conditions.length > 0) status.conditions = conditions;
  else delete status.conditions;
  return {
    type: 'updateStatus',
    kind: 'Service',
    namespace: svc.metadata.namespace ?? 'default',
    name: svc.metadata.name,
    status,
  };
}
