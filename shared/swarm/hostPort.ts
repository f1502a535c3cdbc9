// UDP endpoints as the swarm layer passes them around: bootstrap lists (`--bootstrap HOST:PORT,…`),
// a node's own DHT addresses, and addresses peers tell us. Addresses that peers tell us must be IPv4
// literals (`isHostPort`): that is what hyperdht's wire format carries, and it keeps peer-supplied values
// from naming anything to resolve. A bootstrap typed by a person may also be a DNS name (hyperdht
// resolves it).
import { isIPv4 } from 'node:net';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export interface HostPort {
  host: string;
  port: number;
}

export function isValidPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536;
}

/** True for `{ host: <IPv4 literal>, port: 1..65535 }`. */
export function isHostPort(value: unknown): value is HostPort {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.host === 'string' && isIPv4(v.host) && isValidPort(v.port);
}

export function formatHostPort({ host, port }: HostPort): string {
  return `${host}:${port}`;
}

/** Parses `HOST:PORT` (HOST: IPv4 or DNS name); throws naming what is wrong. */
export function parseHostPort(text: string): HostPort {
  const trimmed = text.trim();
  const colon = trimmed.lastIndexOf(':');
  if (colon <= 0) throw new Error(`"${trimmed}" is not HOST:PORT`);
  const host = trimmed.slice(0, colon);
  const portText = trimmed.slice(colon + 1);
  if (!isIPv4(host) && !HOSTNAME.test(host)) {
    throw new Error(`"${host}" in "${trimmed}" is neither an IPv4 address nor a host name`);
  }
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!isValidPort(port))
    throw new Error(`port "${portText}" in "${trimmed}" is not a number from 1 to 65535`);
  return { host, port };
}

/** Parses a comma-separated `HOST:PORT,…` list (as `--bootstrap` takes it); empty entries are an error. */
export function parseHostPortList(text: string): HostPort[] {
  return text.split(',').map((entry, i) => {
    if (entry.trim() === '') throw new Error(`entry ${i + 1} of "${text}" is empty`);
    return parseHostPort(entry);
  });
}
