// One `shoal/pod-streams/1` channel per authenticated peer, each carrying a StreamMux. Channels are
// created synchronously in 'peer-open' (SwarmNode's rule); a mux is offered for requests only once the
// remote opened its side, so a peer without this protocol reads as "not connected", never as a hang.
import c from 'compact-encoding';
import type { Logger } from 'pino';
import type { SwarmPeer } from '../../shared/swarm/SwarmPeer.ts';
import { type IncomingStreamHandler, PROTOCOL, StreamMux } from './StreamMux.ts';

/** What PeerLinks needs of SwarmNode: its peer events. */
export interface PeerSource {
  on(event: 'peer-open' | 'peer-close', listener: (peer: SwarmPeer) => void): unknown;
  off(event: 'peer-open' | 'peer-close', listener: (peer: SwarmPeer) => void): unknown;
  peers?(): SwarmPeer[];
}

export interface PeerLinksOptions {
  swarm: PeerSource;
  onIncoming: IncomingStreamHandler;
  /** `node "b" (peer 1a2b3c…)`, for messages. */
  describePeer(peerId: string): string;
  logger: Logger;
}

export class PeerLinks {
  readonly #o: PeerLinksOptions;
  readonly #muxes = new Map<string, StreamMux>();

  constructor(opts: PeerLinksOptions) {
    this.#o = opts;
    opts.swarm.on('peer-open', this.#onPeerOpen);
    opts.swarm.on('peer-close', this.#onPeerClose);
  }

  /** The mux to a connected peer whose side of the channel is open. */
  get(peerId: string): StreamMux | undefined {
    return this.#muxes.get(peerId);
  }

  close(): void {
    this.#o.swarm.off('peer-open', this.#onPeerOpen);
    this.#o.swarm.off('peer-close', this.#onPeerClose);
    for (const mux of this.#muxes.values()) mux.destroy('this agent is stopping');
    this.#muxes.clear();
  }

  readonly #onPeerOpen = (peer: SwarmPeer): void => {
    const mux = new StreamMux({
      link: { send: (frame) => data.send(frame), close: () => channel?.close() },
      peerLabel: () => this.#o.describePeer(peer.id),
      onIncoming: this.#o.onIncoming,
      logger: this.#o.logger,
    });
    const channel = peer.channel({
      protocol: PROTOCOL,
      onopen: () => this.#muxes.set(peer.id, mux),
      onclose: () => {
        if (this.#muxes.get(peer.id) === mux) this.#muxes.delete(peer.id);
        mux.destroy('the connection closed');
      },
    });
    if (!channel) return;
    const data = channel.message(c.raw, (bytes: Uint8Array) => mux.receive(bytes));
    channel.open();
  };

  readonly #onPeerClose = (peer: SwarmPeer): void => {
    const mux = this.#muxes.get(peer.id);
    if (!mux) return;
    this.#muxes.delete(peer.id);
    mux.destroy('the connection closed');
  };
}
