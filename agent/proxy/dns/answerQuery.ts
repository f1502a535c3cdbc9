// One DNS query in, at most one response out (or a decision to forward it): the pure core of the service
// DNS, shared by UDP and TCP.
import { isIPv4 } from 'node:net';
import {
  CLASS_IN,
  type DnsAnswer,
  type DnsHeader,
  type DnsQuestion,
  encodeResponse,
  parseQuery,
  RCODE,
  TYPE,
} from './dnsMessage.ts';
import { CLUSTER_DOMAIN } from './serviceNameResolver.ts';

/** Kubernetes' DNS spec uses 5 s for service records by default (CoreDNS `ttl 5`). */
export const SERVICE_TTL_SECONDS = 5;
/** RFC 1035's UDP limit; answers that would pass it are left out rather than truncating. */
export const MAX_UDP_RESPONSE = 512;
const CLASS_ANY = 255;
const A_RECORD_OCTETS = 16;

/** Maps a query name (lower case, no trailing dot) to its addresses; undefined for an unknown name. */
export type NameLookup = (name: string) => readonly string[] | undefined;

/** What to do with one message: nothing, send this response, or ask the upstream resolvers. */
export type QueryRoute =
  | undefined
  | { kind: 'answer'; response: Buffer }
  /** A name outside the cluster that no Service answers: the header and question, to reply on failure. */
  | { kind: 'forward'; header: DnsHeader; question: DnsQuestion };

/**
 * The response to `msg` when the cluster answers it, or undefined when it deserves none (shorter than a
 * header, or itself a response). A name the lookup does not know is NXDOMAIN; with forwarding off, so is
 * every name. Never throws: a lookup that throws is answered SERVFAIL.
 */
export function answerQuery(
  msg: Buffer,
  lookup: NameLookup,
  maxResponse = MAX_UDP_RESPONSE,
): Buffer | undefined {
  const route = routeQuery(msg, lookup, maxResponse);
  if (route?.kind !== 'forward') return route?.response;
  return encodeResponse(route.header, RCODE.nxDomain, route.question);
}

/**
 * Decides who answers `msg`. The cluster answers Service names, malformed messages and every name in its
 * domain (NXDOMAIN when unknown, so pods never leak cluster lookups to the host's resolvers); any other
 * name a Service does not answer (`example.com`, or `db` when there is no such Service) is forwarded, as
 * pods have this server as their only nameserver. Never throws.
 */
export function routeQuery(msg: Buffer, lookup: NameLookup, maxResponse = MAX_UDP_RESPONSE): QueryRoute {
  const parsed = parseQuery(msg);
  if (parsed.kind === 'drop') return undefined;
  const answer = (response: Buffer) => ({ kind: 'answer' as const, response });
  if (parsed.kind === 'error') return answer(encodeResponse(parsed.header, parsed.rcode));
  const { header, question } = parsed;
  if (question.class !== CLASS_IN && question.class !== CLASS_ANY) {
    return answer(encodeResponse(header, RCODE.notImp, question));
  }
  const name = queryName(question.labels);
  let addresses: readonly string[] | undefined;
  try {
    addresses = name === undefined ? undefined : lookup(name);
  } catch {
    return answer(encodeResponse(header, RCODE.servFail, question));
  }
  if (addresses === undefined) {
    if (isInClusterDomain(question.labels)) return answer(encodeResponse(header, RCODE.nxDomain, question));
    return { kind: 'forward', header, question };
  }
  // A known name answers every other type (AAAA included) with no records, NOERROR, as CoreDNS does:
  // NXDOMAIN there would tell the client the name does not exist at all.
  if (question.type !== TYPE.A) return answer(encodeResponse(header, RCODE.noError, question));
  const questionOctets = question.labels.reduce((n, l) => n + 1 + l.length, 1) + 4;
  const room = Math.max(0, Math.floor((maxResponse - 12 - questionOctets) / A_RECORD_OCTETS));
  const answers: DnsAnswer[] = addresses
    .filter((a) => isIPv4(a))
    .slice(0, room)
    .map((a) => ({ type: TYPE.A, ttl: SERVICE_TTL_SECONDS, data: Buffer.from(a.split('.').map(Number)) }));
  return answer(encodeResponse(header, RCODE.noError, question, answers));
}

/** `cluster.local` itself or a name under it, compared label by label, case-insensitively. */
function isInClusterDomain(labels: readonly Buffer[]): boolean {
  const domain = CLUSTER_DOMAIN.split('.');
  if (labels.length < domain.length) return false;
  const tail = labels.slice(labels.length - domain.length);
  return tail.every((label, i) => label.toString('latin1').toLowerCase() === domain[i]);
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
