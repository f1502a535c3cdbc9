// Pod: containers, probes, volumes, scheduling constraints and status, as far as Shoal runs them.
import { z } from 'zod';
import { validatePortName, validatePortNumber } from '../names.ts';
import type { LabelSelector } from '../selector.ts';
import { validateLabelSelector } from '../selector.ts';
import {
  conditionSchema,
  int,
  intOrString,
  nonNegativeInt,
  positiveInt,
  quantity,
  resourceList,
  stringMap,
  timestamp,
} from './common.ts';
import { withCheck } from './zodFieldErrors.ts';

const port = () => withCheck(z.number(), (v) => validatePortNumber(v, ''));
const portName = () => withCheck(z.string(), (v) => validatePortName(v, ''));
export const labelSelectorSchema = withCheck(
  z.custom<LabelSelector>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'must be an object',
  ),
  (v) => validateLabelSelector(v, ''),
);

export const PROTOCOLS = ['TCP'] as const;
/** UDP and SCTP exist in Kubernetes but Shoal's proxy and kubelet do not carry them yet: refuse, don't drop. */
const protocol = () => z.enum(PROTOCOLS);

const keySelector = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(1),
  optional: z.boolean().optional(),
});
const envVarSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      configMapKeyRef: keySelector.optional(),
      secretKeyRef: keySelector.optional(),
      fieldRef: z
        .strictObject({
          apiVersion: z.string().optional(),
          fieldPath: z.enum([
            'metadata.name',
            'metadata.namespace',
            'metadata.uid',
            'status.podIP',
            'status.hostIP',
            'spec.nodeName',
          ]),
        })
        .optional(),
    })
    .optional(),
});
const envFromSchema = z.strictObject({
  prefix: z.string().optional(),
  configMapRef: z.strictObject({ name: z.string().min(1), optional: z.boolean().optional() }).optional(),
  secretRef: z.strictObject({ name: z.string().min(1), optional: z.boolean().optional() }).optional(),
});

const containerPortSchema = z.strictObject({
  name: portName().optional(),
  containerPort: port(),
  hostPort: port().optional(),
  hostIP: z.string().optional(),
  protocol: protocol().optional(),
});

const probeSchema = z.strictObject({
  exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
  httpGet: z
    .strictObject({
      path: z.string().optional(),
      port: intOrString(),
      host: z.string().optional(),
      scheme: z.enum(['HTTP', 'HTTPS']).optional(),
      httpHeaders: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
    })
    .optional(),
  tcpSocket: z.strictObject({ port: intOrString(), host: z.string().optional() }).optional(),
  initialDelaySeconds: nonNegativeInt().optional(),
  periodSeconds: positiveInt().optional(),
  timeoutSeconds: positiveInt().optional(),
  successThreshold: positiveInt().optional(),
  failureThreshold: positiveInt().optional(),
  terminationGracePeriodSeconds: positiveInt().optional(),
});
export type Probe = z.infer<typeof probeSchema>;

const volumeMountSchema = z.strictObject({
  name: z.string().min(1),
  mountPath: z.string().min(1),
  readOnly: z.boolean().optional(),
  subPath: z.string().optional(),
});

export const containerSchema = z.strictObject({
  name: z.string().min(1),
  image: z.string().min(1),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(envVarSchema).optional(),
  envFrom: z.array(envFromSchema).optional(),
  ports: z.array(containerPortSchema).optional(),
  resources: z
    .strictObject({ limits: resourceList().optional(), requests: resourceList().optional() })
    .optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  securityContext: z
    .strictObject({
      runAsUser: nonNegativeInt().optional(),
      runAsGroup: nonNegativeInt().optional(),
      runAsNonRoot: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
      privileged: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
    })
    .optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.enum(['File', 'FallbackToLogsOnError']).optional(),
});
export type Container = z.infer<typeof containerSchema>;

const keyToPath = z.strictObject({ key: z.string().min(1), path: z.string().min(1), mode: int().optional() });
const volumeSchema = z.strictObject({
  name: z.string().min(1),
  emptyDir: z
    .strictObject({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: quantity().optional() })
    .optional(),
  hostPath: z
    .strictObject({
      path: z.string().min(1),
      type: z.enum(['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket']).optional(),
    })
    .optional(),
  configMap: z
    .strictObject({
      name: z.string().min(1),
      items: z.array(keyToPath).optional(),
      defaultMode: int().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
  secret: z
    .strictObject({
      secretName: z.string().min(1),
      items: z.array(keyToPath).optional(),
      defaultMode: int().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
});
export type Volume = z.infer<typeof volumeSchema>;
export const VOLUME_SOURCES = ['emptyDir', 'hostPath', 'configMap', 'secret'] as const;

const nodeSelectorRequirement = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: z.array(z.string()).optional(),
});
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(nodeSelectorRequirement).optional(),
  matchFields: z.array(nodeSelectorRequirement).optional(),
});
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelectorSchema.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string().min(1),
});
const weight = () => z.number().int().min(1).max(100);
const podAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight: weight(), podAffinityTerm }))
    .optional(),
});
const affinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z
        .strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) })
        .optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z
        .array(z.strictObject({ weight: weight(), preference: nodeSelectorTerm }))
        .optional(),
    })
    .optional(),
  podAffinity: podAffinitySchema.optional(),
  podAntiAffinity: podAffinitySchema.optional(),
});

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(TAINT_EFFECTS).optional(),
  tolerationSeconds: int().optional(),
});
export type Toleration = z.infer<typeof tolerationSchema>;

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;

export const podSpecSchema = z.strictObject({
  containers: z.array(containerSchema).min(1),
  initContainers: z.array(containerSchema).optional(),
  volumes: z.array(volumeSchema).optional(),
  restartPolicy: z.enum(RESTART_POLICIES).optional(),
  terminationGracePeriodSeconds: nonNegativeInt().optional(),
  activeDeadlineSeconds: positiveInt().optional(),
  nodeName: z.string().optional(),
  nodeSelector: stringMap().optional(),
  affinity: affinitySchema.optional(),
  tolerations: z.array(tolerationSchema).optional(),
  hostname: z.string().optional(),
  subdomain: z.string().optional(),
  dnsPolicy: z.enum(['ClusterFirst', 'Default', 'None']).optional(),
  enableServiceLinks: z.boolean().optional(),
  schedulerName: z.enum(['default-scheduler']).optional(),
  securityContext: z
    .strictObject({
      runAsUser: nonNegativeInt().optional(),
      runAsGroup: nonNegativeInt().optional(),
      runAsNonRoot: z.boolean().optional(),
      fsGroup: nonNegativeInt().optional(),
    })
    .optional(),
  priority: int().optional(),
});
export type PodSpec = z.infer<typeof podSpecSchema>;

const containerStateSchema = z.strictObject({
  waiting: z.strictObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.strictObject({ startedAt: timestamp().optional() }).optional(),
  terminated: z
    .strictObject({
      exitCode: int(),
      signal: int().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: timestamp().optional(),
      finishedAt: timestamp().optional(),
      containerID: z.string().optional(),
    })
    .optional(),
});

const containerStatusSchema = z.strictObject({
  name: z.string(),
  state: containerStateSchema.optional(),
  lastState: containerStateSchema.optional(),
  ready: z.boolean(),
  started: z.boolean().optional(),
  restartCount: nonNegativeInt(),
  image: z.string(),
  imageID: z.string().optional(),
  containerID: z.string().optional(),
});
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export const podStatusSchema = z.strictObject({
  phase: z.enum(POD_PHASES).optional(),
  conditions: z.array(conditionSchema).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  hostIP: z.string().optional(),
  podIP: z.string().optional(),
  podIPs: z.array(z.strictObject({ ip: z.string() })).optional(),
  startTime: timestamp().optional(),
  initContainerStatuses: z.array(containerStatusSchema).optional(),
  containerStatuses: z.array(containerStatusSchema).optional(),
  nominatedNodeName: z.string().optional(),
});
export type PodStatus = z.infer<typeof podStatusSchema>;
