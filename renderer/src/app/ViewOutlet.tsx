// The view the route names. Views that show cluster data wait here for the first snapshot, so each of them
// starts from a synced store; the editors and onboarding work without one.
import { type ComponentType, lazy, Suspense } from 'react';
import { ErrorState } from '../components/ErrorState.tsx';
import { Loading } from '../components/Loading.tsx';
import { useClusterStore } from '../store/clusterStore.ts';
import { EventsView } from '../views/events/EventsView.tsx';
import { NodesView } from '../views/nodes/NodesView.tsx';
import { OverviewView } from '../views/overview/OverviewView.tsx';
import { PodsView } from '../views/pods/PodsView.tsx';
import { ServicesView } from '../views/services/ServicesView.tsx';
import { WorkloadsView } from '../views/workloads/WorkloadsView.tsx';
import type { ViewName } from './router.ts';

// The editors (CodeMirror, the YAML parser and the validation rules) and onboarding (QR codes) load on first
// use, so the first view after launch does not wait for them.
const ApplyView = lazy(() => import('../views/apply/ApplyView.tsx').then((m) => ({ default: m.ApplyView })));
const TemplatesView = lazy(() =>
  import('../views/templates/TemplatesView.tsx').then((m) => ({ default: m.TemplatesView })),
);
const OnboardingView = lazy(() =>
  import('../views/onboarding/OnboardingView.tsx').then((m) => ({ default: m.OnboardingView })),
);

const VIEW_COMPONENTS: Record<ViewName, ComponentType> = {
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
  return (
    <Suspense
      fallback={
        <div className="view">
          <Loading label="Loading…" />
        </div>
      }
    >
      <View />
    </Suspense>
  );
}
