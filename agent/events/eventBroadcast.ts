// Events between peers: automerge-repo ephemeral messages on the cluster document's handle, like the
// heartbeats (agent/membership/Heartbeats.ts). They reach every peer, relayed like sync messages, and never
// enter the document's history. Each tick sends at most one message with the own events that changed
// (bounded in count and bytes); what a peer sends is handed to the EventLog, which trusts none of it.
import type { DocHandle, DocHandleEphemeralMessagePayload } from '@automerge/automerge-repo';
import type { Logger } from 'pino';
import { isRecord } from '../../shared/model/names.ts';
import type { ClusterDocument } from '../../shared/store/documentSchema.ts';
import type { EventLog } from './EventLog.ts';
import type { Event } from './eventObject.ts';

export const EVENTS_MESSAGE_TYPE = 'shoal-events';
/** Events per message: a peer's message with more is refused whole. */
export const MAX_EVENTS_PER_MESSAGE = 100;
/** About this much JSON per message (each event is at most 4 KiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const DEFAULT_EVENT_BROADCAST_MS = 250;

export interface EventsMessage {
  type: typeof EVENTS_MESSAGE_TYPE;
  /** The sender's Node name, for logs. */
  node: string;
  events: Event[];
}

/** The events of a message, or why the message is refused (undefined: not an events message at all). */
export function readEventsMessage(
  message: unknown,
): { ok: true; node: string; events: unknown[] } | { ok: false; error: string } | undefined {
  if (!isRecord(message) || message.type !== EVENTS_MESSAGE_TYPE) return undefined;
  const node = typeof message.node === 'string' ? message.node.slice(0, 253) : 'unknown';
  if (!Array.isArray(message.events)) return { ok: false, error: `events from ${node} is not a list` };
  if (message.events.length > MAX_EVENTS_PER_MESSAGE) {
    return {
      ok: false,
      error: `${message.events.length} events from ${node} in one message, above ${MAX_EVENTS_PER_MESSAGE}`,
    };
  }
  return { ok: true, node, events: message.events };
}

export interface EventBroadcastOptions<T> {
  handle: DocHandle<T>;
  log: EventLog;
  /** This agent's Node name. */
  node: string;
  logger: Logger;
  intervalMs?: number;
}

export class EventBroadcast<T = ClusterDocument> {
  readonly #handle: DocHandle<T>;
  readonly #log: EventLog;
  readonly #node: string;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: EventBroadcastOptions<T>) {
    this.#handle = opts.handle;
    this.#log = opts.log;
    this.#node = opts.node;
    this.#logger = opts.logger;
    this.#intervalMs = opts.intervalMs ?? DEFAULT_EVENT_BROADCAST_MS;
  }

  start(): void {
    if (this.#timer) return;
    this.#handle.on('ephemeral-message', this.#onMessage);
    this.#timer = setInterval(() => this.sendPending(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#handle.off('ephemeral-message', this.#onMessage);
  }

  /** Sends the own events of a peer that just connected again (on the next ticks). */
  resendRecent(): void {
    this.#log.resendRecent();
  }

  /** One tick: broadcasts the own events that changed, if any. */
  sendPending(): void {
    const events = this.#log.takeOutgoing(MAX_EVENTS_PER_MESSAGE, MAX_MESSAGE_BYTES);
    if (events.length === 0) return;
    const message: EventsMessage = { type: EVENTS_MESSAGE_TYPE, node: this.#node, events };
    try {
      this.#handle.broadcast(message);
    } catch (err) {
      // Lost until the next resend; events are a convenience, never worth failing the agent for.
      this.#logger.debug({ err, count: events.length }, 'could not broadcast events');
    }
  }

  readonly #onMessage = (payload: DocHandleEphemeralMessagePayload<T>): void => {
    try {
      const read = readEventsMessage(payload.message);
      if (read === undefined) return; // other ephemeral messages are not ours to judge
      if (!read.ok) {
        this.#logger.debug({ from: payload.senderId, error: read.error }, 'dropped an events message');
        return;
      }
      this.#log.receive(read.events, `${read.node} (${payload.senderId})`);
    } catch (err) {
      this.#logger.debug({ err, from: payload.senderId }, 'dropped an events message that failed');
    }
  };
}
