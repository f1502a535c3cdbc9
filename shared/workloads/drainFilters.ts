// Which pods `shoal drain` evicts, as kubectl's drain filters decide (k8s.io/kubectl/pkg/drain/filters.go):
// DaemonSet-managed pods would come straight back, so they are an error unless --ignore-daemonsets (then
// skipped); pods with emptyDir lose their data (--delete-emptydir-data); pods no controller replaces are
// gone for good (--force). Finished pods and pods already being deleted are always fine to delete.
// Pure and browser-safe: `shoal drain` and the dashboard's drain decide with it.
import type { Pod } from '../model/types.ts';
import { controllerRef } from './ownerRefs.ts';

export interface DrainFlags {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
}

export interface DrainPlan {
  /** The pods to evict, in the order given. */
  evict: Pod[];
  /** `ignoring DaemonSet-managed Pods: kube-system/agent-x`: printed after `Warning: `. */
  warnings: string[];
  /** `cannot delete …: default/web`: any of these stops the drain before it evicts anything. */
  errors: string[];
}

const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'Pods declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';

type Verdict = { delete: boolean; fatal?: string; warning?: string };

function isFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function daemonSetFilter(pod: Pod, flags: DrainFlags): Verdict {
  if (controllerRef(pod)?.kind !== 'DaemonSet' || pod.metadata.deletionTimestamp !== undefined) {
    return { delete: true };
  }
  if (!flags.ignoreDaemonSets) return { delete: false, fatal: DAEMONSET_FATAL };
  return { delete: false, warning: DAEMONSET_WARNING };
}

function localStorageFilter(pod: Pod, flags: DrainFlags): Verdict {
  const emptyDir = (pod.spec.volumes ?? []).some((v) => v.emptyDir !== undefined);
  if (!emptyDir || isFinished(pod) || pod.metadata.deletionTimestamp !== undefined) return { delete: true };
  if (!flags.deleteEmptyDirData) return { delete: false, fatal: LOCAL_STORAGE_FATAL };
  return { delete: true, warning: LOCAL_STORAGE_WARNING };
}

function unreplicatedFilter(pod: Pod, flags: DrainFlags): Verdict {
  if (isFinished(pod) || controllerRef(pod) !== undefined) return { delete: true };
  if (!flags.force) return { delete: false, fatal: UNMANAGED_FATAL };
  return { delete: true, warning: UNMANAGED_WARNING };
}

const FILTERS = [daemonSetFilter, localStorageFilter, unreplicatedFilter];

function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export function planDrain(pods: readonly Pod[], flags: DrainFlags): DrainPlan {
  const evict: Pod[] = [];
  // Message → pods, in the order the messages first appear, as kubectl groups them.
  const warnings = new Map<string, string[]>();
  const errors = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, message: string, pod: Pod) => {
    const list = map.get(message) ?? [];
    list.push(podKey(pod));
    map.set(message, list);
  };
  for (const pod of pods) {
    let keep = true;
    for (const filter of FILTERS) {
      const verdict = filter(pod, flags);
      if (verdict.warning) add(warnings, verdict.warning, pod);
      if (verdict.fatal) add(errors, verdict.fatal, pod);
      if (!verdict.delete) {
        keep = false;
        break;
      }
    }
    if (keep) evict.push(pod);
  }
  return {
    evict,
    warnings: [...warnings].map(([message, keys]) => `${message}: ${keys.join(', ')}`),
    errors: [...errors].map(([message, keys]) => `cannot delete ${message}: ${keys.join(', ')}`),
  };
}
