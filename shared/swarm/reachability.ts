// Tells hyperdht that this node is reachable when it is, so LAN peers on a private DHT connect directly.
//
// Why: dht-rpc marks every new node "firewalled" and decides otherwise with a quick check during
// bootstrap (ask a DHT node to ping our server socket; if the ping arrives, nobody filters inbound UDP
// to us). In a small private DHT (one `shoal bootstrap`), the bootstrap query ends before that ping's
// answer, so the check is skipped and the node stays "firewalled" until dht-rpc's stability timer fires
// ~20 minutes later. Two "firewalled" peers then holepunch, NAT analysis has too few DHT nodes to
// conclude, the responder aborts, and the initiator, which already got an answer to its fast-open probe,
// is left with a half-open connection until the ~13 s idle timeout (measured in network namespaces;
// hyperdht issues #283/#304 describe the same race). A node known to be reachable instead advertises
// its address, and the peer connects straight to it.
//
// How: run dht-rpc's own reachability step, `_updateNetworkState(true)` (private API, dht-rpc 6.x). It
// flips the node to unfirewalled only if other DHT nodes' pings reach our server socket from outside
// and our port is not remapped, i.e. exactly when that is true; behind a NAT it changes nothing. It is
// feature-detected: if a future dht-rpc drops it, we log once and rely on direct dialling (directDial.ts).
import type HyperDHT from 'hyperdht';
import type { Logger } from 'pino';

interface DhtRpcInternals {
  _updateNetworkState?: (onlyFirewall: boolean) => Promise<boolean>;
}

/** Resolves true when the node is (now) known to be reachable. Never throws. */
export async function detectReachability(dht: HyperDHT, log: Logger): Promise<boolean> {
  try {
    await dht.fullyBootstrapped();
    if (dht.destroyed) return false;
    if (!dht.firewalled) return true;
    const internals = dht as unknown as DhtRpcInternals;
    if (typeof internals._updateNetworkState !== 'function') {
      log.warn('this dht-rpc has no reachability check; LAN peers rely on direct dialling');
      return false;
    }
    await internals._updateNetworkState.call(dht, true);
    if (!dht.firewalled)
      log.debug({ address: dht.remoteAddress() }, 'DHT node is reachable: announcing as unfirewalled');
    return !dht.firewalled;
  } catch (err) {
    log.debug({ err }, 'reachability check failed');
    return false;
  }
}
