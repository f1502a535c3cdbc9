// Leader election among the voter members (DESIGN.md, "Election and control"). Start here:
// - ElectionDriver runs one node: timers, persistence before sends, role/leader events.
// - fileElectionPersistence keeps term and vote in the data directory.
// - planVoterChange says which member to add to or remove from the voter set next.
// - ElectionState is the pure state machine underneath; ElectionSimulation runs clusters of it in tests.

export type { ElectionPersistence, RoleChange } from './ElectionDriver.ts';
export { ElectionDriver, type ElectionDriverEvents, type ElectionDriverOptions } from './ElectionDriver.ts';
export { ElectionState, type ElectionStateOptions } from './ElectionState.ts';
export type { ElectionEffect, ElectionRole, PersistedElectionState } from './electionEffects.ts';
export { type ElectionMessage, isElectionMessage, validateElectionMessage } from './electionMessages.ts';
export { DEFAULT_ELECTION_TIMINGS, type ElectionTimings } from './electionTimings.ts';
export { fileElectionPersistence } from './fileElectionPersistence.ts';
export {
  DEFAULT_MAX_VOTERS,
  planVoterChange,
  type VoterCandidate,
  type VoterChange,
} from './voterMembership.ts';
