// Which member should become or stop being a voter next. Pure: the leader calls it with the members it reads
// from the document and writes the one change it returns.
//
// Why one change at a time: any majority of N voters and any majority of N+1 (or N-1) voters share at least
// one voter, and that voter votes once per term, so nodes that see the old set and nodes that see the new
// one cannot elect two leaders in the same term. Changing two voters at once breaks this: with {a,b,c} ->
// {a,b,c,d,e}, {a,b} is a majority of the old set and {c,d,e} one of the new, with no voter in common. The
// caller should let one change reach the voters (e.g. wait for the next change of term or an election
// timeout) before asking for the next.
//
// Why odd counts: 2 voters survive no failure (like 1) and 4 survive one (like 3), but each extra voter is
// one more machine that can be down. So voters grow 1 -> 3 -> 5 and stop at the largest odd count the ready
// members allow; the even counts are only passed through. Healthy voters are never removed to restore an odd
// count: removing and re-adding on every readiness flap would churn elections for no safety gain.

export interface VoterCandidate {
  id: string;
  ready: boolean;
  voter: boolean;
  /** When the member joined: epoch milliseconds or an RFC 3339 timestamp. Older members become voters first. */
  joinedAt: number | string;
  /** The member was removed from the cluster but is still in the voter set; it leaves the set first. */
  removed?: boolean;
}

export type VoterChange = { add: string } | { remove: string };

export const DEFAULT_MAX_VOTERS = 5;

export function planVoterChange(
  members: readonly VoterCandidate[],
  maxVoters = DEFAULT_MAX_VOTERS,
): VoterChange | undefined {
  const byAge = [...members].sort(oldestFirst);
  const leaving = byAge.find((m) => m.voter && m.removed);
  if (leaving) return { remove: leaving.id };

  const voters = byAge.filter((m) => m.voter);
  if (voters.length > maxVoters) {
    // The limit was lowered: drop a voter that is down first (it helps no majority), else the newest.
    const drop = [...voters].reverse().find((m) => !m.ready) ?? voters[voters.length - 1];
    return drop ? { remove: drop.id } : undefined;
  }

  const candidates = byAge.filter((m) => !m.voter && !m.removed && m.ready);
  const first = candidates[0];
  if (!first) return undefined;
  // From an even count one more voter makes it odd. From an odd count, only start growing if a second
  // candidate can follow, so that we end on the next odd count rather than stay even.
  const step = voters.length % 2 === 0 ? 1 : 2;
  if (voters.length + step > maxVoters || candidates.length < step) return undefined;
  return { add: first.id };
}

function oldestFirst(a: VoterCandidate, b: VoterCandidate): number {
  return joinedAtMs(a) - joinedAtMs(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Unparseable timestamps sort last, so a malformed member never jumps the queue. */
function joinedAtMs(member: VoterCandidate): number {
  const ms = typeof member.joinedAt === 'number' ? member.joinedAt : Date.parse(member.joinedAt);
  return Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER;
}
