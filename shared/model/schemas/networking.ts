// Service and Endpoints: what the service proxy on every agent serves.
import { z } from 'zod';
import { validatePortName, validatePortNumber } from '../names.ts';
import { intOrString, stringMap } from './common.ts';
import { PROTOCOLS } from './pod.ts';
import { withCheck } from './zodFieldErrors.ts';

const port = () => withCheck(z.number(), (v) => validatePortNumber(v, ''));

/** LoadBalancer and ExternalName need infrastructure Shoal does not have: refused by name. */
export const SERVICE_TYPES = ['ClusterIP', 'NodePort'] as const;

export const servicePortSchema = z.strictObject({
  name: z.string().optional(),
  // Kubernetes' protocols are accepted by the schema so that the Service rule can refuse UDP and SCTP in
  // Shoal's own words (semantics/service.ts: the proxy supports TCP only).
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  port: port(),
  targetPort: intOrString().optional(),
  nodePort: port().optional(),
  appProtocol: z.string().optional(),
});

export const serviceSpecSchema = z.strictObject({
  type: z.enum(SERVICE_TYPES).optional(),
  selector: stringMap().optional(),
  ports: z.array(servicePortSchema).optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: z
    .strictObject({
      clientIP: z.strictObject({ timeoutSeconds: z.number().int().min(1).max(86400).optional() }).optional(),
    })
    .optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
  ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
});
export const serviceStatusSchema = z.strictObject({
  conditions: z
    .array(
      z.strictObject({
        type: z.string(),
        status: z.string(),
        reason: z.string().optional(),
        message: z.string().optional(),
        lastTransitionTime: z.string().optional(),
      }),
    )
    .optional(),
  loadBalancer: z.strictObject({}).optional(),
});

const endpointAddress = z.strictObject({
  ip: z.string().min(1),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: z
    .strictObject({
      kind: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
      uid: z.string().optional(),
    })
    .optional(),
});
export const endpointSubsetSchema = z.strictObject({
  addresses: z.array(endpointAddress).optional(),
  notReadyAddresses: z.array(endpointAddress).optional(),
  ports: z
    .array(
      z.strictObject({
        name: withCheck(z.string(), (v) => (v === '' ? [] : validatePortName(v, ''))).optional(),
        port: port(),
        protocol: z.enum(PROTOCOLS).optional(),
      }),
    )
    .optional(),
});
