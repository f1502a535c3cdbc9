// Something the view asks the connection for once (again on `reload`), with its loading and failed states.
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../components/errorMessage.ts';

export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; value: T };

/** Loads with `fetch` on mount and whenever `fetch` changes (keep it stable with useCallback). */
export function useLoaded<T>(fetch: () => Promise<T>): [Loaded<T>, reload: () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const reload = useCallback(() => {
    setState({ status: 'loading' });
    fetch().then(
      (value) => setState({ status: 'ready', value }),
      (err: unknown) => setState({ status: 'failed', message: errorMessage(err) }),
    );
  }, [fetch]);
  useEffect(reload, [reload]);
  return [state, reload];
}
