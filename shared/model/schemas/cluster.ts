// Namespace, Node, ConfigMap, Secret and Event.
import { z } from 'zod';
import type { FieldError } from '../fieldErrors.ts';
import { invalid } from '../fieldErrors.ts';
import { conditionSchema, int, resourceList, stringMap, timestamp } from './common.ts';
import { TAINT_EFFECTS } from './pod.ts';
import { withCheck } from './zodFieldErrors.ts';

export const namespaceSpecSchema = z.strictObject({ finalizers: z.array(z.string()).optional() });
export const namespaceStatusSchema = z.strictObject({ phase: z.enum(['Active', 'Terminating']).optional() });

export const taintSchema = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(TAINT_EFFECTS),
  timeAdded: timestamp().optional(),
});
export const nodeSpecSchema = z.strictObject({
  unschedulable: z.boolean().optional(),
  taints: z.array(taintSchema).optional(),
  podCIDR: z.string().optional(),
  providerID: z.string().optional(),
});
export const nodeStatusSchema = z.strictObject({
  capacity: resourceList().optional(),
  allocatable: resourceList().optional(),
  conditions: z.array(conditionSchema).optional(),
  addresses: z.array(z.strictObject({ type: z.string(), address: z.string() })).optional(),
  nodeInfo: z
    .strictObject({
      machineID: z.string().optional(),
      kernelVersion: z.string().optional(),
      osImage: z.string().optional(),
      containerRuntimeVersion: z.string().optional(),
      kubeletVersion: z.string().optional(),
      operatingSystem: z.string().optional(),
      architecture: z.string().optional(),
    })
    .optional(),
  images: z.array(z.strictObject({ names: z.array(z.string()), sizeBytes: int().optional() })).optional(),
  daemonEndpoints: z.strictObject({ kubeletEndpoint: z.strictObject({ Port: int() }) }).optional(),
});

/** Keys of ConfigMap and Secret data become file names: Kubernetes' IsConfigMapKey rule. */
function dataKeyErrors(data: Record<string, string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(data)) {
    if (
      key.length > 253 ||
      !/^[-._a-zA-Z0-9]+$/.test(key) ||
      key === '.' ||
      key === '..' ||
      key.startsWith('..')
    ) {
      errors.push(
        invalid(
          `[${key}]`,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
    }
  }
  return errors;
}
const dataMap = () => withCheck(stringMap(), dataKeyErrors);
const base64Map = () =>
  withCheck(stringMap(), (data) => [
    ...dataKeyErrors(data),
    ...Object.entries(data)
      .filter(
        ([, v]) =>
          !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, '')) || v.replace(/\s/g, '').length % 4 !== 0,
      )
      .map(([k, v]) => invalid(`[${k}]`, '<value hidden>', `illegal base64 data (${v.length} characters)`)),
  ]);

/** ConfigMap and Secret keep their payload at the top level, not under `spec`. */
export const configMapBody = {
  data: dataMap().optional(),
  binaryData: base64Map().optional(),
  immutable: z.boolean().optional(),
};
export const secretBody = {
  type: z.string().optional(),
  data: base64Map().optional(),
  stringData: dataMap().optional(),
  immutable: z.boolean().optional(),
};

/** Event's fields are top-level in Kubernetes (core/v1 Event). */
export const eventBody = {
  involvedObject: z.strictObject({
    kind: z.string().optional(),
    namespace: z.string().optional(),
    name: z.string().optional(),
    uid: z.string().optional(),
    apiVersion: z.string().optional(),
    fieldPath: z.string().optional(),
    resourceVersion: z.string().optional(),
  }),
  reason: z.string().optional(),
  message: z.string().optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  source: z.strictObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
  firstTimestamp: timestamp().optional(),
  lastTimestamp: timestamp().optional(),
  eventTime: timestamp().optional(),
  count: int().optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
  action: z.string().optional(),
};
