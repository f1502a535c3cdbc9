// automerge-repo's network adapter over Shoal's authenticated peer links (one protomux channel per swarm
// connection). The swarm layer has already proved the remote holds the cluster key; this layer only speaks
// automerge-repo's sync protocol, and treats every inbound byte as untrusted: a malformed or spoofed
// message is dropped and reported, never thrown.
//
// Wire format on a link: CBOR values. The first from each side is `{ type: 'shoal-hello', peerId,
// peerMetadata }`; after that, automerge-repo messages. Relay needs nothing here: automerge-repo syncs the
// document with every connected peer, so a change travels A → B → C when A and C are not connected.
import {
  cbor,
  isRepoMessage,
  type Message,
  NetworkAdapter,
  type PeerId,
  type PeerMetadata,
} from '@automerge/automerge-repo';

/** One authenticated connection to a peer, as the swarm layer provides it. */
export interface PeerLink {
  /** For logs: the remote's swarm public key (hex). */
  readonly remoteId: string;
  send(data: Uint8Array): void;
}

export type SyncProblemReporter = (problem: { remoteId: string; reason: string }) => void;

interface Hello {
  type: 'shoal-hello';
  peerId: PeerId;
  peerMetadata: PeerMetadata;
}

function isHello(value: unknown): value is Hello {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.type === 'shoal-hello' &&
    typeof v.peerId === 'string' &&
    v.peerId.length > 0 &&
    v.peerId.length <= 200 &&
    typeof v.peerMetadata === 'object' &&
    v.peerMetadata !== null
  );
}

interface LinkState {
  link: PeerLink;
  /** Set once the remote's hello arrived. */
  remotePeerId?: PeerId;
  /** The remote's metadata from its hello, for announcing it once the repo listens (see connect()). */
  remoteMetadata?: PeerMetadata;
}

export class SwarmNetworkAdapter extends NetworkAdapter {
  readonly #links = new Set<LinkState>();
  readonly #byPeer = new Map<PeerId, LinkState>();
  readonly #report: SyncProblemReporter;
  #ready = false;
  #readyResolve: (() => void) | undefined;
  readonly #readyPromise = new Promise<void>((resolve) => {
    this.#readyResolve = resolve;
  });

  constructor(report: SyncProblemReporter = () => {}) {
    super();
    this.#report = report;
  }

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#readyPromise;
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? {};
    const wasReady = this.#ready;
    this.#ready = true;
    this.#readyResolve?.();
    for (const state of this.#links) {
      this.#sendHello(state);
      // A hello that arrived before the repo connected was announced to nobody (the repo subscribes just
      // before it calls connect()); without this the repo never answers that peer, which waits forever.
      if (!wasReady && state.remotePeerId)
        this.emit('peer-candidate', { peerId: state.remotePeerId, peerMetadata: state.remoteMetadata ?? {} });
    }
  }

  /** Starts syncing over a new link; returns the function to call with each message the link receives. */
  attach(link: PeerLink): { receive: (data: Uint8Array) => void; detach: () => void } {
    const state: LinkState = { link };
    this.#links.add(state);
    if (this.peerId) this.#sendHello(state);
    return {
      receive: (data) => this.#receive(state, data),
      detach: () => this.#detach(state),
    };
  }

  send(message: Message): void {
    const state = this.#byPeer.get(message.targetId);
    if (!state) return; // the peer left; automerge-repo retries sync when it comes back
    try {
      state.link.send(cbor.encode(message));
    } catch (err) {
      this.#report({ remoteId: state.link.remoteId, reason: `send failed: ${(err as Error).message}` });
    }
  }

  disconnect(): void {
    for (const state of [...this.#links]) this.#detach(state);
    this.#ready = false;
    this.emit('close');
  }

  #sendHello(state: LinkState): void {
    const hello: Hello = { type: 'shoal-hello', peerId: this.peerId!, peerMetadata: this.peerMetadata ?? {} };
    try {
      state.link.send(cbor.encode(hello));
    } catch (err) {
      this.#report({ remoteId: state.link.remoteId, reason: `hello failed: ${(err as Error).message}` });
    }
  }

  #receive(state: LinkState, data: Uint8Array): void {
    let value: unknown;
    try {
      value = cbor.decode(data);
    } catch {
      this.#report({ remoteId: state.link.remoteId, reason: 'undecodable sync message' });
      return;
    }
    if (isHello(value)) {
      this.#onHello(state, value);
      return;
    }
    if (!state.remotePeerId) {
      this.#report({ remoteId: state.link.remoteId, reason: 'sync message before hello' });
      return;
    }
    if (typeof value !== 'object' || value === null || !isRepoMessage(value as Message)) {
      this.#report({ remoteId: state.link.remoteId, reason: 'not an automerge-repo message' });
      return;
    }
    const message = value as Message;
    // A peer speaks only to us, and for itself, except for ephemeral messages, which automerge-repo relays
    // with their original sender (that is how heartbeats reach peers that are not directly connected).
    const relayed = message.type === 'ephemeral';
    if ((!relayed && message.senderId !== state.remotePeerId) || message.targetId !== this.peerId) {
      this.#report({ remoteId: state.link.remoteId, reason: 'sync message with a foreign sender or target' });
      return;
    }
    try {
      this.emit('message', message);
    } catch (err) {
      this.#report({
        remoteId: state.link.remoteId,
        reason: `sync message rejected: ${(err as Error).message}`,
      });
    }
  }

  #onHello(state: LinkState, hello: Hello): void {
    if (state.remotePeerId === hello.peerId) return;
    if (state.remotePeerId) this.#forget(state);
    const previous = this.#byPeer.get(hello.peerId);
    if (previous && previous !== state) this.#forget(previous);
    state.remotePeerId = hello.peerId;
    this.#byPeer.set(hello.peerId, state);
    const { storageId, isEphemeral } = hello.peerMetadata;
    const peerMetadata: PeerMetadata = {};
    if (typeof storageId === 'string') peerMetadata.storageId = storageId;
    if (typeof isEphemeral === 'boolean') peerMetadata.isEphemeral = isEphemeral;
    state.remoteMetadata = peerMetadata;
    if (this.#ready) this.emit('peer-candidate', { peerId: hello.peerId, peerMetadata });
  }

  #forget(state: LinkState): void {
    if (!state.remotePeerId) return;
    if (this.#byPeer.get(state.remotePeerId) === state) {
      this.#byPeer.delete(state.remotePeerId);
      this.emit('peer-disconnected', { peerId: state.remotePeerId });
    }
    state.remotePeerId = undefined;
  }

  #detach(state: LinkState): void {
    this.#forget(state);
    this.#links.delete(state);
  }
}
