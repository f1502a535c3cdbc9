// DELETE with Kubernetes' propagation policies (DeleteOptions), simplified to what the store offers:
// - Background (the default): the object goes at once; the garbage collector then deletes what it owned.
// - Foreground: the object stays, marked (deletionTimestamp, finalizer `foregroundDeletion`), until the
//   garbage collector has deleted its dependents; then the collector removes it.
// - Orphan: marked with the finalizer `orphan`; the collector takes the object's ownerReferences off its
//   dependents, then removes it.
// A Namespace is never removed at once: it turns Terminating and the collector deletes everything in it,
// then the Namespace. `default`, `kube-system` and `kube-public` cannot be deleted (Forbidden), as in
// Kubernetes. Pods are deleted gracefully as before (podDeletion.ts); the store has no finalizer machinery,
// so a marked object's finalizers are honoured by the garbage collector alone (agent/controllers/gc).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { KIND_INFO, type Kind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Namespace, Pod } from '../../shared/model/types.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { rfc3339Seconds } from '../../shared/store/planWrite.ts';
import { readBody, sendJson, sendStatus } from './http.ts';
import { badRequest, failure, qualifiedResource, StatusError, success } from './kubeStatus.ts';
import { DEFAULT_POD_GRACE_SECONDS, deletePod, gracePeriodFromQuery } from './podDeletion.ts';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
/** Namespaces Kubernetes' NamespaceLifecycle admission refuses to delete. */
export const UNDELETABLE_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

export const PROPAGATION_POLICIES = ['Background', 'Foreground', 'Orphan'] as const;
export type PropagationPolicy = (typeof PROPAGATION_POLICIES)[number];

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** 403, as the API server refuses what admission forbids. */
export class ForbiddenError extends StatusError {
  constructor(kind: Kind, name: string, message: string) {
    const full = `${qualifiedResource(kind)} "${name}" is forbidden: ${message}`;
    super(failure('Forbidden', full, { name, kind: KIND_INFO[kind].plural }));
    this.name = 'ForbiddenError';
  }
}

const deleteOptionsBody = z.strictObject({
  kind: z.literal('DeleteOptions').optional(),
  apiVersion: z.enum(['v1', 'meta.k8s.io/v1']).optional(),
  propagationPolicy: z.enum(PROPAGATION_POLICIES).optional(),
  gracePeriodSeconds: z.number().int().min(0).max(999_999_999).optional(),
  orphanDependents: z.boolean().optional(),
  preconditions: z
    .strictObject({ uid: z.string().optional(), resourceVersion: z.string().optional() })
    .optional(),
  dryRun: z.array(z.string()).max(0, 'dry run is not supported').optional(),
});

/**
 * The DeleteOptions of a request: `?propagationPolicy=`, `?gracePeriodSeconds=`, `?orphanDependents=` and a
 * JSON DeleteOptions body (what kubectl sends). A body and a query that disagree are refused.
 */
export function deleteOptionsFrom(query: URLSearchParams, body: unknown): DeleteOptions {
  const fromQuery: DeleteOptions & { orphanDependents?: boolean } = {};
  const policy = query.get('propagationPolicy');
  if (policy !== null && policy !== '') {
    if (!(PROPAGATION_POLICIES as readonly string[]).includes(policy)) {
      throw badRequest(
        `propagationPolicy must be one of ${PROPAGATION_POLICIES.join(', ')}, not "${policy}"`,
      );
    }
    fromQuery.propagationPolicy = policy as PropagationPolicy;
  }
  const grace = gracePeriodFromQuery(query);
  if (grace !== undefined) fromQuery.gracePeriodSeconds = grace;
  const orphan = query.get('orphanDependents');
  if (orphan !== null && orphan !== '') {
    if (orphan !== 'true' && orphan !== 'false') {
      throw badRequest(`orphanDependents must be true or false, not "${orphan}"`);
    }
    fromQuery.orphanDependents = orphan === 'true';
  }
  const fromBody = body === undefined ? {} : parseBody(body);
  const merged: DeleteOptions & { orphanDependents?: boolean } = { ...fromQuery };
  for (const field of ['propagationPolicy', 'gracePeriodSeconds', 'orphanDependents'] as const) {
    const a = fromQuery[field];
    const b = fromBody[field];
    if (a !== undefined && b !== undefined && a !== b) {
      throw badRequest(`${field} is ${String(a)} in the query but ${String(b)} in the body`);
    }
  }
  if (fromBody.propagationPolicy !== undefined) merged.propagationPolicy = fromBody.propagationPolicy;
  if (fromBody.gracePeriodSeconds !== undefined) merged.gracePeriodSeconds = fromBody.gracePeriodSeconds;
  if (fromBody.orphanDependents !== undefined) merged.orphanDependents = fromBody.orphanDependents;
  if (fromBody.preconditions !== undefined) merged.preconditions = fromBody.preconditions;
  const { orphanDependents, ...options } = merged;
  if (orphanDependents !== undefined) {
    // The deprecated flag, as Kubernetes maps it; it may not be combined with a policy.
    if (options.propagationPolicy !== undefined) {
      throw badRequest('orphanDependents and propagationPolicy cannot both be set');
    }
    options.propagationPolicy = orphanDependents ? 'Orphan' : 'Background';
  }
  return options;
}

function parseBody(body: unknown): z.infer<typeof deleteOptionsBody> {
  const parsed = deleteOptionsBody.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) =>
    i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message,
  );
  throw badRequest(`the DeleteOptions in the body are invalid: ${problems.join('; ')}`);
}

/**
 * Kubernetes' NamespaceLifecycle admission for writes that create: nothing new in a namespace that is being
 * deleted (the garbage collector would be emptying it while clients fill it). For the create paths to call.
 */
export function refuseInTerminatingNamespace(
  store: Pick<ClusterStore, 'get'>,
  kind: Kind,
  name: string,
  namespace: string | undefined,
): void {
  if (namespace === undefined || !KIND_INFO[kind].namespaced) return;
  if (store.get('Namespace', undefined, namespace)?.metadata.deletionTimestamp === undefined) return;
  throw new ForbiddenError(
    kind,
    name,
    `unable to create new content in namespace ${namespace} because it is being terminated`,
  );
}

/** The object marked for deletion pending `finalizer` (pure; the garbage collector uses it too). */
export function markedForDeletion<T extends KubeObject>(obj: T, finalizer: string, now: Date): T {
  const marked = structuredClone(obj) as T;
  marked.metadata.deletionTimestamp ??= rfc3339Seconds(now);
  const finalizers = marked.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) marked.metadata.finalizers = [...finalizers, finalizer];
  return marked;
}

/**
 * Deletes `obj` as `options` say. Returns the object as it now is when it stays (being deleted), or
 * undefined when it was removed. Throws ForbiddenError for a protected namespace, a Conflict
 * StatusError when a precondition fails, and the store's errors.
 */
export async function deleteObject(
  store: ClusterStore,
  obj: KubeObject,
  options: DeleteOptions = {},
  now: Date = new Date(),
): Promise<KubeObject | undefined> {
  checkPreconditions(obj, options.preconditions);
  const { kind } = obj;
  const { name, namespace } = obj.metadata;
  const rv = obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {};
  if (kind === 'Namespace') return terminateNamespace(store, obj as Namespace, now);
  if (kind === 'Pod' && (options.propagationPolicy ?? 'Background') === 'Background') {
    return deletePod(store, obj as Pod, options.gracePeriodSeconds);
  }
  if (obj.metadata.deletionTimestamp !== undefined) {
    // Already being deleted: a pod's grace period may still be shortened; anything else is left as it is.
    return kind === 'Pod' ? deletePod(store, obj as Pod, options.gracePeriodSeconds) : obj;
  }
  switch (options.propagationPolicy ?? 'Background') {
    case 'Background':
      await store.delete(kind, namespace, name);
      return undefined;
    case 'Foreground':
      return store.updateSpec(withGrace(markedForDeletion(obj, FOREGROUND_FINALIZER, now), options), rv);
    case 'Orphan':
      return store.updateSpec(withGrace(markedForDeletion(obj, ORPHAN_FINALIZER, now), options), rv);
  }
}

/** A pod kept for its finalizer still gets its grace period, as a graceful deletion sets it. */
function withGrace<T extends KubeObject>(obj: T, options: DeleteOptions): T {
  if (obj.kind !== 'Pod') return obj;
  const pod = obj as unknown as Pod;
  pod.metadata.deletionGracePeriodSeconds =
    options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  return obj;
}

async function terminateNamespace(store: ClusterStore, ns: Namespace, now: Date): Promise<KubeObject> {
  const name = ns.metadata.name;
  if (UNDELETABLE_NAMESPACES.has(name)) {
    throw new ForbiddenError('Namespace', name, 'this namespace may not be deleted');
  }
  if (ns.metadata.deletionTimestamp !== undefined) return ns;
  const marked = structuredClone(ns) as Namespace;
  marked.metadata.deletionTimestamp = rfc3339Seconds(now);
  const rv = ns.metadata.resourceVersion ? { resourceVersion: ns.metadata.resourceVersion } : {};
  // Both writes in one macrotask: one document change, so no reader sees a deleting Namespace still Active.
  const spec = store.updateSpec(marked as KubeObject, rv);
  const status = store.updateStatus('Namespace', undefined, name, { ...ns.status, phase: 'Terminating' });
  await spec;
  return status;
}

function checkPreconditions(obj: KubeObject, pre: DeleteOptions['preconditions']): void {
  const conflict = (what: string, wanted: string, actual: string | undefined) =>
    new StatusError(
      failure(
        'Conflict',
        `Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${actual ?? ''}`,
        { name: obj.metadata.name, kind: KIND_INFO[obj.kind].plural },
      ),
    );
  if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid)
    throw conflict('UID', pre.uid, obj.metadata.uid);
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict('ResourceVersion', pre.resourceVersion, obj.metadata.resourceVersion);
  }
}

/** The body of a DELETE, which is optional (kubectl sends DeleteOptions; curl and Shoal's CLI send none). */
async function readOptionalJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && !type?.endsWith('+json')) {
    throw new StatusError(
      failure('UnsupportedMediaType', `the body must be application/json, not "${type}"`),
    );
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** `DELETE /…/NAME`: the object as it now is when it stays (being deleted), else a Success Status. */
export async function handleDelete(
  store: ClusterStore,
  target: { kind: Kind; namespace: string | undefined; name: string },
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const { kind, namespace, name } = target;
  const options = deleteOptionsFrom(query, await readOptionalJson(req));
  const current = store.get(kind, namespace, name);
  if (current) {
    let remaining: KubeObject | undefined;
    try {
      remaining = await deleteObject(store, current, options);
    } catch (err) {
      if (err instanceof ForbiddenError) return sendJson(res, 403, err.status);
      throw err;
    }
    // Kubernetes answers a deletion that is not finished with the object as it now is.
    if (remaining) return sendJson(res, 200, remaining);
  } else {
    // Also removes an entry the store skips as invalid, so a bad value can be cleaned up; NotFound otherwise.
    await store.delete(kind, namespace, name);
  }
  const details: { name: string; kind: string; group?: string; uid?: string } = {
    name,
    kind: KIND_INFO[kind].plural,
  };
  const group = qualifiedResource(kind).split('.')[1];
  if (group) details.group = group;
  if (current?.metadata.uid) details.uid = current.metadata.uid;
  return sendStatus(res, success(details));
}
