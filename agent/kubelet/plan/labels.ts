// The labels every container Shoal creates carries, and reading them back.
//
// Labels, not names, are how the kubelet finds its containers: they survive agent restarts, so a restarted
// agent adopts what it finds. They are read from the engine, where anyone may have created a container with
// look-alike labels, so parsing is strict and a malformed container is ignored and reported, never acted on.

import type { ObservedContainer } from '../runtime/ContainerRuntime.ts';

const PREFIX = 'io.shoal';

export const LABELS = {
  podUid: `${PREFIX}.pod.uid`,
  podName: `${PREFIX}.pod.name`,
  namespace: `${PREFIX}.pod.namespace`,
  containerName: `${PREFIX}.container.name`,
  node: `${PREFIX}.node`,
  role: `${PREFIX}.container.role`,
  attempt: `${PREFIX}.container.attempt`,
  /** The cluster (its document id): two clusters' agents may share one engine and a node name. */
  cluster: `${PREFIX}.cluster`,
} as const;

export const CONTAINER_ROLES = ['sandbox', 'init', 'app'] as const;
export type ContainerRole = (typeof CONTAINER_ROLES)[number];

/** The container name a sandbox carries: upper case, so no pod container (DNS-1123 label) can take it. */
export const SANDBOX_CONTAINER_NAME = 'POD';

/** Who a container belongs to, and which run of which pod container it is. */
export interface ContainerIdentity {
  podUid: string;
  podName: string;
  namespace: string;
  /** The pod container's name; SANDBOX_CONTAINER_NAME for the sandbox. */
  containerName: string;
  node: string;
  role: ContainerRole;
  /** 0 for the first run; each restart (a new engine container) adds one, so it is the restart count. */
  attempt: number;
  /** The cluster's id, when the kubelet knows it (always, in an agent). */
  cluster?: string;
}

/** An observed container whose labels parsed. */
export interface LabelledContainer {
  identity: ContainerIdentity;
  container: ObservedContainer;
}

export interface IgnoredContainer {
  container: ObservedContainer;
  reason: string;
}

export function containerLabels(identity: ContainerIdentity): Record<string, string> {
  return {
    [LABELS.podUid]: identity.podUid,
    [LABELS.podName]: identity.podName,
    [LABELS.namespace]: identity.namespace,
    [LABELS.containerName]: identity.containerName,
    [LABELS.node]: identity.node,
    [LABELS.role]: identity.role,
    [LABELS.attempt]: String(identity.attempt),
    ...(identity.cluster ? { [LABELS.cluster]: identity.cluster } : {}),
  };
}

/** The filter for `listContainers` that finds every container this node's kubelet made. */
export function nodeContainersFilter(node: string, cluster?: string): { labels: Record<string, string> } {
  return { labels: { [LABELS.node]: node, ...(cluster ? { [LABELS.cluster]: cluster } : {}) } };
}

/** The filter for `listContainers` that finds one pod's containers. */
export function podContainersFilter(podUid: string): { labels: Record<string, string> } {
  return { labels: { [LABELS.podUid]: podUid } };
}

/**
 * The engine name of a container: unique per pod, container and attempt (Docker refuses a second one), and
 * readable in `docker ps`. Docker allows `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; anything else in a uid becomes `-`.
 */
export function engineContainerName(identity: ContainerIdentity): string {
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return [
    'shoal',
    identity.containerName,
    identity.podName,
    identity.namespace,
    identity.podUid,
    identity.attempt,
  ]
    .map((part) => safe(String(part)))
    .join('_');
}

export type ParsedLabels = { ok: true; identity: ContainerIdentity } | { ok: false; reason: string };

const ATTEMPT_RE = /^(0|[1-9][0-9]{0,8})$/;

/** Reads a container's identity back from its labels; any missing or malformed label is a reason to ignore it. */
export function parseContainerLabels(labels: Readonly<Record<string, string>>): ParsedLabels {
  const read = (key: string): string | undefined => {
    const v = labels[key];
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const podUid = read(LABELS.podUid);
  const podName = read(LABELS.podName);
  const namespace = read(LABELS.namespace);
  const containerName = read(LABELS.containerName);
  const node = read(LABELS.node);
  const role = read(LABELS.role);
  const attempt = read(LABELS.attempt);
  const missing = Object.entries({ podUid, podName, namespace, containerName, node, role, attempt })
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (
    missing.length > 0 ||
    podUid === undefined ||
    podName === undefined ||
    namespace === undefined ||
    containerName === undefined ||
    node === undefined ||
    role === undefined ||
    attempt === undefined
  ) {
    return { ok: false, reason: `missing or empty label(s): ${missing.join(', ')}` };
  }
  if (!isRole(role)) return { ok: false, reason: `unknown role ${JSON.stringify(role)}` };
  if (!ATTEMPT_RE.test(attempt)) return { ok: false, reason: `bad attempt ${JSON.stringify(attempt)}` };
  if ((role === 'sandbox') !== (containerName === SANDBOX_CONTAINER_NAME)) {
    return {
      ok: false,
      reason: `role ${role} does not match container name ${JSON.stringify(containerName)}`,
    };
  }
  const cluster = read(LABELS.cluster);
  return {
    ok: true,
    identity: {
      podUid,
      podName,
      namespace,
      containerName,
      node,
      role,
      attempt: Number(attempt),
      ...(cluster ? { cluster } : {}),
    },
  };
}

/** Splits what the engine returned into containers the kubelet may act on and ones it must leave alone. */
export function parseObservedContainers(observed: readonly ObservedContainer[]): {
  labelled: LabelledContainer[];
  ignored: IgnoredContainer[];
} {
  const labelled: LabelledContainer[] = [];
  const ignored: IgnoredContainer[] = [];
  for (const container of observed) {
    const parsed = parseContainerLabels(container.labels);
    if (parsed.ok) labelled.push({ identity: parsed.identity, container });
    else ignored.push({ container, reason: parsed.reason });
  }
  return { labelled, ignored };
}

/** Groups labelled containers by pod uid, for one `planPodSync` per pod. */
export function groupByPod(labelled: readonly LabelledContainer[]): Map<string, LabelledContainer[]> {
  const byPod = new Map<string, LabelledContainer[]>();
  for (const c of labelled) {
    const list = byPod.get(c.identity.podUid);
    if (list) list.push(c);
    else byPod.set(c.identity.podUid, [c]);
  }
  return byPod;
}

function isRole(value: string): value is ContainerRole {
  return (CONTAINER_ROLES as readonly string[]).includes(value);
}
