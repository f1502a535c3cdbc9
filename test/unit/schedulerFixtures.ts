// Plain Node and Pod objects for the scheduler's tests (what the store would hold after admission).
import type { Uid } from '../../shared/model/meta.ts';
import type { Node, Pod } from '../../shared/model/types.ts';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  ready?: 'True' | 'False' | 'Unknown' | 'absent';
  unschedulable?: boolean;
  taints?: NonNullable<NonNullable<Node['spec']>['taints']>;
  images?: string[];
}

export function node(name: string, o: NodeOptions = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: {
      ...(o.unschedulable ? { unschedulable: true } : {}),
      ...(o.taints ? { taints: o.taints } : {}),
    },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110) },
      conditions: o.ready === 'absent' ? [] : [{ type: 'Ready', status: o.ready ?? 'True' }],
      ...(o.images ? { images: [{ names: o.images, sizeBytes: 1000 }] } : {}),
    },
  } as Node;
}

type Spec = Pod['spec'];

export interface PodOptions {
  cpu?: string;
  memory?: string;
  node?: string;
  owner?: string;
  labels?: Record<string, string>;
  namespace?: string;
  created?: string;
  image?: string;
  hostPort?: number;
  hostIP?: string;
  phase?: NonNullable<Pod['status']>['phase'];
  deleting?: boolean;
  initCpu?: string;
  spec?: Partial<Spec>;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const requests = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}` as Uid,
      resourceVersion: '3',
      creationTimestamp: o.created ?? '2026-06-01T12:00:00Z',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: o.owner,
                uid: `uid-${o.owner}` as Uid,
                controller: true,
              },
            ],
          }
        : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-06-01T12:00:00Z' } : {}),
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: o.image ?? 'shoal.test/busybox:1',
          ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}),
          ...(o.hostPort
            ? {
                ports: [
                  { containerPort: 80, hostPort: o.hostPort, ...(o.hostIP ? { hostIP: o.hostIP } : {}) },
                ],
              }
            : {}),
        },
      ],
      ...(o.initCpu
        ? {
            initContainers: [
              { name: 'init', image: 'shoal.test/busybox:1', resources: { requests: { cpu: o.initCpu } } },
            ],
          }
        : {}),
      ...(o.node ? { nodeName: o.node } : {}),
      ...o.spec,
    },
    ...(o.phase ? { status: { phase: o.phase } } : {}),
  } as Pod;
}
