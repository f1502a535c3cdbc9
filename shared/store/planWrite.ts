// The meaning of each write, as a pure function from (operation, current state) to the document write and
// the object it leaves. Both stores run it, so uid, generation, resourceVersion and error rules are the same.
import type { FieldError } from '../model/fieldErrors.ts';
import { forbidden, invalid, required, unsupported } from '../model/fieldErrors.ts';
import { isKind, KIND_INFO, KINDS, type Kind } from '../model/kinds.ts';
import type { KubeObject, ObjectMeta, Uid } from '../model/meta.ts';
import { documentKey, type ParsedKey, parseDocumentKey } from './documentSchema.ts';
import { assembleObject, bodyOf, encodeSection, jsonEqual } from './objectCodec.ts';
import { AlreadyExistsError, ConflictError, InvalidObjectError, NotFoundError } from './storeErrors.ts';

export type WriteOp =
  | { type: 'create'; object: KubeObject }
  | { type: 'updateSpec'; object: KubeObject; precondition: string | undefined }
  | {
      type: 'updateStatus';
      kind: Kind;
      namespace: string | undefined;
      name: string;
      status: unknown;
      precondition: string | undefined;
    }
  | { type: 'delete'; kind: Kind; namespace: string | undefined; name: string };

/** What the backend applies; `null` removes a section. */
export type DocumentWrite =
  | { type: 'put'; key: string; metadata: string; body?: string; status?: string }
  | { type: 'set'; key: string; metadata?: string; body?: string | null }
  | { type: 'setStatus'; key: string; status: string | null; statusResourceVersion: number }
  | { type: 'delete'; key: string };

export interface WriteContext {
  /** The valid object at `key` as the writes before this one left it. */
  current(key: string): KubeObject | undefined;
  /** Whether anything, valid or not, is at `key`. */
  present(key: string): boolean;
  nextResourceVersion(): number;
  now(): Date;
  newUid(): Uid;
}

export interface PlannedWrite {
  key: string;
  /** Absent when the operation changes nothing. */
  write?: DocumentWrite;
  /** The object after the write; absent after a delete. */
  result?: KubeObject;
}

/** Throws NotFoundError, AlreadyExistsError, ConflictError or InvalidObjectError. */
export function planWrite(op: WriteOp, ctx: WriteContext): PlannedWrite {
  switch (op.type) {
    case 'create':
      return planCreate(op.object, ctx);
    case 'updateSpec':
      return planUpdateSpec(op.object, op.precondition, ctx);
    case 'updateStatus':
      return planUpdateStatus(op, ctx);
    case 'delete': {
      const key = documentKey(op.kind, op.namespace, op.name);
      if (!ctx.present(key)) throw new NotFoundError(op.kind, op.namespace, op.name);
      return { key, write: { type: 'delete', key } };
    }
  }
}

function planCreate(obj: KubeObject, ctx: WriteContext): PlannedWrite {
  const { kind, key } = checkIdentity(obj);
  if (ctx.present(key)) throw new AlreadyExistsError(kind, obj.metadata.namespace, obj.metadata.name);
  const metadata: ObjectMeta = {
    ...userMetadata(obj.metadata),
    uid: ctx.newUid(),
    creationTimestamp: rfc3339Seconds(ctx.now()),
    generation: 1,
    resourceVersion: String(ctx.nextResourceVersion()),
  };
  const texts = {
    metadata: encodeOrThrow(obj, 'metadata', metadata) as string,
    body: encodeOrThrow(obj, 'body', bodyOf(obj)),
    status: encodeOrThrow(obj, 'status', obj.status),
  };
  const result = assembleOrThrow(obj, key, parse(texts.metadata), parse(texts.body), parse(texts.status), 0);
  return { key, write: { type: 'put', key, ...texts }, result };
}

function planUpdateSpec(obj: KubeObject, precondition: string | undefined, ctx: WriteContext): PlannedWrite {
  const { kind, key } = checkIdentity(obj);
  const current = ctx.current(key);
  if (!current) throw new NotFoundError(kind, obj.metadata.namespace, obj.metadata.name);
  checkPrecondition(current, precondition);
  const newBody = bodyOf(obj);
  const body = encodeOrThrow(obj, 'body', newBody);
  // Generation counts changes of the desired state: the spec, or the body of kinds without one.
  const bodyChanged = !jsonEqual(bodyOf(current), newBody);
  const metadata: ObjectMeta = {
    ...userMetadata(obj.metadata),
    uid: current.metadata.uid,
    creationTimestamp: current.metadata.creationTimestamp,
    generation: (current.metadata.generation ?? 0) + (bodyChanged ? 1 : 0),
  };
  // Once an object is being deleted it stays so (Kubernetes: deletionTimestamp cannot be unset): a client
  // re-applying its manifest during the grace period must not bring the pod back.
  if (current.metadata.deletionTimestamp !== undefined) {
    metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    const grace = current.metadata.deletionGracePeriodSeconds;
    if (grace !== undefined && (metadata.deletionGracePeriodSeconds ?? grace) >= grace) {
      metadata.deletionGracePeriodSeconds = grace;
    }
  }
  encodeOrThrow(obj, 'metadata', metadata); // before comparing: JSON-unrepresentable values are an error
  // Kubernetes makes no write for an update that changes nothing; neither do we, so the document's history
  // grows with real changes only.
  if (!bodyChanged && jsonEqual(userMetadata(current.metadata), userMetadata(metadata))) {
    return { key, result: current };
  }
  metadata.resourceVersion = String(ctx.nextResourceVersion());
  const metadataText = encodeOrThrow(obj, 'metadata', metadata) as string;
  const result = assembleOrThrow(obj, key, parse(metadataText), parse(body), current.status, 0);
  return { key, write: { type: 'set', key, metadata: metadataText, body: body ?? null }, result };
}

function planUpdateStatus(op: Extract<WriteOp, { type: 'updateStatus' }>, ctx: WriteContext): PlannedWrite {
  const key = documentKey(op.kind, op.namespace, op.name);
  const current = ctx.current(key);
  if (!current) throw new NotFoundError(op.kind, op.namespace, op.name);
  checkPrecondition(current, op.precondition);
  const status = encodeOrThrow(current, 'status', op.status);
  if (jsonEqual(current.status, op.status)) return { key, result: current };
  const rv = ctx.nextResourceVersion();
  const result = assembleOrThrow(current, key, current.metadata, bodyOf(current), parse(status), rv);
  return {
    key,
    write: { type: 'setStatus', key, status: status ?? null, statusResourceVersion: rv },
    result,
  };
}

/** Kind, scope and name rules that keep the document key and the object's identity the same thing. */
function checkIdentity(obj: KubeObject): { kind: Kind; key: string } {
  const errors: FieldError[] = [];
  const meta: Partial<ObjectMeta> =
    typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata : {};
  const name = meta.name;
  if (!isKind(obj.kind)) {
    throw new InvalidObjectError(String(obj.kind), String(name), [unsupported('kind', obj.kind, KINDS)]);
  }
  const info = KIND_INFO[obj.kind];
  if (obj.apiVersion !== info.apiVersion)
    errors.push(unsupported('apiVersion', obj.apiVersion, [info.apiVersion]));
  if (typeof name !== 'string' || name === '') errors.push(required('metadata.name'));
  else if (name.includes('/')) errors.push(invalid('metadata.name', name, `may not contain '/'`));
  const namespace = meta.namespace || undefined;
  if (info.namespaced && namespace === undefined) errors.push(required('metadata.namespace'));
  if (info.namespaced && namespace?.includes('/')) {
    errors.push(invalid('metadata.namespace', namespace, `may not contain '/'`));
  }
  if (!info.namespaced && namespace !== undefined) {
    errors.push(forbidden('metadata.namespace', `not allowed on cluster-scoped kind ${obj.kind}`));
  }
  if (errors.length > 0) throw new InvalidObjectError(obj.kind, String(name), errors);
  return { kind: obj.kind, key: documentKey(obj.kind, namespace, name as string) };
}

function checkPrecondition(current: KubeObject, precondition: string | undefined): void {
  if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
    const { name, namespace } = current.metadata;
    throw new ConflictError(current.kind, namespace, name);
  }
}

/** The metadata a client may set; the store owns uid, creationTimestamp, generation and resourceVersion. */
function userMetadata(meta: ObjectMeta): ObjectMeta {
  const { uid: _u, creationTimestamp: _c, generation: _g, resourceVersion: _r, ...rest } = meta;
  if (!rest.namespace) delete rest.namespace;
  return rest;
}

/** JSON text of a section (undefined when absent); InvalidObjectError when JSON cannot represent it. */
function encodeOrThrow(obj: KubeObject, path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const encoded = encodeSection(path, value);
  if (!encoded.ok) throw new InvalidObjectError(obj.kind, String(obj.metadata.name), [encoded.error]);
  return encoded.text;
}

function parse(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * The object exactly as a reader will see it after the write, built from the written JSON by the same checks
 * as every read: the store never writes what it would refuse to read.
 */
function assembleOrThrow(
  obj: KubeObject,
  key: string,
  metadata: unknown,
  body: unknown,
  status: unknown,
  statusResourceVersion: number,
): KubeObject {
  const parsedKey = parseDocumentKey(key) as ParsedKey; // built by documentKey from checked parts
  const assembled = assembleObject(parsedKey, metadata, body, status, statusResourceVersion);
  if (!assembled.ok) throw new InvalidObjectError(obj.kind, obj.metadata.name, assembled.errors);
  return assembled.object;
}

/** Kubernetes timestamps are RFC 3339 with seconds precision: `2024-05-01T10:00:00Z`. */
export function rfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
