// The view the route names. Views that show cluster data wait here for the first snapshot, so each of them
// starts from a synced store; the editors and onboarding work without one.
import type { ReactNode } from 'react';
import { ErrorState } from '../components/ErrorState.tsx';
import { Loading } from '../components/Loading.tsx';
import { useClusterStore } from '../store/clusterStore.ts';
import { ApplyView } from '../views/apply/ApplyView.tsx';
import { EventsView } from '../views/events/EventsView.tsx';
import { NodesView } from '../views/nodes/NodesView.tsx';
import { OnboardingView } from '../views/onboarding/OnboardingView.tsx';
import { OverviewView } from '../views/overview/OverviewView.tsx';
import { PodsView } from '../views/pods/PodsView.tsx';
import { ServicesView } from '../views/services/ServicesView.tsx';
import { TemplatesView } from '../views/templates/TemplatesView.tsx';
import { WorkloadsView } from '../views/workloads/WorkloadsView.tsx';
import type { ViewName } from './router.ts';

const VIEW_COMPONENTS: Record<ViewName, () => ReactNode> = {
  overview: OverviewView,
  workloads: WorkloadsView,
  pods: PodsView,
  services: ServicesView,
  nodes: NodesView,
  events: EventsView,
  apply: ApplyView,
  templates: TemplatesView,
  onboarding: OnboardingView,
};

const NEEDS_SNAPSHOT: ReadonlySet<ViewName> = new Set([
  'overview',
  'workloads',
  'pods',
  'services',
  'nodes',
  'events',
]);

export function ViewOutlet({ view, onRetry }: { view: ViewName; onRetry: () => void }) {
  const synced = useClusterStore((s) => s.synced);
  const link = useClusterStore((s) => s.link);
  const linkError = useClusterStore((s) => s.linkError);
  if (NEEDS_SNAPSHOT.has(view) && !synced) {
    if (link === 'failed') {
      return (
        <div className="view">
          <ErrorState
            message={`Cannot reach the cluster: ${linkError ?? 'no answer'}. Check that the agent is running (shoal status), then try again.`}
            retry={onRetry}
          />
        </div>
      );
    }
    return (
      <div className="view">
        <Loading label="Loading the cluster…" />
      </div>
    );
  }
  const View = VIEW_COMPONENTS[view];
  return <View />;
}
