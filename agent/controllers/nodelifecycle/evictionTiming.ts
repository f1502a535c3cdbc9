// When a pod on a NoExecute-tainted node must go, as Kubernetes' taint manager decides it
// (pkg/controller/tainteviction): every NoExecute taint must be tolerated, else the pod goes at once; the
// shortest tolerationSeconds among the tolerations used decides how long it may stay; tolerations without
// tolerationSeconds tolerate forever. Like Kubernetes' DefaultTolerationSeconds admission plugin, a pod
// that says nothing about not-ready/unreachable tolerates them for a default time (Shoal's: 20 s, so a dead
// node's work moves within the issue's target; Kubernetes' is 300 s).
import type { Pod } from '../../../shared/model/types.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, type Taint, type Toleration, toleratesTaint } from './taints.ts';

export const DEFAULT_TOLERATION_SECONDS = 20;

/** The pod's tolerations plus the default ones it does not override (DefaultTolerationSeconds). */
export function effectiveTolerations(pod: Pod, defaultSeconds: number): Toleration[] {
  const own = pod.spec.tolerations ?? [];
  const covers = (key: string) =>
    own.some(
      (t) =>
        (t.key === key || t.key === undefined || t.key === '') &&
        (t.effect === 'NoExecute' || t.effect === undefined),
    );
  const defaults = [TAINT_NOT_READY, TAINT_UNREACHABLE]
    .filter((key) => !covers(key))
    .map(
      (key): Toleration => ({
        key,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: defaultSeconds,
      }),
    );
  return [...own, ...defaults];
}

/**
 * How long the pod may stay on a node with these NoExecute taints, in seconds: 0 at once, `Infinity` forever.
 * Kubernetes' getMatchingTolerations + getMinTolerationTime: the first toleration that tolerates each taint
 * is the one used.
 */
export function tolerationSeconds(tolerations: readonly Toleration[], taints: readonly Taint[]): number {
  if (taints.length === 0) return Number.POSITIVE_INFINITY;
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return 0;
    used.push(match);
  }
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (t.tolerationSeconds === undefined) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min;
}

/**
 * When the pod is to be evicted (ms since the epoch), or undefined when it tolerates the taints forever.
 * The clock starts when the taints were added (the earliest NoExecute taint's timeAdded; the taint manager
 * counts from when it saw them, which a new leader could not know), or when the pod was created, if later.
 */
export function evictionTime(
  pod: Pod,
  taints: readonly Taint[],
  now: Date,
  defaultSeconds = DEFAULT_TOLERATION_SECONDS,
): number | undefined {
  const seconds = tolerationSeconds(effectiveTolerations(pod, defaultSeconds), taints);
  if (seconds === Number.POSITIVE_INFINITY) return undefined;
  const added = taints.map((t) => parseTime(t.timeAdded) ?? now.getTime());
  const created = parseTime(pod.metadata.creationTimestamp) ?? 0;
  const since = Math.max(Math.min(...added), created);
  return since + seconds * 1000;
}

function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}
