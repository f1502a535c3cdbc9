// A pod's READY, STATUS and RESTARTS: kubectl's rules are shared with the CLI (shared/display/podStatus.ts);
// what the renderer adds is a per-object cache, since the pods table recomputes on every store update.
import { type PodSummary, podSummary } from '../../../../shared/display/podStatus.ts';
import type { Pod } from '../../../../shared/model/types.ts';

export {
  type PodSummary,
  podSummary,
  restartsText,
  statusTone,
} from '../../../../shared/display/podStatus.ts';
export type { StatusTone } from '../../../../shared/display/tone.ts';

const summaries = new WeakMap<Pod, PodSummary>();

/**
 * The summary of this pod object, computed once per object identity: the store replaces a pod's object when
 * it changes, so an unchanged pod among 1,000 costs a map lookup on each update.
 */
export function cachedPodSummary(pod: Pod): PodSummary {
  let summary = summaries.get(pod);
  if (summary === undefined) {
    summary = podSummary(pod);
    summaries.set(pod, summary);
  }
  return summary;
}
