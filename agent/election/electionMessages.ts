// The messages voters exchange to elect a leader: the election half of Raft plus PreVote (Raft thesis §9.6).
// There is no log to replicate (the cluster state is an Automerge CRDT), so a heartbeat carries no entries and
// a vote request carries no log position: any voter may win, and the term is what fences a deposed leader.
//
// Every message arrives from a peer, so it is untrusted: validateElectionMessage checks the shape and returns
// a fresh object with only the known fields. Who sent a message is the transport's authenticated peer id, not
// a field of the message; the ids a message names must match it (parsePeerMessage).

/** Asks whether the receiver would vote for `candidateId` in `term` (= the sender's term + 1). Changes nothing. */
export interface PreVote {
  type: 'PreVote';
  term: number;
  candidateId: string;
}

/** Granted: `term` echoes the proposed term. Refused: `term` is the refuser's current term. */
export interface PreVoteResponse {
  type: 'PreVoteResponse';
  term: number;
  granted: boolean;
}

export interface RequestVote {
  type: 'RequestVote';
  term: number;
  candidateId: string;
}

export interface VoteResponse {
  type: 'VoteResponse';
  term: number;
  granted: boolean;
}

/** Raft's empty AppendEntries: "I lead `term`". */
export interface Heartbeat {
  type: 'Heartbeat';
  term: number;
  leaderId: string;
}

/** success: the receiver follows the sender in `term`. Otherwise `term` is the receiver's (higher) term. */
export interface HeartbeatAck {
  type: 'HeartbeatAck';
  term: number;
  success: boolean;
}

export type ElectionMessage =
  | PreVote
  | PreVoteResponse
  | RequestVote
  | VoteResponse
  | Heartbeat
  | HeartbeatAck;

export type ElectionMessageType = ElectionMessage['type'];

export type ValidationResult = { ok: true; message: ElectionMessage } | { ok: false; error: string };

const MESSAGE_TYPES: ReadonlySet<unknown> = new Set<ElectionMessageType>([
  'PreVote',
  'PreVoteResponse',
  'RequestVote',
  'VoteResponse',
  'Heartbeat',
  'HeartbeatAck',
]);

/** Node ids are public keys or names; anything longer is not an id we issued. */
const MAX_ID_LENGTH = 256;

/** Parses an untrusted value into an ElectionMessage. Never throws. */
export function validateElectionMessage(value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'not an object' };
  }
  const record = value as Record<string, unknown>;
  const { type, term } = record;
  if (!MESSAGE_TYPES.has(type)) return { ok: false, error: `unknown message type ${describe(type)}` };
  if (!isTerm(term)) return { ok: false, error: `${type}: term must be a non-negative safe integer` };
  switch (type) {
    case 'PreVote':
    case 'RequestVote': {
      const candidateId = record.candidateId;
      if (!isId(candidateId)) return { ok: false, error: `${type}: candidateId must be a non-empty string` };
      return { ok: true, message: { type, term, candidateId } };
    }
    case 'Heartbeat': {
      const leaderId = record.leaderId;
      if (!isId(leaderId)) return { ok: false, error: 'Heartbeat: leaderId must be a non-empty string' };
      return { ok: true, message: { type, term, leaderId } };
    }
    case 'PreVoteResponse':
    case 'VoteResponse': {
      const granted = record.granted;
      if (typeof granted !== 'boolean') return { ok: false, error: `${type}: granted must be a boolean` };
      return { ok: true, message: { type, term, granted } };
    }
    case 'HeartbeatAck': {
      const success = record.success;
      if (typeof success !== 'boolean')
        return { ok: false, error: 'HeartbeatAck: success must be a boolean' };
      return { ok: true, message: { type, term, success } };
    }
    default:
      return { ok: false, error: `unknown message type ${describe(type)}` };
  }
}

/**
 * validateElectionMessage plus the checks that need the sender: the transport's authenticated `fromId` is
 * who sent it, so a message naming another node as candidate or leader is forged or relayed, and a message
 * "from" this node's own id can only be a loop or a forgery.
 */
export function parsePeerMessage(selfId: string, fromId: string, value: unknown): ValidationResult {
  const parsed = validateElectionMessage(value);
  if (!parsed.ok) return parsed;
  const message = parsed.message;
  if (fromId === selfId) return { ok: false, error: `${message.type} from this node's own id` };
  const named =
    'candidateId' in message ? message.candidateId : 'leaderId' in message ? message.leaderId : fromId;
  if (named !== fromId) return { ok: false, error: `${message.type} names ${named}, not its sender` };
  return parsed;
}

export function isElectionMessage(value: unknown): value is ElectionMessage {
  return validateElectionMessage(value).ok;
}

function isTerm(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

/** A short, safe rendering of an untrusted value for an error message. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return typeof value;
}
