// The `controller-revision-hash` of a DaemonSet's template: the stable template hash the deployment
// controller names its replica sets with, so every leader labels the pods of one template alike.
import type { PodTemplate } from '../../../shared/model/types.ts';
import { computeHash } from '../podTemplateHash.ts';

export function templateHash(template: PodTemplate): string {
  return computeHash(template);
}
