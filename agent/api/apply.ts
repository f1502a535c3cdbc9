// Server-side apply for `shoal apply`: each object is created when absent, otherwise its labels, annotations
// and spec (or, for kinds without a spec, its top-level fields) are replaced by the manifest's; status and
// the metadata others own (owner references, finalizers) are kept. One failing object does not stop the
// others, as with kubectl.

import type { KubeObject } from '../../shared/model/meta.ts';
import type { AnyObject } from '../../shared/model/types.ts';
import { AlreadyExistsError, type ClusterStore, NotFoundError } from '../../shared/store/ClusterStore.ts';
import { bodyOf, jsonEqual } from '../../shared/store/objectCodec.ts';
import { admitBody, isPlainObject } from './admission.ts';
import { refuseInTerminatingNamespace } from './deletionPolicy.ts';
import { badRequest, type KubeStatus, statusFromError } from './kubeStatus.ts';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyRequest {
  /** Objects as in manifests; the server admits them again (defaults, validation). */
  objects: unknown[];
  /** Report what would happen without writing (kubectl's --dry-run=server). */
  dryRun?: boolean;
}

export type ApplyResult =
  | { action: ApplyAction; object: KubeObject }
  | { error: KubeStatus; kind?: string; namespace?: string; name?: string };

export interface ApplyResponse {
  results: ApplyResult[];
}

export function parseApplyRequest(raw: unknown): ApplyRequest {
  if (!isPlainObject(raw) || !Array.isArray(raw.objects)) {
    throw badRequest('expected {"objects": [...], "dryRun"?: boolean}');
  }
  if (raw.dryRun !== undefined && typeof raw.dryRun !== 'boolean')
    throw badRequest('dryRun must be a boolean');
  return { objects: raw.objects, dryRun: raw.dryRun === true };
}

/** The object to store: the manifest's labels, annotations and body over the current object's identity. */
export function mergeForApply(current: KubeObject, manifest: AnyObject): KubeObject {
  const { status: _status, metadata: manifestMeta, ...rest } = manifest as KubeObject;
  const metadata = { ...current.metadata };
  if (manifestMeta.labels) metadata.labels = manifestMeta.labels;
  else delete metadata.labels;
  if (manifestMeta.annotations) metadata.annotations = manifestMeta.annotations;
  else delete metadata.annotations;
  const merged = structuredClone({ ...rest, metadata }) as KubeObject;
  keepAllocatedFields(current, merged);
  return merged;
}

/** A Service's cluster IP and node ports are allocated by Shoal when the manifest leaves them out: keep them. */
function keepAllocatedFields(current: KubeObject, merged: KubeObject): void {
  if (current.kind !== 'Service') return;
  const cur = current.spec as {
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: { port: number; nodePort?: number }[];
  };
  const next = merged.spec as typeof cur;
  if (next.clusterIP === undefined && cur.clusterIP !== undefined) next.clusterIP = cur.clusterIP;
  if (next.clusterIPs === undefined && cur.clusterIPs !== undefined) next.clusterIPs = [...cur.clusterIPs];
  for (const port of next.ports ?? []) {
    if (port.nodePort !== undefined) continue;
    const old = cur.ports?.find((p) => p.port === port.port);
    if (old?.nodePort !== undefined) port.nodePort = old.nodePort;
  }
}

function unchanged(current: KubeObject, merged: KubeObject): boolean {
  return (
    jsonEqual(bodyOf(current), bodyOf(merged)) &&
    jsonEqual(current.metadata.labels, merged.metadata.labels) &&
    jsonEqual(current.metadata.annotations, merged.metadata.annotations)
  );
}

async function applyObject(store: ClusterStore, obj: AnyObject, dryRun: boolean): Promise<ApplyResult> {
  const { kind } = obj;
  const { namespace, name } = obj.metadata;
  // Two tries: the object may be created or deleted by someone else between the read and the write.
  for (let attempt = 0; ; attempt++) {
    const current = store.get(kind, namespace, name);
    try {
      if (!current) {
        refuseInTerminatingNamespace(store, kind, name, namespace);
        if (dryRun) return { action: 'created', object: obj };
        return { action: 'created', object: await store.create(obj) };
      }
      const merged = mergeForApply(current, obj);
      if (dryRun) return { action: unchanged(current, merged) ? 'unchanged' : 'configured', object: merged };
      const updated = await store.updateSpec(merged);
      const same = updated.metadata.resourceVersion === current.metadata.resourceVersion;
      return { action: same ? 'unchanged' : 'configured', object: updated };
    } catch (err) {
      const raced = err instanceof AlreadyExistsError || err instanceof NotFoundError;
      if (!raced || attempt > 0) throw err;
    }
  }
}

/** Applies every object; their writes are issued together, so the store commits them as one change. */
export async function applyObjects(store: ClusterStore, request: ApplyRequest): Promise<ApplyResponse> {
  const dryRun = request.dryRun ?? false;
  const results = await Promise.all(
    request.objects.map(async (raw): Promise<ApplyResult> => {
      try {
        return await applyObject(store, admitBody(raw, undefined, undefined), dryRun);
      } catch (err) {
        return failedResult(raw, err);
      }
    }),
  );
  return { results };
}

function failedResult(raw: unknown, err: unknown): ApplyResult {
  const result: ApplyResult = { error: statusFromError(err) };
  if (isPlainObject(raw)) {
    if (typeof raw.kind === 'string') result.kind = raw.kind;
    const meta = isPlainObject(raw.metadata) ? raw.metadata : {};
    if (typeof meta.namespace === 'string') result.namespace = meta.namespace;
    if (typeof meta.name === 'string') result.name = meta.name;
  }
  return result;
}
