// What ElectionState asks its caller to do, and in which order.
//
// Order within one effect list: at most one `persist` comes FIRST, then at most one `role`, then `dropped`
// reports, then `send`s. The caller must make `persist` durable before sending anything that follows it: a
// term or a vote is promised to a peer only once it would survive a crash, which is what keeps a restarted
// voter from voting twice in one term. A new leader role is announced after the persist for the same reason.
import type { ElectionMessage } from './electionMessages.ts';

export type ElectionRole = 'follower' | 'candidate' | 'leader';

/** The state that must survive a restart. */
export interface PersistedElectionState {
  term: number;
  votedFor: string | undefined;
}

export type ElectionEffect =
  | { type: 'persist'; term: number; votedFor: string | undefined }
  | { type: 'role'; role: ElectionRole; term: number; leaderId: string | undefined }
  | { type: 'dropped'; from: string; reason: string }
  | { type: 'send'; to: string; message: ElectionMessage };

/** The observable state an input may change. */
export interface ElectionSnapshot extends PersistedElectionState {
  role: ElectionRole;
  leaderId: string | undefined;
}

/**
 * The effects of one input: a persist if term or vote changed, a role if role, term or leader changed (one
 * each, with the final values, however many steps the input took), then the reports and sends it queued.
 */
export function orderEffects(
  before: ElectionSnapshot,
  after: ElectionSnapshot,
  queued: readonly ElectionEffect[],
): ElectionEffect[] {
  const effects: ElectionEffect[] = [];
  if (after.term !== before.term || after.votedFor !== before.votedFor) {
    effects.push({ type: 'persist', term: after.term, votedFor: after.votedFor });
  }
  if (after.role !== before.role || after.term !== before.term || after.leaderId !== before.leaderId) {
    effects.push({ type: 'role', role: after.role, term: after.term, leaderId: after.leaderId });
  }
  effects.push(...queued.filter((e) => e.type === 'dropped'), ...queued.filter((e) => e.type === 'send'));
  return effects;
}
