// Whether this dashboard is attached to a cluster yet. Asked once, and again whenever the route changes
// while it is not: onboarding ends by navigating to a view, which is when the shell should take over.
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../components/errorMessage.ts';
import type { OnboardingState } from '../connection/ClusterConnection.ts';
import { useConnection } from '../store/ConnectionContext.tsx';

export type OnboardingCheck =
  | { phase: 'loading' }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; state: OnboardingState };

export function useOnboarding(routeHash: string): { check: OnboardingCheck; retry: () => void } {
  const connection = useConnection();
  const [check, setCheck] = useState<OnboardingCheck>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const member = check.phase === 'ready' && check.state.member;

  // biome-ignore lint/correctness/useExhaustiveDependencies: routeHash and attempt are triggers, not inputs
  useEffect(() => {
    if (member) return; // once a member, always a member for this window
    let current = true;
    connection.onboarding().then(
      (state) => current && setCheck({ phase: 'ready', state }),
      (error: unknown) => current && setCheck({ phase: 'error', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [connection, member, routeHash, attempt]);

  const retry = useCallback(() => {
    setCheck({ phase: 'loading' });
    setAttempt((a) => a + 1);
  }, []);
  return { check, retry };
}
