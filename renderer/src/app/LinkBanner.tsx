// Says when the live view is not live: the watch is reconnecting, or the cluster cannot be reached.
import { useClusterStore } from '../store/clusterStore.ts';

export function LinkBanner() {
  const link = useClusterStore((s) => s.link);
  const linkError = useClusterStore((s) => s.linkError);
  if (link === 'reconnecting') {
    return (
      <div className="link-banner link-banner-warn" role="status" data-testid="link-banner">
        Reconnecting… what you see may be out of date.
      </div>
    );
  }
  if (link === 'failed') {
    return (
      <div className="link-banner link-banner-error" role="alert" data-testid="link-banner">
        Cannot reach the cluster: {linkError ?? 'the connection was lost'}. Check that the agent is running.
      </div>
    );
  }
  return null;
}
