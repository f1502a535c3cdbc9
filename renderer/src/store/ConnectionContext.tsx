// The connection views call for actions (apply, scale, logs, exec…). Provided once by main.tsx, or by a
// test with a fake.
import { createContext, type ReactNode, useContext } from 'react';
import type { ClusterConnection } from '../connection/ClusterConnection.ts';

const ConnectionContext = createContext<ClusterConnection | null>(null);

export function ConnectionProvider({
  connection,
  children,
}: {
  connection: ClusterConnection;
  children?: ReactNode;
}) {
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

export function useConnection(): ClusterConnection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection: no ConnectionProvider above this component');
  return connection;
}
