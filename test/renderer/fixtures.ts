// Objects the workload tests build again and again: the `web` deployment, its replica sets, and the
// conditions of a finished rollout. Each test sets what it is about (replicas, status, revisions).
import type { Deployment, ReplicaSet } from '../../shared/model/types.ts';

/** The pod template of `web`, running `image`. */
export const webTemplate = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image }] },
});

/** Deployment `web` in `default`, at revision 3, with `metadata` overriding the defaults. */
export function webDeployment(
  replicas: number,
  status: Deployment['status'],
  metadata: Partial<Deployment['metadata']> = {},
  image = 'nginx:1.27',
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'web-uid',
      generation: 1,
      annotations: { 'deployment.kubernetes.io/revision': '3' },
      ...metadata,
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: webTemplate(image) },
    status,
  } as unknown as Deployment;
}

/** A replica set of `web` (owned by the deployment with `ownerUid`), all its replicas ready. */
export function webReplicaSet(
  name: string,
  opts: {
    revision: string | undefined;
    image: string;
    replicas?: number;
    ownerUid?: string;
    created?: string;
  },
): ReplicaSet {
  const replicas = opts.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      ...(opts.created ? { creationTimestamp: opts.created } : {}),
      annotations: opts.revision === undefined ? {} : { 'deployment.kubernetes.io/revision': opts.revision },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: opts.ownerUid ?? 'web-uid',
          controller: true,
        },
      ],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: webTemplate(opts.image) },
    status: { replicas, readyReplicas: replicas },
  } as unknown as ReplicaSet;
}

/** A deployment's conditions once its rollout is over (new replica set `web-c` available). */
export const ROLLED_OUT_CONDITIONS: NonNullable<NonNullable<Deployment['status']>['conditions']> = [
  {
    type: 'Available',
    status: 'True',
    reason: 'MinimumReplicasAvailable',
    message: 'Deployment has minimum availability.',
  },
  {
    type: 'Progressing',
    status: 'True',
    reason: 'NewReplicaSetAvailable',
    message: 'ReplicaSet "web-c" has successfully progressed.',
  },
];
