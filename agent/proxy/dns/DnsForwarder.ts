// Asks the upstream resolvers what the cluster cannot answer: UDP queries over UDP, TCP queries over TCP
// (a client that got a truncated answer retries over TCP and must get the whole one). Upstreams are tried in
// order, the next one after its share of the deadline; whatever happens, the caller hears within the
// deadline: the response, or undefined (the server then answers SERVFAIL).
//
// Over UDP each forwarded query gets an id of our own, and only a response from an upstream we asked, with
// that id and the same question, is taken: another host cannot slip an answer in by guessing the client's id.
// The client's id is put back in the response.
import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { HEADER_LENGTH, readName } from './dnsMessage.ts';
import type { DnsUpstream } from './upstreams.ts';

export const FORWARD_TIMEOUT_MS = 2000;
/** Queries waiting for an upstream at once (UDP and TCP); more are answered SERVFAIL at once. */
export const MAX_PENDING_FORWARDS = 256;
const MAX_TCP_MESSAGE = 65_535;

export interface DnsForwarderOptions {
  logger: Logger;
  timeoutMs?: number;
  maxPending?: number;
}

interface PendingUdp {
  clientId: number;
  question: Buffer;
  asked: Set<string>;
  finish: (response: Buffer | undefined) => void;
}

export class DnsForwarder {
  readonly #o: DnsForwarderOptions;
  #upstreams: readonly DnsUpstream[] = [];
  readonly #udp = new Map<'udp4' | 'udp6', UdpSocket>();
  readonly #pendingUdp = new Map<number, PendingUdp>();
  readonly #tcp = new Set<Socket>();
  #inFlight = 0;
  #closed = false;

  constructor(options: DnsForwarderOptions) {
    this.#o = options;
  }

  get upstreams(): readonly DnsUpstream[] {
    return this.#upstreams;
  }

  set upstreams(list: readonly DnsUpstream[]) {
    this.#upstreams = [...list];
  }

  /** Queries forwarded and not yet answered or given up. */
  get pending(): number {
    return this.#inFlight;
  }

  /** The upstream's response to `query` (with the client's id), or undefined on failure or timeout. */
  async forward(query: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const upstreams = this.#upstreams;
    const question = questionOf(query);
    if (this.#closed || upstreams.length === 0 || !question) return undefined;
    if (this.#inFlight >= (this.#o.maxPending ?? MAX_PENDING_FORWARDS)) {
      this.#o.logger.debug({ pending: this.#inFlight }, 'service DNS: too many forwarded queries; SERVFAIL');
      return undefined;
    }
    this.#inFlight += 1;
    try {
      return transport === 'udp'
        ? await this.#forwardUdp(query, question, upstreams)
        : await this.#forwardTcp(query, question, upstreams);
    } finally {
      this.#inFlight -= 1;
    }
  }

  close(): void {
    this.#closed = true;
    for (const pending of this.#pendingUdp.values()) pending.finish(undefined);
    for (const socket of this.#udp.values()) socket.close();
    this.#udp.clear();
    for (const socket of this.#tcp) socket.destroy();
    this.#tcp.clear();
  }

  #forwardUdp(
    query: Buffer,
    question: Buffer,
    upstreams: readonly DnsUpstream[],
  ): Promise<Buffer | undefined> {
    const id = this.#freeId();
    const ours = Buffer.from(query);
    ours.writeUInt16BE(id, 0);
    const timeoutMs = this.#o.timeoutMs ?? FORWARD_TIMEOUT_MS;
    return new Promise((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const pending: PendingUdp = {
        clientId: query.readUInt16BE(0),
        question,
        asked: new Set(),
        finish: (response) => {
          for (const t of timers) clearTimeout(t);
          this.#pendingUdp.delete(id);
          resolve(response);
        },
      };
      this.#pendingUdp.set(id, pending);
      let next = 0;
      const askNext = () => {
        const upstream = upstreams[next++];
        if (!upstream || !this.#pendingUdp.has(id)) return;
        pending.asked.add(endpointKey(upstream.address, upstream.port));
        const sent = (err: Error | null) => {
          if (!err) return;
          this.#o.logger.debug({ err, upstream }, 'service DNS: cannot send to upstream');
          askNext();
        };
        try {
          this.#udpSocket(upstream.address).send(ours, upstream.port, upstream.address, sent);
        } catch (err) {
          sent(err instanceof Error ? err : new Error(String(err)));
        }
      };
      // Each upstream gets its share of the deadline before the next is asked too; the first answer wins.
      const share = timeoutMs / upstreams.length;
      for (let i = 1; i < upstreams.length; i++) timers.push(setTimeout(askNext, share * i));
      timers.push(setTimeout(() => pending.finish(undefined), timeoutMs));
      askNext();
    });
  }

  #udpSocket(address: string): UdpSocket {
    const type = isIPv6(address) ? 'udp6' : 'udp4';
    let socket = this.#udp.get(type);
    if (socket) return socket;
    socket = createSocket(type);
    socket.on('message', (msg, rinfo) =>
      this.#onUpstreamMessage(msg, endpointKey(rinfo.address, rinfo.port)),
    );
    socket.on('error', (err) => this.#o.logger.debug({ err }, 'service DNS: upstream socket error'));
    this.#udp.set(type, socket);
    return socket;
  }

  #onUpstreamMessage(msg: Buffer, from: string): void {
    if (msg.length < HEADER_LENGTH || (msg.readUInt16BE(2) & 0x8000) === 0) return;
    const pending = this.#pendingUdp.get(msg.readUInt16BE(0));
    if (!pending?.asked.has(from)) return;
    if (!sameQuestion(msg, pending.question)) return;
    const response = Buffer.from(msg);
    response.writeUInt16BE(pending.clientId, 0);
    pending.finish(response);
  }

  /** An id no pending query uses (at most MAX_PENDING_FORWARDS of 65,536 are taken). */
  #freeId(): number {
    for (;;) {
      const id = randomInt(0, 0x10000);
      if (!this.#pendingUdp.has(id)) return id;
    }
  }

  async #forwardTcp(
    query: Buffer,
    question: Buffer,
    upstreams: readonly DnsUpstream[],
  ): Promise<Buffer | undefined> {
    const deadline = Date.now() + (this.#o.timeoutMs ?? FORWARD_TIMEOUT_MS);
    for (const [i, upstream] of upstreams.entries()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.#closed) return undefined;
      // The last upstream may use all that is left; the others their share of it.
      const budget = i === upstreams.length - 1 ? left : left / (upstreams.length - i);
      const response = await this.#askTcp(upstream, query, budget);
      if (response && response.readUInt16BE(0) === query.readUInt16BE(0) && sameQuestion(response, question))
        return response;
    }
    return undefined;
  }

  /** One query on its own connection: connect, send it framed, read one framed response. */
  #askTcp(upstream: DnsUpstream, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ host: upstream.address, port: upstream.port });
      this.#tcp.add(socket);
      let received = Buffer.alloc(0);
      const finish = (response: Buffer | undefined) => {
        clearTimeout(timer);
        this.#tcp.delete(socket);
        socket.destroy();
        resolve(response);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      socket.on('error', (err) => {
        this.#o.logger.debug({ err, upstream }, 'service DNS: upstream TCP failed');
        finish(undefined);
      });
      socket.on('close', () => finish(undefined));
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 2) return;
        const length = received.readUInt16BE(0);
        if (received.length >= 2 + length) finish(received.subarray(2, 2 + length));
        // A length prefix bounds what we hold to 64 KiB; more than one message is not read.
        else if (received.length > 2 + MAX_TCP_MESSAGE) finish(undefined);
      });
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length, 0);
      socket.write(Buffer.concat([prefix, query]));
    });
  }
}

/** The question section's bytes (the one question a parsed query has), or undefined when malformed. */
function questionOf(msg: Buffer): Buffer | undefined {
  const name = readName(msg, HEADER_LENGTH);
  if (!name || name.end + 4 > msg.length) return undefined;
  return msg.subarray(HEADER_LENGTH, name.end + 4);
}

/** The response echoes the question as asked, byte for byte (RFC 1035 §4.1.2); anything else is not ours. */
function sameQuestion(response: Buffer, question: Buffer): boolean {
  const end = HEADER_LENGTH + question.length;
  return response.length >= end && response.subarray(HEADER_LENGTH, end).equals(question);
}

function endpointKey(address: string, port: number): string {
  return `${address.toLowerCase()}#${port}`;
}
