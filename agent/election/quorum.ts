// Majority arithmetic over a voter set. Only ids in the voter set count: a vote or ack from anyone else (a
// removed voter, an observer) must never help form a majority.

/** The smallest number of voters that is more than half of them. */
export function majorityOf(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/** Whether `ids` include a majority of `voters`. An empty voter set has no majority. */
export function hasMajority(ids: Iterable<string>, voters: ReadonlySet<string>): boolean {
  if (voters.size === 0) return false;
  let count = 0;
  for (const id of new Set(ids)) if (voters.has(id)) count += 1;
  return count >= majorityOf(voters.size);
}

/**
 * When a leader stops having heard from a majority within `windowMs`, given when each voter last answered.
 * The leader counts as always heard. -Infinity when it never had a majority; Infinity when it alone is one.
 */
export function quorumExpiresAt(
  leaderId: string,
  voters: ReadonlySet<string>,
  lastHeard: ReadonlyMap<string, number>,
  windowMs: number,
): number {
  if (voters.size === 0) return Number.NEGATIVE_INFINITY;
  const heard = [...voters].map((id) =>
    id === leaderId ? Number.POSITIVE_INFINITY : (lastHeard.get(id) ?? Number.NEGATIVE_INFINITY),
  );
  heard.sort((a, b) => b - a);
  // The majority-th most recent answer is the one whose expiry breaks the majority.
  const oldestNeeded = heard[majorityOf(voters.size) - 1] ?? Number.NEGATIVE_INFINITY;
  return oldestNeeded + windowMs;
}
