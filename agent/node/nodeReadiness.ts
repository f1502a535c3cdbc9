// The leader's node-lifecycle rule for readiness: a node is Ready while its agent's heartbeats arrive, and
// Unknown once none arrived for the grace period. Pure: the caller supplies what it heard and when, and
// writes only the conditions this returns (the document records changes, not heartbeats). Conditions of
// other types (the agent's MemoryPressure and DiskPressure) are kept as they are.
import type { Node } from '../../shared/model/types.ts';
import { conditionTime } from './nodeConditions.ts';

/**
 * Six missed heartbeats (one a second). Kubernetes waits 50 s, but it also tolerates NotReady for 300 s
 * before evicting; Shoal evicts after 20 s (issue 5), so a dead machine's pods run elsewhere within about
 * 30 s. A short blip costs nothing: the node turns Ready again before anything is evicted.
 */
export const DEFAULT_NODE_GRACE_MS = 6_000;

type Condition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

export interface ReadinessUpdate {
  nodeName: string;
  conditions: Condition[];
}

export interface ReadinessInput {
  nodes: readonly Node[];
  /** Last heartbeat time per node name (ms). */
  lastHeard: ReadonlyMap<string, number>;
  now: number;
  /** When this leader started leading: nobody is judged on silence from before it could listen. */
  leaderSince: number;
  graceMs?: number;
}

/**
 * lastHeartbeatTime: when the agent was last heard as the leader judged (the leader writes on a change
 * only, so it is not bumped by every heartbeat), which describe shows instead of Go's zero time.
 */
function readyCondition(status: 'True' | 'Unknown', now: number, heard: number | undefined): Condition {
  const at = conditionTime(now);
  const heartbeat = heard === undefined ? {} : { lastHeartbeatTime: conditionTime(heard) };
  return status === 'True'
    ? {
        type: 'Ready',
        status,
        reason: 'AgentReady',
        message: 'agent is sending heartbeats',
        ...heartbeat,
        lastTransitionTime: at,
      }
    : {
        type: 'Ready',
        status,
        reason: 'NodeStatusUnknown',
        message: 'Agent stopped sending heartbeats.',
        ...heartbeat,
        lastTransitionTime: at,
      };
}

export function planNodeReadiness(input: ReadinessInput): ReadinessUpdate[] {
  const grace = input.graceMs ?? DEFAULT_NODE_GRACE_MS;
  const updates: ReadinessUpdate[] = [];
  for (const node of input.nodes) {
    const heard = input.lastHeard.get(node.metadata.name);
    const silentSince = Math.max(heard ?? input.leaderSince, input.leaderSince);
    const wanted: 'True' | 'Unknown' | undefined =
      heard !== undefined && input.now - heard <= grace
        ? 'True'
        : input.now - silentSince > grace
          ? 'Unknown'
          : undefined;
    if (wanted === undefined) continue; // not heard yet, but still within grace of this leader's start
    const conditions = node.status?.conditions ?? [];
    const current = conditions.find((c) => c.type === 'Ready');
    if (current?.status === wanted) continue;
    updates.push({
      nodeName: node.metadata.name,
      conditions: [...conditions.filter((c) => c.type !== 'Ready'), readyCondition(wanted, input.now, heard)],
    });
  }
  return updates;
}

export function isNodeReady(node: Node): boolean | 'Unknown' {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return 'Unknown';
  return ready.status === 'True' ? true : ready.status === 'False' ? false : 'Unknown';
}
