// The dashboard's workload verbs, as the CLI does them: scale (spec.replicas), rollout restart (the
// template's restartedAt annotation), rollout undo (kubectl's choice of revision and template, shared with
// the CLI in shared/workloads/revisions.ts) and cordon (spec.unschedulable).
import { resourcePath } from '../../../shared/api/paths.ts';
import type { Deployment, Node, ReplicaSet } from '../../../shared/model/types.ts';
import {
  applyRollbackPlan,
  deploymentRevisions,
  findRollbackRevision,
  planRollback,
  RollbackError,
  stampRestart,
} from '../../../shared/workloads/revisions.ts';
import { getObject } from './apiCall.ts';
import { ClusterError, type Transport } from './ClusterConnection.ts';
import { updateObject } from './updateObject.ts';

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ClusterError(`${what} must be a whole number ≥ 0, not ${value}`, 400, 'BadRequest');
  }
}

export async function scale(
  transport: Transport,
  kind: 'Deployment' | 'ReplicaSet',
  namespace: string,
  name: string,
  replicas: number,
): Promise<void> {
  checkCount(replicas, 'replicas');
  await updateObject<Deployment | ReplicaSet>(transport, kind, namespace, name, (obj) => {
    // Admission made spec.replicas explicit; 1 is Kubernetes' default all the same.
    if ((obj.spec.replicas ?? 1) === replicas) return false;
    obj.spec.replicas = replicas;
    return true;
  });
}

function refusePaused(d: Deployment, message: string): void {
  if (d.spec.paused) throw new ClusterError(message, 400, 'BadRequest');
}

export async function rolloutRestart(transport: Transport, namespace: string, name: string): Promise<void> {
  await updateObject<Deployment>(transport, 'Deployment', namespace, name, (d) => {
    refusePaused(d, `deployment "${name}" is paused: resume it before restarting it`);
    stampRestart(d, new Date());
    return true;
  });
}

/** Back to `toRevision`, or the previous revision; nothing is written when the template is that one already. */
export async function rolloutUndo(
  transport: Transport,
  namespace: string,
  name: string,
  toRevision?: number,
): Promise<void> {
  if (toRevision !== undefined) checkCount(toRevision, 'the revision');
  await updateObject<Deployment>(transport, 'Deployment', namespace, name, async (d) => {
    refusePaused(d, `deployment "${name}" is paused: resume it before rolling it back`);
    const list = await getObject(transport, resourcePath('ReplicaSet', namespace), 'ReplicaSet list');
    const items = Array.isArray(list.items) ? (list.items as ReplicaSet[]) : [];
    let plan: ReturnType<typeof planRollback>;
    try {
      plan = planRollback(d, findRollbackRevision(d, deploymentRevisions(d, items), toRevision ?? 0));
    } catch (err) {
      if (err instanceof RollbackError) throw new ClusterError(err.message, 404, 'NotFound');
      throw err;
    }
    if (plan.type === 'skipped') return false;
    applyRollbackPlan(d, plan);
    return true;
  });
}

export async function cordon(transport: Transport, node: string, unschedulable: boolean): Promise<boolean> {
  const { changed } = await updateObject<Node>(transport, 'Node', undefined, node, (n) => {
    if ((n.spec?.unschedulable ?? false) === unschedulable) return false;
    const spec = { ...n.spec };
    if (unschedulable) spec.unschedulable = true;
    else delete spec.unschedulable;
    n.spec = spec;
    return true;
  });
  return changed;
}
