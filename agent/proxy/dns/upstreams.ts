// The resolvers the service DNS forwards names outside the cluster to: the host's (resolv.conf nameserver
// lines), or a list the caller gives. Loopback resolvers (systemd-resolved's 127.0.0.53) are fine: the
// agent runs on the host, so it reaches them even though the pods could not.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';

export const DNS_PORT = 53;
export const RESOLV_CONF = '/etc/resolv.conf';

export interface DnsUpstream {
  address: string;
  port: number;
}

/**
 * `1.2.3.4`, `1.2.3.4:5353`, `::1` or `[::1]:5353`. Throws an error naming the value when it is not an IP
 * address with an optional port: upstreams are configuration, and a typo must not pass silently.
 */
export function parseUpstream(text: string): DnsUpstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const v4WithPort = /^([\d.]+):(\d+)$/.exec(text);
  const [address, port] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : v4WithPort
      ? [v4WithPort[1]!, v4WithPort[2]]
      : [text, undefined];
  if (isIP(address) === 0) throw new Error(`DNS upstream "${text}": not an IP address`);
  const number = port === undefined ? DNS_PORT : Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65_535)
    throw new Error(`DNS upstream "${text}": port must be 1-65535`);
  return { address, port: number };
}

/**
 * The `nameserver` lines of a resolv.conf, in order (the order resolvers are tried). A line whose value is
 * not an address is skipped: the file is the host's, not ours to refuse.
 */
export function nameserversOf(resolvConf: string): DnsUpstream[] {
  const upstreams: DnsUpstream[] = [];
  for (const line of resolvConf.split('\n')) {
    const [keyword, value] = line.trim().split(/\s+/);
    if (keyword !== 'nameserver' || value === undefined || isIP(value) === 0) continue;
    upstreams.push({ address: value, port: DNS_PORT });
  }
  return upstreams;
}

/** The host's resolvers; none when the file cannot be read (names outside the cluster then fail). */
export async function readHostUpstreams(path = RESOLV_CONF): Promise<DnsUpstream[]> {
  try {
    return nameserversOf(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
}
