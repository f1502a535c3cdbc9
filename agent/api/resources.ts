// The Kubernetes REST verbs on one kind: list, get, create, replace, replace status, delete.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRoute } from '../../shared/api/paths.ts';
import { KIND_INFO, KINDS, type Kind } from '../../shared/model/kinds.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { stripNulls } from '../../shared/model/schemas/zodFieldErrors.ts';
import type { ClusterStore } from '../../shared/store/ClusterStore.ts';
import { admitBody, bodyResourceVersion, checkBodyKind, isPlainObject } from './admission.ts';
import { handleDelete, refuseInTerminatingNamespace } from './deletionPolicy.ts';
import { readJson, sendJson, sendStatus } from './http.ts';
import { badRequest, failure, notFound, StatusError } from './kubeStatus.ts';
import { selectorsFromQuery } from './listOptions.ts';

export interface KubeList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string };
  items: KubeObject[];
}

/** The highest resourceVersion in the store: what a list reports, and where a watch of it resumes. */
export function currentResourceVersion(store: ClusterStore): string {
  let max = 0;
  for (const kind of KINDS) {
    for (const obj of store.list(kind)) {
      const rv = Number(obj.metadata.resourceVersion);
      if (rv > max) max = rv;
    }
  }
  return String(max);
}

export function listObjects(store: ClusterStore, route: ResourceRoute, query: URLSearchParams): KubeList {
  const selectors = selectorsFromQuery(query);
  const items = store.list(route.kind, { namespace: route.namespace, ...selectors });
  return {
    apiVersion: KIND_INFO[route.kind].apiVersion,
    kind: `${route.kind}List`,
    metadata: { resourceVersion: currentResourceVersion(store) },
    items,
  };
}

function getObject(store: ClusterStore, kind: Kind, namespace: string | undefined, name: string): KubeObject {
  const obj = store.get(kind, namespace, name);
  if (!obj) throw new StatusError(notFound(kind, name));
  return obj;
}

function checkBodyName(body: Record<string, unknown>, name: string): void {
  const meta = isPlainObject(body.metadata) ? body.metadata : undefined;
  const bodyName = meta?.name;
  if (bodyName !== undefined && bodyName !== name) {
    throw badRequest(
      `the name of the object (${String(bodyName)}) does not match the name on the URL (${name})`,
    );
  }
}

/** Handles a request on a resource path; `watch` requests are handled before, by the watch module. */
export async function handleResource(
  store: ClusterStore,
  route: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const { kind, namespace, name, subresource } = route;
  const method = req.method ?? 'GET';
  if (name === undefined) {
    if (method === 'GET') return sendJson(res, 200, listObjects(store, route, query));
    if (method === 'POST') {
      const obj = admitBody(await readJson(req), kind, namespace);
      refuseInTerminatingNamespace(store, kind, obj.metadata.name, obj.metadata.namespace);
      return sendJson(res, 201, await store.create(obj));
    }
    return methodNotAllowed(res, method, ['GET', 'POST']);
  }
  if (subresource === 'status') {
    if (method === 'GET') return sendJson(res, 200, getObject(store, kind, namespace, name));
    if (method === 'PUT') {
      const body = checkBodyKind(await readJson(req), kind);
      checkBodyName(body, name);
      const status = stripNulls(body.status);
      const updated = await store.updateStatus(kind, namespace, name, status, {
        resourceVersion: bodyResourceVersion(body),
      });
      return sendJson(res, 200, updated);
    }
    return methodNotAllowed(res, method, ['GET', 'PUT']);
  }
  switch (method) {
    case 'GET':
      return sendJson(res, 200, getObject(store, kind, namespace, name));
    case 'PUT': {
      const raw = await readJson(req);
      const body = checkBodyKind(raw, kind);
      checkBodyName(body, name);
      const withName = {
        ...body,
        metadata: { ...(isPlainObject(body.metadata) ? body.metadata : {}), name },
      };
      const obj = admitBody(withName, kind, namespace);
      const updated = await store.updateSpec(obj, { resourceVersion: bodyResourceVersion(raw) });
      return sendJson(res, 200, updated);
    }
    case 'DELETE':
      return handleDelete(store, { kind, namespace, name }, req, res, query);
    default:
      return methodNotAllowed(res, method, ['GET', 'PUT', 'DELETE']);
  }
}

function methodNotAllowed(res: ServerResponse, method: string, allowed: string[]): void {
  res.setHeader('Allow', allowed.join(', '));
  sendStatus(
    res,
    failure(
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource (${method})`,
    ),
  );
}
