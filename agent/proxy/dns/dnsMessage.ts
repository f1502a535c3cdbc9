// The little of the DNS wire format (RFC 1035 §4) the service DNS needs: reading a query's header and its
// one question, and writing a response. Everything read comes from the network, so every read is bounds
// checked and a malformed message is reported as a value, never thrown.

export const HEADER_LENGTH = 12;
/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire, a label at most 63. */
const MAX_NAME_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;
const MAX_POINTER_HOPS = 64;

export const RCODE = { noError: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const;
export const TYPE = { A: 1, AAAA: 28 } as const;
export const CLASS_IN = 1;

export interface DnsHeader {
  id: number;
  /** Set in responses: a query must have it clear. */
  qr: boolean;
  opcode: number;
  /** Recursion desired, echoed in the response as RFC 1035 asks. */
  rd: boolean;
  qdcount: number;
}

export interface DnsQuestion {
  /** The raw labels, kept to echo the question byte for byte (without compression). */
  labels: Buffer[];
  type: number;
  class: number;
}

export type ParsedQuery =
  /** Not even a header, or a response: nothing to answer (answering responses invites reflection loops). */
  | { kind: 'drop' }
  /** A header we can answer with an error, without a question. */
  | { kind: 'error'; header: DnsHeader; rcode: number }
  | { kind: 'query'; header: DnsHeader; question: DnsQuestion };

export function parseQuery(msg: Buffer): ParsedQuery {
  if (msg.length < HEADER_LENGTH) return { kind: 'drop' };
  const flags = msg.readUInt16BE(2);
  const header: DnsHeader = {
    id: msg.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    rd: (flags & 0x0100) !== 0,
    qdcount: msg.readUInt16BE(4),
  };
  if (header.qr) return { kind: 'drop' };
  if (header.opcode !== 0) return { kind: 'error', header, rcode: RCODE.notImp };
  // Every resolver in use sends one question; RFC 9619 makes anything else a format error.
  if (header.qdcount !== 1) return { kind: 'error', header, rcode: RCODE.formErr };
  const name = readName(msg, HEADER_LENGTH);
  if (!name || name.end + 4 > msg.length) return { kind: 'error', header, rcode: RCODE.formErr };
  // The answer, authority and additional sections (an EDNS OPT record, say) are not read: nothing in them
  // changes the answer. A response without OPT tells an EDNS client to expect plain 512-byte DNS, which
  // is all this server sends over UDP.
  return {
    kind: 'query',
    header,
    question: {
      labels: name.labels,
      type: msg.readUInt16BE(name.end),
      class: msg.readUInt16BE(name.end + 2),
    },
  };
}

/**
 * Reads the name at `start`. A compression pointer must point strictly before itself, the name may not
 * grow past 255 octets and pointers are followed at most 64 times, so reading ends quickly whatever the
 * message (a pointer loop either reads labels and hits the octet cap, or is refused). Returns the labels
 * and where the name ends in the message (after the first pointer, if any), or undefined when malformed.
 */
export function readName(msg: Buffer, start: number): { labels: Buffer[]; end: number } | undefined {
  const labels: Buffer[] = [];
  let octets = 1; // the root label's length byte
  let pos = start;
  let end: number | undefined;
  let hops = 0;
  for (;;) {
    if (pos >= msg.length) return undefined;
    const len = msg[pos]!;
    if (len === 0) return { labels, end: end ?? pos + 1 };
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) return undefined;
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (target >= pos || ++hops > MAX_POINTER_HOPS) return undefined;
      end ??= pos + 2;
      pos = target;
      continue;
    }
    // 0x40 and 0x80 are the extended and binary label types, obsolete: a format error.
    if (kind !== 0 || len > MAX_LABEL_OCTETS) return undefined;
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS || pos + 1 + len > msg.length) return undefined;
    labels.push(msg.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

export interface DnsAnswer {
  type: number;
  ttl: number;
  data: Buffer;
}

/**
 * A response to `header`: flags QR, AA and RA (as CoreDNS sets them), the opcode and RD echoed. The
 * question is echoed uncompressed; every answer names it through a pointer to offset 12.
 */
export function encodeResponse(
  header: DnsHeader,
  rcode: number,
  question?: DnsQuestion,
  answers: readonly DnsAnswer[] = [],
): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(HEADER_LENGTH);
  head.writeUInt16BE(header.id, 0);
  head.writeUInt16BE(
    0x8000 | ((header.opcode & 0x0f) << 11) | 0x0400 | (header.rd ? 0x0100 : 0) | 0x0080 | (rcode & 0x0f),
    2,
  );
  head.writeUInt16BE(question ? 1 : 0, 4);
  head.writeUInt16BE(question ? answers.length : 0, 6);
  parts.push(head);
  if (question) {
    for (const label of question.labels) parts.push(Buffer.from([label.length]), label);
    const tail = Buffer.alloc(5);
    tail.writeUInt16BE(question.type, 1);
    tail.writeUInt16BE(question.class, 3);
    parts.push(tail);
    for (const answer of answers) {
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc000 | HEADER_LENGTH, 0);
      rr.writeUInt16BE(answer.type, 2);
      rr.writeUInt16BE(CLASS_IN, 4);
      rr.writeUInt32BE(answer.ttl, 6);
      rr.writeUInt16BE(answer.data.length, 10);
      parts.push(rr, answer.data);
    }
  }
  return Buffer.concat(parts);
}
