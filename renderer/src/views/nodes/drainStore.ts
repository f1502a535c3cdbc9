// Drains in progress, by node. Kept outside the view so leaving the Nodes view and coming back still shows
// a running drain's progress.
import { create } from 'zustand';
import { errorMessage } from '../../components/errorMessage.ts';
import type { ClusterConnection, DrainProgress } from '../../connection/ClusterConnection.ts';

export interface DrainState {
  running: boolean;
  progress?: DrainProgress;
  error?: string;
}

interface DrainStore {
  drains: Record<string, DrainState>;
}

export const useDrainStore = create<DrainStore>()(() => ({ drains: {} }));

function update(node: string, patch: Partial<DrainState>): void {
  useDrainStore.setState((s) => ({
    drains: { ...s.drains, [node]: { ...(s.drains[node] ?? { running: false }), ...patch } },
  }));
}

export function startDrain(connection: ClusterConnection, node: string): void {
  if (useDrainStore.getState().drains[node]?.running) return;
  update(node, { running: true, progress: undefined, error: undefined });
  connection
    .drain(node, (progress) => update(node, { progress, error: progress.error }))
    .then(
      () => update(node, { running: false }),
      (error: unknown) => update(node, { running: false, error: errorMessage(error) }),
    );
}

export function useDrain(node: string): DrainState | undefined {
  return useDrainStore((s) => s.drains[node]);
}
