// Agent liveness as ephemeral messages on the cluster document (automerge-repo's `broadcast`): they reach
// every peer, relayed like sync messages, and never enter the document's history. Each agent sends one per
// interval and remembers when it last heard each node; the leader turns that into the Ready condition.
import type { DocHandle, DocHandleEphemeralMessagePayload } from '@automerge/automerge-repo';
import type { ClusterDocument } from '../../shared/store/documentSchema.ts';

export const DEFAULT_HEARTBEAT_MS = 1000;

export interface HeartbeatMessage {
  type: 'shoal-heartbeat';
  node: string;
  peerId: string;
  sentAt: number;
}

function isHeartbeat(value: unknown): value is HeartbeatMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.type === 'shoal-heartbeat' &&
    typeof v.node === 'string' &&
    v.node.length > 0 &&
    v.node.length <= 253 &&
    typeof v.peerId === 'string' &&
    /^[0-9a-f]{64}$/.test(v.peerId) &&
    typeof v.sentAt === 'number'
  );
}

export class Heartbeats {
  readonly #handle: DocHandle<ClusterDocument>;
  readonly #self: { node: string; peerId: string };
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** Node name → local time we last heard it. Local clock only: peers' clocks are not trusted. */
  readonly lastHeard = new Map<string, number>();
  /** Node name → the peer id it last spoke from. */
  readonly peerOf = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: {
    handle: DocHandle<ClusterDocument>;
    self: { node: string; peerId: string };
    intervalMs?: number;
    now?: () => number;
  }) {
    this.#handle = opts.handle;
    this.#self = opts.self;
    this.#intervalMs = opts.intervalMs ?? DEFAULT_HEARTBEAT_MS;
    this.#now = opts.now ?? Date.now;
  }

  start(): void {
    this.#handle.on('ephemeral-message', this.#onMessage);
    this.#beat();
    this.#timer = setInterval(() => this.#beat(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#handle.off('ephemeral-message', this.#onMessage);
  }

  #beat(): void {
    const now = this.#now();
    this.lastHeard.set(this.#self.node, now);
    this.peerOf.set(this.#self.node, this.#self.peerId);
    const message: HeartbeatMessage = { type: 'shoal-heartbeat', ...this.#self, sentAt: now };
    this.#handle.broadcast(message);
  }

  readonly #onMessage = (payload: DocHandleEphemeralMessagePayload<ClusterDocument>): void => {
    if (!isHeartbeat(payload.message)) return; // other ephemeral messages are not ours to judge
    this.lastHeard.set(payload.message.node, this.#now());
    this.peerOf.set(payload.message.node, payload.message.peerId);
  };
}
