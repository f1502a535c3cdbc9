// Building blocks shared by the kinds' schemas: metadata, integers, int-or-string, quantities.
import { z } from 'zod';
import type { FieldError } from '../fieldErrors.ts';
import { invalid } from '../fieldErrors.ts';
import type { Uid } from '../meta.ts';
import { dns1123SubdomainErrors, validateAnnotations, validateLabels } from '../names.ts';
import { validateQuantity } from '../quantity.ts';
import { withCheck } from './zodFieldErrors.ts';

export const int = () => z.number().int();
export const nonNegativeInt = () => z.number().int().min(0);
export const positiveInt = () => z.number().int().min(1);
export const stringMap = () => z.record(z.string(), z.string());

/** `maxSurge: 1` or `maxSurge: 25%`, as Kubernetes' IntOrString for rollout bounds. */
export const intOrPercent = () =>
  withCheck(z.union([z.number(), z.string()]), (v): FieldError[] => {
    if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? [] : [invalid('', v, 'must be >= 0')];
    return /^[0-9]+%$/.test(v)
      ? []
      : [
          invalid(
            '',
            v,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
          ),
        ];
  });

/** A port as a number or a container port's name (probes' and services' targetPort). */
export const intOrString = () => z.union([z.number().int(), z.string().min(1)]);

export const quantity = () => withCheck(z.union([z.string(), z.number()]), (v) => validateQuantity(v, ''));
export const resourceList = () => z.record(z.string(), quantity());

export const labelsSchema = () => withCheck(stringMap(), (labels) => validateLabels(labels, ''));
export const annotationsSchema = () => withCheck(stringMap(), (a) => validateAnnotations(a, ''));

export const timestamp = () =>
  withCheck(z.string(), (v) =>
    Number.isNaN(Date.parse(v)) ? [invalid('', v, 'must be an RFC 3339 time')] : [],
  );

const uid = () => z.custom<Uid>((v) => typeof v === 'string' && v.length > 0, 'must be a non-empty string');

export const ownerReferenceSchema = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  uid: uid(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

/** Checks a name with the rule its kind uses (most kinds: DNS-1123 subdomain). */
export type NameRule = (name: string) => string[];

export function objectMetaSchema(nameRule: NameRule = dns1123SubdomainErrors) {
  const name = withCheck(z.string(), (v) => nameRule(v).map((d) => invalid('', v, d)));
  return z.strictObject({
    name: name.optional(),
    generateName: z.string().optional(),
    namespace: withCheck(z.string(), (v) =>
      dns1123SubdomainErrors(v).map((d) => invalid('', v, d)),
    ).optional(),
    uid: uid().optional(),
    labels: labelsSchema().optional(),
    annotations: annotationsSchema().optional(),
    ownerReferences: z.array(ownerReferenceSchema).optional(),
    creationTimestamp: timestamp().optional(),
    generation: nonNegativeInt().optional(),
    resourceVersion: z.string().optional(),
    deletionTimestamp: timestamp().optional(),
    deletionGracePeriodSeconds: nonNegativeInt().optional(),
    finalizers: z.array(z.string()).optional(),
  });
}

/** The metadata of a pod template: only labels and annotations mean something there. */
export const templateMetaSchema = z.strictObject({
  name: z.string().optional(),
  labels: labelsSchema().optional(),
  annotations: annotationsSchema().optional(),
  // `kubectl create --dry-run -o yaml` writes `creationTimestamp: null` here; nulls are stripped before parsing.
  creationTimestamp: timestamp().optional(),
});

export const conditionSchema = z.strictObject({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: timestamp().optional(),
  lastUpdateTime: timestamp().optional(),
  lastProbeTime: timestamp().optional(),
  lastHeartbeatTime: timestamp().optional(),
  observedGeneration: nonNegativeInt().optional(),
});
