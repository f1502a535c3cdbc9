// A request body becomes an object to store: it must be the kind the path names, in the path's namespace,
// and pass admitObject (Kubernetes' defaults, every field error at once, or a 422).
import { randomInt } from 'node:crypto';
import { KIND_INFO, type Kind } from '../../shared/model/kinds.ts';
import type { AnyObject } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { badRequest, invalid, StatusError } from './kubeStatus.ts';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameOf(raw: Record<string, unknown>): string {
  const meta = raw.metadata;
  return isPlainObject(meta) && typeof meta.name === 'string' ? meta.name : '';
}

/** The `resourceVersion` a body carries, used as Kubernetes does: as a precondition of an update. */
export function bodyResourceVersion(raw: unknown): string | undefined {
  if (!isPlainObject(raw) || !isPlainObject(raw.metadata)) return undefined;
  const rv = raw.metadata.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/** Checks kind and apiVersion against the path; fills them in when the body leaves them out. */
export function checkBodyKind(raw: unknown, kind: Kind | undefined): Record<string, unknown> {
  if (!isPlainObject(raw)) throw badRequest('the request body must be a JSON object');
  if (kind === undefined) return raw;
  const body = { ...raw };
  const info = KIND_INFO[kind];
  if (body.kind === undefined) body.kind = kind;
  if (body.apiVersion === undefined) body.apiVersion = info.apiVersion;
  if (body.kind !== kind || body.apiVersion !== info.apiVersion) {
    throw badRequest(
      `the object in the body (${String(body.apiVersion)}, Kind=${String(body.kind)}) does not match the ` +
        `resource of the request (${info.apiVersion}, Kind=${kind})`,
    );
  }
  return body;
}

const GENERATED_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' names.SimpleNameGenerator: the prefix and five random characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATED_CHARS.charAt(randomInt(GENERATED_CHARS.length));
  return `${prefix.slice(0, 58)}${suffix}`;
}

/**
 * Admits a body for `kind` (any kind when undefined) in `namespace` (the path's; `default` when the path
 * has none). Throws a StatusError: 400 for a body that is not an object or names another kind or
 * namespace, 422 with every field error for an invalid object.
 */
export function admitBody(raw: unknown, kind: Kind | undefined, namespace: string | undefined): AnyObject {
  const body = checkBodyKind(raw, kind);
  const result = admitObject(body, namespace ?? 'default');
  if (!result.ok) {
    throw new StatusError(
      invalid(typeof body.kind === 'string' ? body.kind : '', nameOf(body), result.errors),
    );
  }
  const obj = result.object;
  if (namespace !== undefined && obj.metadata.namespace !== namespace) {
    throw badRequest(
      `the namespace of the provided object (${obj.metadata.namespace}) does not match the namespace sent on ` +
        `the request (${namespace})`,
    );
  }
  if (!obj.metadata.name && obj.metadata.generateName)
    obj.metadata.name = generateName(obj.metadata.generateName);
  return obj;
}
