// `shoal describe` text for any kind: kubectl's layout for pods, deployments, replica sets, daemon sets,
// jobs, services, nodes, config maps and secrets; a generic nested listing for the rest.
import type { KubeObject } from '../../../shared/model/meta.ts';
import type {
  ConfigMap,
  DaemonSet,
  Deployment,
  Job,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
} from '../../../shared/model/types.ts';
import type { DescribeContext } from './common.ts';
import { describeConfigMap, describeSecret } from './config.ts';
import { describeGeneric } from './generic.ts';
import { describeNode } from './node.ts';
import { describePod } from './pod.ts';
import { describeService } from './service.ts';
import { describeDaemonSet, describeDeployment, describeJob, describeReplicaSet } from './workloads.ts';

export type { DescribeContext } from './common.ts';

export function describeObject(obj: KubeObject, ctx: DescribeContext): string {
  switch (obj.kind) {
    case 'Pod':
      return describePod(obj as Pod, ctx);
    case 'Deployment':
      return describeDeployment(obj as Deployment, ctx);
    case 'ReplicaSet':
      return describeReplicaSet(obj as ReplicaSet, ctx);
    case 'DaemonSet':
      return describeDaemonSet(obj as DaemonSet, ctx);
    case 'Job':
      return describeJob(obj as Job, ctx);
    case 'Service':
      return describeService(obj as Service, ctx);
    case 'Node':
      return describeNode(obj as Node, ctx);
    case 'ConfigMap':
      return describeConfigMap(obj as ConfigMap, ctx);
    case 'Secret':
      return describeSecret(obj as Secret, ctx);
    default:
      return describeGeneric(obj, ctx);
  }
}
