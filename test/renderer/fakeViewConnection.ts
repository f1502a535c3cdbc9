// A ClusterConnection for view tests: every method fails loudly unless the test gives it, and every call
// is recorded.
import { vi } from 'vitest';
import type { ClusterConnection } from '../../renderer/src/connection/ClusterConnection.ts';
import { useClusterStore } from '../../renderer/src/store/clusterStore.ts';
import { emptyObjectMaps } from '../../renderer/src/store/objectMaps.ts';

const METHODS = [
  'watchAll',
  'watchEvents',
  'watchUsage',
  'status',
  'proxyStatus',
  'apply',
  'delete',
  'scale',
  'rolloutRestart',
  'rolloutUndo',
  'cordon',
  'drain',
  'logs',
  'exec',
  'onboarding',
  'createCluster',
  'joinCluster',
  'startLocalCluster',
  'joinKey',
] as const satisfies readonly (keyof ClusterConnection)[];

export function fakeConnection(
  overrides: Partial<Omit<ClusterConnection, 'transport'>> = {},
  transport: ClusterConnection['transport'] = 'web',
): ClusterConnection {
  const connection: Record<string, unknown> = { transport };
  for (const name of METHODS) {
    const given = overrides[name];
    connection[name] = vi.fn(
      given ??
        (() => {
          throw new Error(`fakeConnection: ${name} was not expected in this test`);
        }),
    );
  }
  return connection as unknown as ClusterConnection;
}

/** Puts the store back to an empty, synced cluster in all namespaces. */
export function resetStore(): void {
  useClusterStore.setState({ objects: emptyObjectMaps(), synced: true, link: 'live', namespace: '' });
}
