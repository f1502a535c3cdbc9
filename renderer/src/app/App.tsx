// The application: onboarding until this peer belongs to a cluster, then the shell (sidebar, link banner,
// the routed view, keyboard shortcuts). The connection comes from main.tsx, or from a test.
import { useCallback, useEffect, useState } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { Loading } from '../components/Loading.tsx';
import type { ClusterConnection } from '../connection/ClusterConnection.ts';
import { ConnectionProvider, useConnection } from '../store/ConnectionContext.tsx';
import { startClusterSync, useClusterStore } from '../store/clusterStore.ts';
import { OnboardingView } from '../views/onboarding/OnboardingView.tsx';
import { useKeyboardShortcuts } from './keyboardShortcuts.ts';
import { LinkBanner } from './LinkBanner.tsx';
import { NAV_ITEMS } from './navItems.ts';
import { navigate, routeHash, useLocationHash, useRoute } from './router.ts';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { Sidebar } from './Sidebar.tsx';
import { useOnboarding } from './useOnboarding.ts';
import { ViewOutlet } from './ViewOutlet.tsx';

export function App({ connection }: { connection: ClusterConnection }) {
  const theme = useClusterStore((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <ConnectionProvider connection={connection}>
      <Gate />
    </ConnectionProvider>
  );
}

function Gate() {
  const connection = useConnection();
  const hash = useLocationHash();
  const { check, retry } = useOnboarding(hash);
  const notMember = check.phase === 'ready' && !check.state.member;
  const [syncAttempt, setSyncAttempt] = useState(0);
  const retrySync = useCallback(() => setSyncAttempt((a) => a + 1), []);
  // The cluster's list-then-watch starts while the peer is still being asked whether it is a member: the
  // usual answer is yes, and the first view then does not wait for two round trips in a row.
  // biome-ignore lint/correctness/useExhaustiveDependencies: syncAttempt restarts the sync on "Try again"
  useEffect(
    () => (notMember ? undefined : startClusterSync(connection)),
    [connection, notMember, syncAttempt],
  );
  useEffect(() => {
    // Any navigation away from here (onboarding's "Open the dashboard") is then a hash change to re-check on.
    if (notMember) navigate(routeHash('onboarding'));
  }, [notMember]);

  if (check.phase === 'loading') {
    return (
      <div className="view">
        <Loading label="Connecting to Shoal…" />
      </div>
    );
  }
  if (check.phase === 'error') {
    return (
      <div className="view">
        <ErrorState message={`Cannot reach the Shoal peer: ${check.message}`} retry={retry} />
      </div>
    );
  }
  if (notMember) {
    return (
      <main className="main onboarding-only">
        <ErrorBoundary>
          <OnboardingView />
        </ErrorBoundary>
      </main>
    );
  }
  return <Shell retrySync={retrySync} />;
}

function Shell({ retrySync }: { retrySync: () => void }) {
  const route = useRoute();
  const [showShortcuts, setShowShortcuts] = useState(false);

  useEffect(() => {
    const label = NAV_ITEMS.find((i) => i.view === route.view)?.label ?? 'Add a machine';
    document.title = `${label} · Shoal`;
  }, [route.view]);

  const toggleHelp = useCallback(() => setShowShortcuts((s) => !s), []);
  const closeHelp = useCallback(() => setShowShortcuts(false), []);
  useKeyboardShortcuts({ toggleHelp, closeHelp });

  return (
    <div className="shell">
      <Sidebar current={route.view} onShowShortcuts={toggleHelp} />
      <main className="main">
        <LinkBanner />
        <ErrorBoundary key={route.view}>
          <ViewOutlet view={route.view} onRetry={retrySync} />
        </ErrorBoundary>
      </main>
      {showShortcuts && <ShortcutsDialog onClose={closeHelp} />}
    </div>
  );
}
