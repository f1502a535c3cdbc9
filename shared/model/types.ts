// The typed resource model every process uses, inferred from the schemas so types and checks never drift.
import type { z } from 'zod';
import type { ObjectMeta } from './meta.ts';
import type {
  configMapSchema,
  daemonSetSchema,
  deploymentSchema,
  endpointsSchema,
  eventSchema,
  jobSchema,
  namespaceSchema,
  nodeSchema,
  podSchema,
  replicaSetSchema,
  secretSchema,
  serviceSchema,
} from './schemas/objects.ts';

type Typed<S extends z.ZodType> = Omit<z.infer<S>, 'metadata'> & { metadata: ObjectMeta };

export type Namespace = Typed<typeof namespaceSchema>;
export type Node = Typed<typeof nodeSchema>;
export type Pod = Typed<typeof podSchema>;
export type ReplicaSet = Typed<typeof replicaSetSchema>;
export type Deployment = Typed<typeof deploymentSchema>;
export type DaemonSet = Typed<typeof daemonSetSchema>;
export type Job = Typed<typeof jobSchema>;
export type Service = Typed<typeof serviceSchema>;
export type Endpoints = Typed<typeof endpointsSchema>;
export type ConfigMap = Typed<typeof configMapSchema>;
export type Secret = Typed<typeof secretSchema>;
export type Event = Typed<typeof eventSchema>;

/** Any object of a kind Shoal knows, discriminated by `kind`. */
export type AnyObject =
  | Namespace
  | Node
  | Pod
  | ReplicaSet
  | Deployment
  | DaemonSet
  | Job
  | Service
  | Endpoints
  | ConfigMap
  | Secret
  | Event;

export type ObjectOfKind<K extends AnyObject['kind']> = Extract<AnyObject, { kind: K }>;

export type PodSpec = Pod['spec'];
export type PodStatus = NonNullable<Pod['status']>;
export type Container = PodSpec['containers'][number];
export type PodTemplate = Deployment['spec']['template'];
export type LabelMap = Record<string, string>;
