// successThreshold and failureThreshold, as Kubernetes' probe worker applies them: a result changes only
// after that many consecutive attempts agree, and the first attempt after a change of outcome counts 1.

export interface ThresholdState {
  /** The result the kubelet acts on. */
  value: boolean;
  /** The last attempt's outcome, and how many attempts in a row had it. */
  last?: boolean;
  run: number;
}

export interface Thresholds {
  successThreshold: number;
  failureThreshold: number;
}

export function applyProbeAttempt(state: ThresholdState, success: boolean, t: Thresholds): ThresholdState {
  const run = state.last === success ? state.run + 1 : 1;
  const needed = success ? t.successThreshold : t.failureThreshold;
  return { value: run >= needed ? success : state.value, last: success, run };
}
