// Defaults as the Kubernetes API server applies them (pkg/apis/*/v1/defaults.go), so that what Shoal stores
// and prints matches what a Kubernetes user expects to read back.
import { KIND_INFO } from './kinds.ts';
import type { AnyObject, Container, Deployment, Job, PodSpec, Secret, Service } from './types.ts';

type Probe = NonNullable<Container['livenessProbe']>;

/** `nginx`, `nginx:latest` and digests-less images with no tag are pulled Always; tagged ones IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  const tag = colon === -1 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Probe): void {
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultContainer(c: Container): void {
  // Guarded: defaults also run on malformed input so the cross-field rules can report on it (validate.ts).
  if (typeof c.image === 'string') c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  // Kubernetes copies limits into unset requests, so the scheduler sees what the container may use.
  if (c.resources?.limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(c.resources.limits)) c.resources.requests[k] ??= v;
  }
}

/** `restartPolicy` is left alone for Jobs: Kubernetes requires them to say OnFailure or Never. */
export function defaultPodSpec(
  spec: PodSpec,
  opts: { defaultRestartPolicy: boolean } = { defaultRestartPolicy: true },
): void {
  if (opts.defaultRestartPolicy) spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v.configMap) v.configMap.defaultMode ??= 0o644;
    if (v.secret) v.secret.defaultMode ??= 0o644;
    if (v.hostPath) v.hostPath.type ??= '';
  }
}

function defaultDeployment(d: Deployment): void {
  d.spec.replicas ??= 1;
  d.spec.strategy ??= {};
  d.spec.strategy.type ??= 'RollingUpdate';
  if (d.spec.strategy.type === 'RollingUpdate') {
    d.spec.strategy.rollingUpdate ??= {};
    d.spec.strategy.rollingUpdate.maxSurge ??= '25%';
    d.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
}

function defaultJob(job: Job): void {
  // Kubernetes: completions defaults to 1 only when parallelism is unset too; parallelism alone is a
  // work queue (pods until one succeeds).
  if (job.spec.completions === undefined && job.spec.parallelism === undefined) job.spec.completions = 1;
  job.spec.parallelism ??= 1;
  job.spec.backoffLimit ??= 6;
  job.spec.completionMode ??= 'NonIndexed';
  job.spec.suspend ??= false;
}

function defaultService(svc: Service): void {
  svc.spec.type ??= 'ClusterIP';
  svc.spec.sessionAffinity ??= 'None';
  for (const p of svc.spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (svc.spec.sessionAffinity === 'ClientIP') {
    svc.spec.sessionAffinityConfig ??= {};
    svc.spec.sessionAffinityConfig.clientIP ??= {};
    svc.spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
}

/** Base64 of the UTF-8 bytes, without Node's Buffer: the renderer validates manifests with this code too. */
function utf8ToBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The API server folds `stringData` into base64 `data`; it is write-only. */
function defaultSecret(secret: Secret): void {
  secret.type ??= 'Opaque';
  if (secret.stringData) {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = utf8ToBase64(v);
    delete secret.stringData;
  }
}

/** Returns a defaulted deep copy; the input is not modified. */
export function applyDefaults<T extends AnyObject>(input: T, defaultNamespace = 'default'): T {
  const obj = structuredClone(input) as AnyObject;
  if (KIND_INFO[obj.kind].namespaced) obj.metadata.namespace ??= defaultNamespace;
  switch (obj.kind) {
    case 'Pod':
      defaultPodSpec(obj.spec);
      break;
    case 'ReplicaSet':
      obj.spec.replicas ??= 1;
      defaultPodSpec(obj.spec.template.spec);
      break;
    case 'Deployment':
      defaultDeployment(obj);
      defaultPodSpec(obj.spec.template.spec);
      break;
    case 'DaemonSet':
      obj.spec.updateStrategy ??= {};
      obj.spec.updateStrategy.type ??= 'RollingUpdate';
      if (obj.spec.updateStrategy.type === 'RollingUpdate') {
        obj.spec.updateStrategy.rollingUpdate ??= {};
        obj.spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
        obj.spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
      }
      obj.spec.revisionHistoryLimit ??= 10;
      defaultPodSpec(obj.spec.template.spec);
      break;
    case 'Job':
      defaultJob(obj);
      defaultPodSpec(obj.spec.template.spec, { defaultRestartPolicy: false });
      break;
    case 'Service':
      defaultService(obj);
      break;
    case 'Secret':
      defaultSecret(obj);
      break;
    case 'Event':
      obj.type ??= 'Normal';
      obj.count ??= 1;
      break;
    default:
      break;
  }
  return obj as T;
}
