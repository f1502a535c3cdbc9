// The first protocol on every connection: both ends prove they hold the swarm key (authProof.ts) on a
// protomux channel `shoal/auth/1`, before anything else is opened.
//
//   message 0, proof:     32 bytes, sent by each side as soon as the connection exists
//   message 1, addresses: our direct DHT addresses (IPv4 host + port, compact-encoding), sent only once
//                         the remote's proof verified, so a wrong-key peer never learns them
//
// Outcomes, each exactly once: `onAuthenticated` when the remote's proof verifies; `onFailure(reason)`
// for a wrong or malformed proof, no proof within `timeoutMs`, or the remote closing the channel first.
// The caller closes the connection on failure. Messages are untrusted: nothing here throws on bad input.
//
// Ordering argument for "application channels only after BOTH proofs": each side sends its proof before
// it opens anything else, and a stream delivers in order, so when B opens an application channel, A has
// already received (and synchronously verified) B's proof; and A opens its own application channels
// only after verifying B's proof. A peer without the key therefore never gets past this channel.
import c from 'compact-encoding';
import type { NoiseSecretStream } from 'hyperdht';
import type Protomux from 'protomux';
import type { ProtomuxMessage } from 'protomux';
import { computeProof, PROOF_BYTES, verifyProof } from './authProof.ts';
import type { HostPort } from './hostPort.ts';

export const AUTH_PROTOCOL = 'shoal/auth/1';
const addressList = c.array(c.ipv4Address);

/** rejected: the peer proved it lacks the key (or sent nonsense); timeout: it said nothing in time. */
export type AuthFailure = 'rejected' | 'timeout';

export interface AuthCallbacks {
  onAuthenticated(): void;
  onFailure(reason: string, kind: AuthFailure): void;
  /** The remote's own direct addresses (already shape-checked by the decoder; validate further). */
  onAddresses(addresses: HostPort[]): void;
}

export interface AuthOptions extends AuthCallbacks {
  swarmKey: Uint8Array;
  socket: NoiseSecretStream;
  mux: Protomux;
  timeoutMs: number;
  ownAddresses(): HostPort[];
}

export interface AuthSession {
  readonly authenticated: boolean;
  /** Stops the timer; call when the connection closes. */
  cancel(): void;
}

export function startAuth(opts: AuthOptions): AuthSession {
  const { socket, swarmKey } = opts;
  let authenticated = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;

  const fail = (reason: string, kind: AuthFailure = 'rejected'): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    opts.onFailure(reason, kind);
  };

  const handshakeHash = socket.handshakeHash;
  if (!handshakeHash) {
    fail('the connection has no Noise handshake hash');
    return { authenticated: false, cancel() {} };
  }

  const channel = opts.mux.createChannel({
    protocol: AUTH_PROTOCOL,
    onclose: (isRemote) => {
      if (authenticated || finished) return;
      // The whole connection going away (a duplicate hyperswarm dropped, a reset) is not an auth failure.
      if (socket.destroying || socket.destroyed) {
        finished = true;
        clearTimeout(timer);
        return;
      }
      fail(isRemote ? 'the peer closed the auth channel' : 'the auth channel closed');
    },
  });
  if (!channel) {
    fail('an auth channel is already open on this connection');
    return { authenticated: false, cancel() {} };
  }

  // Message order is the wire format: 0 = proof, 1 = addresses.
  let addresses: ProtomuxMessage<Uint8Array> | undefined;
  const proof = channel.addMessage({
    encoding: c.buffer,
    onmessage(data) {
      if (finished) return; // a repeated proof changes nothing
      if (!data || data.byteLength !== PROOF_BYTES) {
        fail(`malformed proof: ${data ? data.byteLength : 0} bytes instead of ${PROOF_BYTES}`);
        return;
      }
      if (!verifyProof(swarmKey, handshakeHash, socket.remotePublicKey, data)) {
        fail('wrong proof: the peer does not hold this cluster swarm key');
        return;
      }
      finished = true;
      authenticated = true;
      clearTimeout(timer);
      try {
        addresses?.send(c.encode(addressList, opts.ownAddresses()));
      } catch {
        // Our own address list failing to encode must not cost the connection.
      }
      opts.onAuthenticated();
    },
  });

  addresses = channel.addMessage({
    encoding: c.buffer,
    onmessage(data) {
      if (!authenticated || !data) return;
      try {
        opts.onAddresses(c.decode(addressList, data).map(({ host, port }) => ({ host, port })));
      } catch {
        // A malformed list is only a lost optimisation; the link itself is authenticated and fine.
      }
    },
  });

  timer = setTimeout(() => fail(`no proof within ${opts.timeoutMs} ms`, 'timeout'), opts.timeoutMs);
  timer.unref();
  channel.open();
  proof.send(computeProof(swarmKey, handshakeHash, socket.publicKey));

  return {
    get authenticated() {
      return authenticated;
    },
    cancel() {
      finished = true;
      clearTimeout(timer);
    },
  };
}
