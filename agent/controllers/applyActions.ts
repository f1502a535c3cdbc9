// The thin executor of controller actions: issues every write of one tick in the same macrotask, so the
// store commits them as one document change, and reports which failed (the manager reconciles their keys
// again). Pods are deleted the way the API deletes them (gracefully, by their kubelet).

import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { type ClusterStore, NotFoundError } from '../../shared/store/ClusterStore.ts';
import { deletePod } from '../api/podDeletion.ts';
import type { EventRecorder } from '../events/EventRecorder.ts';
import type { ControllerAction } from './controllerTypes.ts';

export interface ActionFailure {
  action: ControllerAction;
  error: Error;
}

export async function applyActions(
  store: ClusterStore,
  recorder: EventRecorder,
  actions: readonly ControllerAction[],
): Promise<ActionFailure[]> {
  const failures: ActionFailure[] = [];
  // No await before every write has been issued: one batch, one change.
  const writes = actions.map((action) =>
    apply(store, recorder, action).catch((err: unknown) => {
      failures.push({ action, error: err instanceof Error ? err : new Error(String(err)) });
    }),
  );
  await Promise.all(writes);
  return failures;
}

async function apply(store: ClusterStore, recorder: EventRecorder, action: ControllerAction): Promise<void> {
  switch (action.type) {
    case 'create':
      await store.create(action.object);
      return;
    case 'update': {
      const rv = action.object.metadata.resourceVersion;
      await store.updateSpec(action.object, rv ? { resourceVersion: rv } : {});
      return;
    }
    case 'updateStatus':
      await store.updateStatus(action.kind, action.namespace, action.name, action.status);
      return;
    case 'delete': {
      const current = store.get(action.kind, action.namespace, action.name);
      if (!current || (action.uid !== undefined && current.metadata.uid !== action.uid)) return;
      try {
        if (action.kind === 'Pod') await deletePod(store, current as Pod, action.gracePeriodSeconds);
        else await store.delete(action.kind, action.namespace, action.name);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      return;
    }
    case 'event':
      recorder.record(action.event);
      return;
  }
}

/** For messages: `Pod default/web`. */
export function describeAction(action: ControllerAction): string {
  if (action.type === 'event') return `event ${action.event.reason}`;
  const obj: Pick<KubeObject, 'kind' | 'metadata'> | undefined =
    action.type === 'create' || action.type === 'update' ? action.object : undefined;
  const kind = obj?.kind ?? ('kind' in action ? action.kind : '');
  const ns = obj?.metadata.namespace ?? ('namespace' in action ? action.namespace : undefined);
  const name = obj?.metadata.name ?? ('name' in action ? action.name : '');
  return `${action.type} ${kind} ${ns ? `${ns}/` : ''}${name}`;
}
