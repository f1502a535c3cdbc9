// The UDP addresses at which this node's DHT socket can be dialled directly, for peers to remember
// (the auth channel tells authenticated peers; the document layer publishes them in the Node object).
// Dialling one of these with the node's public key skips the DHT relay and holepunching entirely
// (directDial.ts), which is what makes LAN peers connect in milliseconds.
import { networkInterfaces } from 'node:os';
import type HyperDHT from 'hyperdht';
import { type HostPort, isHostPort } from './hostPort.ts';

/**
 * `boundHost` is the host the DHT was bound to (undefined or 0.0.0.0 for all interfaces). Loopback is
 * listed only when bound to it: a loopback address sent to another machine would point at that machine.
 */
export function ownDhtAddresses(dht: HyperDHT, boundHost: string | undefined): HostPort[] {
  let port: number | undefined;
  try {
    port = dht.localAddress()?.port; // the server socket: stable, and 49737 unless taken
  } catch {
    return []; // not bound yet
  }
  if (port === undefined) return [];

  const hosts: string[] = [];
  if (boundHost !== undefined && boundHost !== '0.0.0.0') {
    hosts.push(boundHost);
  } else {
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) {
        if (info.family === 'IPv4' && !info.internal) hosts.push(info.address);
      }
    }
  }
  const addresses = hosts.map((host) => ({ host, port: port as number }));

  // When dht-rpc knows we are reachable from outside, our public address is dialable too.
  // (On an all-loopback test DHT that "public" address is 127.0.0.1: keep the loopback rule above.)
  const remote = dht.remoteAddress();
  const loopbackOk = boundHost?.startsWith('127.') ?? false;
  if (
    remote &&
    (loopbackOk || !remote.host.startsWith('127.')) &&
    !addresses.some((a) => a.host === remote.host && a.port === remote.port)
  )
    addresses.push(remote);
  return addresses.filter(isHostPort);
}
