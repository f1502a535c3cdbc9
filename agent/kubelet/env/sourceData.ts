// Reading the payload of a pod's ConfigMaps and Secrets from the cluster store, for env and for volumes.
//
// Both are namespaced: a pod only ever sees those of its own namespace. The store hands out validated
// objects, but typed as a bare KubeObject (ConfigMap and Secret keep `data` at the top level, not in
// `spec`), so the shape is checked again here rather than cast: a value that is not a map of strings is
// treated as absent, never trusted.

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { ClusterStore } from '../../../shared/store/ClusterStore.ts';

export type ObjectReader = Pick<ClusterStore, 'get'>;

export type SourceKind = 'ConfigMap' | 'Secret';

export interface SourcePayload {
  /** Values usable as text: ConfigMap `data`; Secret `data` decoded (and `stringData` if not folded). */
  text: Map<string, string>;
  /** Every key as bytes, `binaryData` included: what a volume writes to files. */
  bytes: Map<string, Uint8Array>;
}

/** The pod's namespace, as the API server defaults it. */
export function podNamespace(pod: { metadata: { namespace?: string | undefined } }): string {
  return pod.metadata.namespace || 'default';
}

/** Kubernetes' not-found message as the kubelet shows it: `configmap "x" not found`, `secret "x" not found`. */
export function sourceNotFound(kind: SourceKind, name: string): string {
  return `${kind === 'ConfigMap' ? 'configmap' : 'secret'} "${name}" not found`;
}

/** The payload of a ConfigMap or Secret, or undefined when it does not exist. */
export function readSource(
  objects: ObjectReader,
  kind: SourceKind,
  namespace: string,
  name: string,
): SourcePayload | undefined {
  const obj = objects.get(kind, namespace, name);
  if (obj === undefined || obj.kind !== kind) return undefined;
  return kind === 'ConfigMap' ? configMapPayload(obj) : secretPayload(obj);
}

function configMapPayload(obj: KubeObject): SourcePayload {
  const text = new Map(Object.entries(stringMapField(obj, 'data')));
  const bytes = new Map<string, Uint8Array>();
  for (const [k, v] of text) bytes.set(k, Buffer.from(v, 'utf8'));
  // binaryData is only for files: Kubernetes' env reads `data` alone.
  for (const [k, v] of Object.entries(stringMapField(obj, 'binaryData')))
    bytes.set(k, Buffer.from(v, 'base64'));
  return { text, bytes };
}

function secretPayload(obj: KubeObject): SourcePayload {
  const bytes = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(stringMapField(obj, 'data'))) bytes.set(k, Buffer.from(v, 'base64'));
  // Admission folds stringData into data; an object written without admission may still carry it, and the
  // API server lets stringData win over data for the same key.
  for (const [k, v] of Object.entries(stringMapField(obj, 'stringData')))
    bytes.set(k, Buffer.from(v, 'utf8'));
  const text = new Map<string, string>();
  for (const [k, v] of bytes) text.set(k, Buffer.from(v).toString('utf8'));
  return { text, bytes };
}

function stringMapField(obj: KubeObject, field: string): Record<string, string> {
  const value: unknown = (obj as unknown as Record<string, unknown>)[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
