// The channels an agent opens on every authenticated peer connection: document sync (automerge-repo) and
// election. Created synchronously in `peer-open`, as SwarmNode requires; both carry raw bytes that the
// receiving layer parses and validates itself.
import c from 'compact-encoding';
import type { Logger } from 'pino';
import type { SwarmNode } from '../../shared/swarm/SwarmNode.ts';
import type { SwarmPeer } from '../../shared/swarm/SwarmPeer.ts';
import type { SwarmNetworkAdapter } from '../../shared/sync/SwarmNetworkAdapter.ts';

export const SYNC_PROTOCOL = 'shoal/sync/1';
export const ELECTION_PROTOCOL = 'shoal/election/1';

export interface PeerChannelsOptions {
  swarm: SwarmNode;
  network: SwarmNetworkAdapter;
  logger: Logger;
  /** An election message arrived from a peer (untrusted: the election layer validates it). */
  onElectionMessage(fromPeerId: string, message: unknown): void;
  onPeersChanged?(): void;
}

export class PeerChannels {
  readonly #o: PeerChannelsOptions;
  readonly #electionSenders = new Map<string, (bytes: Uint8Array) => void>();

  constructor(opts: PeerChannelsOptions) {
    this.#o = opts;
    opts.swarm.on('peer-open', this.#onPeerOpen);
    opts.swarm.on('peer-close', this.#onPeerClose);
  }

  /** Peer ids (hex public keys) with an election channel. */
  connectedPeers(): string[] {
    return [...this.#electionSenders.keys()];
  }

  sendElection(to: string, message: unknown): void {
    this.#electionSenders.get(to)?.(Buffer.from(JSON.stringify(message)));
  }

  close(): void {
    this.#o.swarm.off('peer-open', this.#onPeerOpen);
    this.#o.swarm.off('peer-close', this.#onPeerClose);
  }

  readonly #onPeerOpen = (peer: SwarmPeer): void => {
    this.#openSync(peer);
    this.#openElection(peer);
    this.#o.onPeersChanged?.();
  };

  readonly #onPeerClose = (peer: SwarmPeer): void => {
    this.#electionSenders.delete(peer.id);
    this.#o.onPeersChanged?.();
  };

  #openSync(peer: SwarmPeer): void {
    let end: { receive: (d: Uint8Array) => void; detach: () => void } | undefined;
    // Attach only once both sides opened: the adapter says hello first, and a message sent before the
    // remote's side exists would be lost.
    const channel = peer.channel({
      protocol: SYNC_PROTOCOL,
      onopen: () => {
        end = this.#o.network.attach({ remoteId: peer.id, send: (bytes) => data.send(bytes) });
      },
      onclose: () => end?.detach(),
    });
    if (!channel) return;
    const data = channel.message(c.raw, (bytes: Uint8Array) => end?.receive(bytes));
    channel.open();
  }

  #openElection(peer: SwarmPeer): void {
    const channel = peer.channel({
      protocol: ELECTION_PROTOCOL,
      onclose: () => {
        if (this.#electionSenders.get(peer.id) === send) this.#electionSenders.delete(peer.id);
      },
    });
    if (!channel) return;
    const data = channel.message(c.raw, (bytes: Uint8Array) => {
      let message: unknown;
      try {
        message = JSON.parse(Buffer.from(bytes).toString('utf8'));
      } catch {
        this.#o.logger.warn({ peer: peer.id }, 'dropped an election message that is not JSON');
        return;
      }
      this.#o.onElectionMessage(peer.id, message);
    });
    const send = (bytes: Uint8Array) => {
      data.send(bytes);
    };
    this.#electionSenders.set(peer.id, send);
    channel.open();
  }
}
