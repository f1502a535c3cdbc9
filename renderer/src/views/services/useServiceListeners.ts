// Where the agent behind this view listens for one Service (its service address, the Docker bridge for
// pods, node addresses for NodePorts), read when the details open: listeners change only when Services do.
import { useEffect, useState } from 'react';
import { errorMessage } from '../../components/errorMessage.ts';
import type { ProxyStatus } from '../../connection/ClusterConnection.ts';
import { useConnection } from '../../store/ConnectionContext.tsx';

export type ServiceListeners =
  | { phase: 'loading' }
  | { phase: 'ready'; node: string; listeners: ProxyStatus['listeners'] }
  | { phase: 'error'; message: string };

export function useServiceListeners(serviceKey: string, refreshKey: unknown): ServiceListeners {
  const connection = useConnection();
  const [state, setState] = useState<ServiceListeners>({ phase: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey (the Service object) is a trigger
  useEffect(() => {
    let current = true;
    // Through a resolved promise, so a connection that throws at once is an error shown, not a crash.
    Promise.resolve()
      .then(() => connection.proxyStatus())
      .then(
        (status) =>
          current &&
          setState({
            phase: 'ready',
            node: status.node,
            listeners: status.listeners.filter((l) => l.service === serviceKey),
          }),
        (error: unknown) => current && setState({ phase: 'error', message: errorMessage(error) }),
      );
    return () => {
      current = false;
    };
  }, [connection, serviceKey, refreshKey]);
  return state;
}
