// The kinds Shoal knows, with the names kubectl users type for them.

export const KINDS = [
  'Namespace',
  'Node',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'DaemonSet',
  'Job',
  'Service',
  'Endpoints',
  'ConfigMap',
  'Secret',
  'Event',
] as const;

export type Kind = (typeof KINDS)[number];

export interface KindInfo {
  readonly kind: Kind;
  /** The apiVersion Shoal writes; manifests must use it too, as Kubernetes requires. */
  readonly apiVersion: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
}

export const KIND_INFO: Readonly<Record<Kind, KindInfo>> = {
  Namespace: {
    kind: 'Namespace',
    apiVersion: 'v1',
    plural: 'namespaces',
    shortNames: ['ns'],
    namespaced: false,
  },
  Node: { kind: 'Node', apiVersion: 'v1', plural: 'nodes', shortNames: ['no'], namespaced: false },
  Pod: { kind: 'Pod', apiVersion: 'v1', plural: 'pods', shortNames: ['po'], namespaced: true },
  ReplicaSet: {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    plural: 'replicasets',
    shortNames: ['rs'],
    namespaced: true,
  },
  Deployment: {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    plural: 'deployments',
    shortNames: ['deploy'],
    namespaced: true,
  },
  DaemonSet: {
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    plural: 'daemonsets',
    shortNames: ['ds'],
    namespaced: true,
  },
  Job: { kind: 'Job', apiVersion: 'batch/v1', plural: 'jobs', shortNames: [], namespaced: true },
  Service: { kind: 'Service', apiVersion: 'v1', plural: 'services', shortNames: ['svc'], namespaced: true },
  Endpoints: {
    kind: 'Endpoints',
    apiVersion: 'v1',
    plural: 'endpoints',
    shortNames: ['ep'],
    namespaced: true,
  },
  ConfigMap: {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    plural: 'configmaps',
    shortNames: ['cm'],
    namespaced: true,
  },
  Secret: { kind: 'Secret', apiVersion: 'v1', plural: 'secrets', shortNames: [], namespaced: true },
  Event: { kind: 'Event', apiVersion: 'v1', plural: 'events', shortNames: ['ev'], namespaced: true },
};

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** Resolves what a user typed (`po`, `pods`, `Pod`, `deployments.apps`) to a kind, or undefined. */
export function resolveKind(typed: string): Kind | undefined {
  const word = typed.toLowerCase().split('.')[0] ?? '';
  for (const info of Object.values(KIND_INFO)) {
    if (info.kind.toLowerCase() === word || info.plural === word || info.shortNames.includes(word)) {
      return info.kind;
    }
  }
  return undefined;
}
