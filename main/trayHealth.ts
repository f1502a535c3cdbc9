// What the tray icon says about the cluster: a one-line tooltip and the lines at the top of its menu, from
// the embedded peer's own status (an in-process call, no API round trip).
import type { ClusterStatus } from '../agent/api/clusterStatus.ts';
import type { PeerState } from './EmbeddedPeer.ts';

export interface TrayHealth {
  tooltip: string;
  /** Informational menu lines (shown disabled). */
  lines: string[];
  /** For the icon or a badge: all nodes ready with a leader, something to look at, or no cluster. */
  tone: 'ok' | 'warn' | 'idle';
}

export function trayHealth(
  state: PeerState,
  status: ClusterStatus | undefined,
  error?: string,
  member = true,
): TrayHealth {
  if (state === 'failed')
    return {
      tooltip: 'Shoal: the peer could not start',
      lines: [`The peer could not start: ${(error ?? 'unknown error').slice(0, 120)}`],
      tone: 'warn',
    };
  if (state === 'starting') return { tooltip: 'Shoal: starting…', lines: ['Starting…'], tone: 'idle' };
  if (!status)
    return member
      ? { tooltip: 'Shoal: stopped', lines: ['The peer is stopped'], tone: 'idle' }
      : {
          tooltip: 'Shoal: not in a cluster yet',
          lines: ['Not in a cluster yet: open Shoal to create or join one'],
          tone: 'idle',
        };
  const ready = status.members.filter((m) => m.ready === true).length;
  const total = status.members.length;
  const leader = status.leader ? `leader ${status.leader.name}` : 'no leader (election under way)';
  const nodes = `${ready}/${total} nodes ready`;
  const name = status.clusterName || 'cluster';
  return {
    tooltip: `Shoal ${name}: ${nodes}, ${leader}`,
    lines: [
      `Cluster ${name}`,
      nodes,
      status.leader ? `Leader: ${status.leader.name} (term ${status.term})` : leader,
    ],
    tone: ready === total && status.leader ? 'ok' : 'warn',
  };
}
