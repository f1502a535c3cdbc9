// kubectl's rollout status viewers: the rules live in shared/display/rolloutStatus.ts, where the dashboard's
// rollout panel reads them too.
export {
  daemonSetRolloutStatus,
  deploymentRolloutStatus,
  type RolloutState,
  TIMED_OUT_REASON,
} from '../../../shared/display/rolloutStatus.ts';
