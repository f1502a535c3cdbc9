// The Job controller: keys are `namespace/name`; a Job's change and a change to one of its pods concern
// the Job. Planning is planJob's; this file finds the Job and its pods in the snapshot.

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { Job, Pod } from '../../../shared/model/types.ts';
import type { ClusterView, Controller, ControllerContext, ReconcileResult } from '../controllerTypes.ts';
import { podNamer } from '../generatedNames.ts';
import { controllerRef, isControlledBy, namespacedKey, splitKey } from '../ownerRefs.ts';
import { planJob } from './planJob.ts';

export class JobController implements Controller {
  readonly name = 'job';

  keysFor(obj: KubeObject): string[] {
    if (obj.kind === 'Job') return [namespacedKey(obj)];
    if (obj.kind === 'Pod') {
      const ref = controllerRef(obj);
      if (ref?.kind === 'Job') return [`${obj.metadata.namespace ?? 'default'}/${ref.name}`];
    }
    return [];
  }

  allKeys(view: ClusterView): string[] {
    return view.list('Job').map(namespacedKey);
  }

  reconcile(key: string, ctx: ControllerContext): ReconcileResult {
    const at = splitKey(key);
    if (!at) return { actions: [] };
    const job = ctx.view.get('Job', at.namespace, at.name) as Job | undefined;
    // Gone: its pods are the garbage collector's.
    if (!job) return { actions: [] };
    const pods = (ctx.view.list('Pod', { namespace: at.namespace }) as Pod[]).filter((p) =>
      isControlledBy(p, job),
    );
    return planJob({ job, pods, now: ctx.now, newPodName: podNamer(ctx, at.namespace, job.metadata.name) });
  }
}
