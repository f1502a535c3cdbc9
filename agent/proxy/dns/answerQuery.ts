// One DNS query in, at most one response out: the pure core of the service DNS, shared by UDP and TCP.
import { isIPv4 } from 'node:net';
import { CLASS_IN, type DnsAnswer, encodeResponse, parseQuery, RCODE, TYPE } from './dnsMessage.ts';

/** Kubernetes' DNS spec uses 5 s for service records by default (CoreDNS `ttl 5`). */
export const SERVICE_TTL_SECONDS = 5;
/** RFC 1035's UDP limit; answers that would pass it are left out rather than truncating. */
export const MAX_UDP_RESPONSE = 512;
const CLASS_ANY = 255;
const A_RECORD_OCTETS = 16;

/** Maps a query name (lower case, no trailing dot) to its addresses; undefined for an unknown name. */
export type NameLookup = (name: string) => readonly string[] | undefined;

/**
 * The response to `msg`, or undefined when it deserves none (shorter than a header, or itself a response).
 * Never throws: a lookup that throws is answered SERVFAIL.
 */
export function answerQuery(
  msg: Buffer,
  lookup: NameLookup,
  maxResponse = MAX_UDP_RESPONSE,
): Buffer | undefined {
  const parsed = parseQuery(msg);
  if (parsed.kind === 'drop') return undefined;
  if (parsed.kind === 'error') return encodeResponse(parsed.header, parsed.rcode);
  const { header, question } = parsed;
  if (question.class !== CLASS_IN && question.class !== CLASS_ANY) {
    return encodeResponse(header, RCODE.notImp, question);
  }
  const name = queryName(question.labels);
  let addresses: readonly string[] | undefined;
  try {
    addresses = name === undefined ? undefined : lookup(name);
  } catch {
    return encodeResponse(header, RCODE.servFail, question);
  }
  if (addresses === undefined) return encodeResponse(header, RCODE.nxDomain, question);
  // A known name answers every other type (AAAA included) with no records, NOERROR, as CoreDNS does:
  // NXDOMAIN there would tell the client the name does not exist at all.
  if (question.type !== TYPE.A) return encodeResponse(header, RCODE.noError, question);
  const questionOctets = question.labels.reduce((n, l) => n + 1 + l.length, 1) + 4;
  const room = Math.max(0, Math.floor((maxResponse - 12 - questionOctets) / A_RECORD_OCTETS));
  const answers: DnsAnswer[] = addresses
    .filter((a) => isIPv4(a))
    .slice(0, room)
    .map((a) => ({ type: TYPE.A, ttl: SERVICE_TTL_SECONDS, data: Buffer.from(a.split('.').map(Number)) }));
  return encodeResponse(header, RCODE.noError, question, answers);
}

/**
 * The dotted, lower-cased name, or undefined when a label holds a byte no service name can have (a dot
 * inside a label would otherwise read as two labels).
 */
function queryName(labels: readonly Buffer[]): string | undefined {
  const parts: string[] = [];
  for (const label of labels) {
    const text = label.toString('latin1').toLowerCase();
    if (!/^[a-z0-9_-]+$/.test(text)) return undefined;
    parts.push(text);
  }
  return parts.join('.');
}
