// Running one user action (scale, restart, undo, delete) against the cluster: whether it is in flight and
// the error to show beside its buttons. The message is the API's (a ClusterError's), shown as is.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../components/errorMessage.ts';

export interface ActionState {
  pending: boolean;
  error: string | undefined;
  /** Runs `action` unless one is in flight; resolves true when it succeeded. */
  run(action: () => Promise<void>): Promise<boolean>;
  clearError(): void;
}

export function useAction(): ActionState {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const inFlight = useRef(false);
  // A panel closed while its request runs must not set state afterwards.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (action: () => Promise<void>) => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setPending(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      if (mounted.current) setError(errorMessage(e));
      return false;
    } finally {
      inFlight.current = false;
      if (mounted.current) setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(undefined), []);
  return { pending, error, run, clearError };
}
