// A pasted join key checked in the browser before it is sent: `shoal1` + 58 z-base-32 characters, then
// optionally `@HOST:PORT,…` (the cluster's private bootstrap). The same rules and messages as
// agent/cluster/joinKey.ts and shared/swarm/swarmKey.ts, minus the checksum, which needs BLAKE2b from
// sodium (a Node module): the peer checks it and its error is shown as is.

export const SWARM_KEY_PREFIX = 'shoal1';
/** z-base-32, as the z32 package spells it. */
const Z32_ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';
/** (32 key bytes + 4 checksum bytes) × 8 / 5, rounded up. */
const BODY_CHARS = 58;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function swarmKeyProblem(text: string): string | undefined {
  const normalized = text.trim().toLowerCase();
  const total = SWARM_KEY_PREFIX.length + BODY_CHARS;
  if (normalized === '') return 'the swarm key is empty';
  if (!normalized.startsWith(SWARM_KEY_PREFIX)) {
    return `a swarm key starts with "${SWARM_KEY_PREFIX}"; this one starts with "${normalized.slice(0, SWARM_KEY_PREFIX.length)}"`;
  }
  if (normalized.length !== total) {
    return `a swarm key has ${total} characters; this one has ${normalized.length} (was it cut off or pasted twice?)`;
  }
  const body = normalized.slice(SWARM_KEY_PREFIX.length);
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (!Z32_ALPHABET.includes(ch)) {
      return `character "${ch}" at position ${SWARM_KEY_PREFIX.length + i + 1} cannot appear in a swarm key (allowed: ${Z32_ALPHABET})`;
    }
  }
  return undefined;
}

function hostPortProblem(entry: string): string | undefined {
  const trimmed = entry.trim();
  const colon = trimmed.lastIndexOf(':');
  if (colon <= 0) return `"${trimmed}" is not HOST:PORT`;
  const host = trimmed.slice(0, colon);
  const portText = trimmed.slice(colon + 1);
  if (!IPV4.test(host) && !HOSTNAME.test(host)) {
    return `"${host}" in "${trimmed}" is neither an IPv4 address nor a host name`;
  }
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `port "${portText}" in "${trimmed}" is not a number from 1 to 65535`;
  }
  return undefined;
}

/** What is wrong with a join key's shape, or undefined when it looks right. */
export function joinKeyProblem(text: string): string | undefined {
  const trimmed = text.trim();
  const at = trimmed.indexOf('@');
  const keyProblem = swarmKeyProblem(at === -1 ? trimmed : trimmed.slice(0, at));
  if (keyProblem) return keyProblem;
  if (at === -1) return undefined;
  const list = trimmed.slice(at + 1);
  const entries = list.split(',');
  for (const [i, entry] of entries.entries()) {
    if (entry.trim() === '') return `entry ${i + 1} of "${list}" is empty`;
    const problem = hostPortProblem(entry);
    if (problem) return `bootstrap: ${problem}`;
  }
  return undefined;
}

/** The command another machine runs to join. */
export function joinCommand(key: string): string {
  return `shoal agent --join ${key}`;
}
