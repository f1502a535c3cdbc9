// One schema per kind: the envelope (apiVersion, kind, metadata) around each kind's body.
import { z } from 'zod';
import { KIND_INFO, type Kind } from '../kinds.ts';
import { dns1035LabelErrors, dns1123LabelErrors } from '../names.ts';
import {
  configMapBody,
  eventBody,
  namespaceSpecSchema,
  namespaceStatusSchema,
  nodeSpecSchema,
  nodeStatusSchema,
  secretBody,
} from './cluster.ts';
import { objectMetaSchema } from './common.ts';
import { endpointSubsetSchema, serviceSpecSchema, serviceStatusSchema } from './networking.ts';
import { podSpecSchema, podStatusSchema } from './pod.ts';
import {
  daemonSetSpecSchema,
  daemonSetStatusSchema,
  deploymentSpecSchema,
  deploymentStatusSchema,
  jobSpecSchema,
  jobStatusSchema,
  replicaSetSpecSchema,
  replicaSetStatusSchema,
} from './workloads.ts';

function envelope<K extends Kind, B extends z.ZodRawShape>(kind: K, body: B, meta = objectMetaSchema()) {
  return z.strictObject({
    apiVersion: z.literal(KIND_INFO[kind].apiVersion),
    kind: z.literal(kind),
    metadata: meta,
    ...body,
  });
}

export const namespaceSchema = envelope(
  'Namespace',
  { spec: namespaceSpecSchema.optional(), status: namespaceStatusSchema.optional() },
  objectMetaSchema(dns1123LabelErrors),
);
export const nodeSchema = envelope('Node', {
  spec: nodeSpecSchema.optional(),
  status: nodeStatusSchema.optional(),
});
export const podSchema = envelope('Pod', { spec: podSpecSchema, status: podStatusSchema.optional() });
export const replicaSetSchema = envelope('ReplicaSet', {
  spec: replicaSetSpecSchema,
  status: replicaSetStatusSchema.optional(),
});
export const deploymentSchema = envelope('Deployment', {
  spec: deploymentSpecSchema,
  status: deploymentStatusSchema.optional(),
});
export const daemonSetSchema = envelope('DaemonSet', {
  spec: daemonSetSpecSchema,
  status: daemonSetStatusSchema.optional(),
});
export const jobSchema = envelope('Job', { spec: jobSpecSchema, status: jobStatusSchema.optional() });
export const serviceSchema = envelope(
  'Service',
  { spec: serviceSpecSchema, status: serviceStatusSchema.optional() },
  objectMetaSchema(dns1035LabelErrors),
);
export const endpointsSchema = envelope('Endpoints', { subsets: z.array(endpointSubsetSchema).optional() });
export const configMapSchema = envelope('ConfigMap', configMapBody);
export const secretSchema = envelope('Secret', secretBody);
export const eventSchema = envelope('Event', eventBody);

export const OBJECT_SCHEMAS = {
  Namespace: namespaceSchema,
  Node: nodeSchema,
  Pod: podSchema,
  ReplicaSet: replicaSetSchema,
  Deployment: deploymentSchema,
  DaemonSet: daemonSetSchema,
  Job: jobSchema,
  Service: serviceSchema,
  Endpoints: endpointsSchema,
  ConfigMap: configMapSchema,
  Secret: secretSchema,
  Event: eventSchema,
} as const satisfies Record<Kind, z.ZodType>;
