// Election timings. Injectable so tests run in milliseconds; the defaults are the issue's.
//
// Why these relations matter:
// - heartbeat < election timeout min: a follower must hear several heartbeats per timeout, or one lost
//   heartbeat starts an election.
// - The timeout is randomized in [min, max) so that, after a leader dies, one follower usually times out
//   well before the others and wins alone instead of splitting the vote.
// - A leader steps down when it has not heard from a majority for `electionTimeoutMinMs` (check-quorum),
//   which is no later than the earliest moment a follower may start an election without it: so a deposed
//   leader stops acting at about the time the others start replacing it (fencing by term covers the rest).
// - A follower refuses pre-votes for `electionTimeoutMinMs` after hearing its leader, for the same reason.

export interface ElectionTimings {
  heartbeatIntervalMs: number;
  /** Inclusive lower bound of the randomized election timeout; also the check-quorum and pre-vote window. */
  electionTimeoutMinMs: number;
  /** Exclusive upper bound of the randomized election timeout. */
  electionTimeoutMaxMs: number;
}

export const DEFAULT_ELECTION_TIMINGS: Readonly<ElectionTimings> = Object.freeze({
  heartbeatIntervalMs: 500,
  electionTimeoutMinMs: 1500,
  electionTimeoutMaxMs: 3000,
});

/** Fills in defaults and rejects timings under which elections cannot work. Throws RangeError. */
export function resolveElectionTimings(timings: Partial<ElectionTimings> = {}): ElectionTimings {
  const resolved = { ...DEFAULT_ELECTION_TIMINGS, ...timings };
  const { heartbeatIntervalMs, electionTimeoutMinMs, electionTimeoutMaxMs } = resolved;
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  }
  if (heartbeatIntervalMs >= electionTimeoutMinMs) {
    throw new RangeError('heartbeatIntervalMs must be less than electionTimeoutMinMs');
  }
  if (electionTimeoutMaxMs <= electionTimeoutMinMs) {
    throw new RangeError('electionTimeoutMaxMs must be greater than electionTimeoutMinMs');
  }
  return resolved;
}

/**
 * A random timeout in [min, max), uniform over whole milliseconds (floored, so a value of random() just
 * below 1 cannot round up to max). `random` is clamped to [0, 1) so a bad source cannot break it.
 */
export function randomElectionTimeout(timings: ElectionTimings, random: () => number): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  const span = timings.electionTimeoutMaxMs - timings.electionTimeoutMinMs;
  return timings.electionTimeoutMinMs + Math.floor(unit * span);
}
