// ReplicaSet, Deployment, DaemonSet and Job: the controllers' desired state and what they report.
import { z } from 'zod';
import { conditionSchema, intOrPercent, nonNegativeInt, positiveInt, templateMetaSchema } from './common.ts';
import { labelSelectorSchema, podSpecSchema } from './pod.ts';

export const podTemplateSchema = z.strictObject({
  metadata: templateMetaSchema.optional(),
  spec: podSpecSchema,
});
export type PodTemplate = z.infer<typeof podTemplateSchema>;

export const replicaSetSpecSchema = z.strictObject({
  replicas: nonNegativeInt().optional(),
  minReadySeconds: nonNegativeInt().optional(),
  selector: labelSelectorSchema,
  template: podTemplateSchema,
});
export const replicaSetStatusSchema = z.strictObject({
  replicas: nonNegativeInt(),
  fullyLabeledReplicas: nonNegativeInt().optional(),
  readyReplicas: nonNegativeInt().optional(),
  availableReplicas: nonNegativeInt().optional(),
  observedGeneration: nonNegativeInt().optional(),
  conditions: z.array(conditionSchema).optional(),
});

export const deploymentSpecSchema = z.strictObject({
  replicas: nonNegativeInt().optional(),
  selector: labelSelectorSchema,
  template: podTemplateSchema,
  strategy: z
    .strictObject({
      type: z.enum(['RollingUpdate', 'Recreate']).optional(),
      rollingUpdate: z
        .strictObject({ maxSurge: intOrPercent().optional(), maxUnavailable: intOrPercent().optional() })
        .optional(),
    })
    .optional(),
  minReadySeconds: nonNegativeInt().optional(),
  revisionHistoryLimit: nonNegativeInt().optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: positiveInt().optional(),
});
export const deploymentStatusSchema = z.strictObject({
  observedGeneration: nonNegativeInt().optional(),
  replicas: nonNegativeInt().optional(),
  updatedReplicas: nonNegativeInt().optional(),
  readyReplicas: nonNegativeInt().optional(),
  availableReplicas: nonNegativeInt().optional(),
  unavailableReplicas: nonNegativeInt().optional(),
  conditions: z.array(conditionSchema).optional(),
  collisionCount: nonNegativeInt().optional(),
});

export const daemonSetSpecSchema = z.strictObject({
  selector: labelSelectorSchema,
  template: podTemplateSchema,
  updateStrategy: z
    .strictObject({
      type: z.enum(['RollingUpdate', 'OnDelete']).optional(),
      rollingUpdate: z
        .strictObject({ maxUnavailable: intOrPercent().optional(), maxSurge: intOrPercent().optional() })
        .optional(),
    })
    .optional(),
  minReadySeconds: nonNegativeInt().optional(),
  revisionHistoryLimit: nonNegativeInt().optional(),
});
export const daemonSetStatusSchema = z.strictObject({
  currentNumberScheduled: nonNegativeInt(),
  numberMisscheduled: nonNegativeInt(),
  desiredNumberScheduled: nonNegativeInt(),
  numberReady: nonNegativeInt(),
  observedGeneration: nonNegativeInt().optional(),
  updatedNumberScheduled: nonNegativeInt().optional(),
  numberAvailable: nonNegativeInt().optional(),
  numberUnavailable: nonNegativeInt().optional(),
  conditions: z.array(conditionSchema).optional(),
});

export const jobSpecSchema = z.strictObject({
  parallelism: nonNegativeInt().optional(),
  completions: nonNegativeInt().optional(),
  activeDeadlineSeconds: positiveInt().optional(),
  backoffLimit: nonNegativeInt().optional(),
  ttlSecondsAfterFinished: nonNegativeInt().optional(),
  completionMode: z.enum(['NonIndexed']).optional(),
  suspend: z.boolean().optional(),
  selector: labelSelectorSchema.optional(),
  manualSelector: z.boolean().optional(),
  template: podTemplateSchema,
});
export const jobStatusSchema = z.strictObject({
  active: nonNegativeInt().optional(),
  succeeded: nonNegativeInt().optional(),
  failed: nonNegativeInt().optional(),
  ready: nonNegativeInt().optional(),
  startTime: z.string().optional(),
  completionTime: z.string().optional(),
  conditions: z.array(conditionSchema).optional(),
});
