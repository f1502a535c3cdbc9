// A small DNS server for pods: answers A queries for Service names over UDP and TCP (RFC 7766 framing),
// from the integrator's `resolve`, and forwards names outside the cluster to the host's resolvers (pods have
// this server as their only nameserver). Everything it reads is untrusted; routeQuery never throws, and the
// sockets here bound what one client can hold (TCP connections, buffered bytes, idle time), the forwarder
// how many queries wait for an upstream.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { type QueryRoute, routeQuery } from './answerQuery.ts';
import { DnsForwarder } from './DnsForwarder.ts';
import { encodeResponse, RCODE } from './dnsMessage.ts';
import { type DnsUpstream, parseUpstream, RESOLV_CONF, readHostUpstreams } from './upstreams.ts';

export interface DnsClient {
  address: string;
  port: number;
}

export interface ServiceDnsOptions {
  /**
   * Addresses for a query name (lower case, no trailing dot), undefined for an unknown name. `client` is
   * who asked, so the integrator can pick the asking pod's namespace for bare names.
   */
  resolve(name: string, client: DnsClient): readonly string[] | undefined;
  logger: Logger;
  /**
   * Where names outside the cluster go (`1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`), instead of the host's
   * resolv.conf nameservers; `[]` turns forwarding off (those names are then NXDOMAIN).
   */
  upstreams?: readonly string[];
  /** The resolv.conf read for upstreams when `upstreams` is not given. */
  resolvConf?: string;
  /** How long a forwarded query may take before the client gets SERVFAIL (2 s). */
  forwardTimeoutMs?: number;
  /** Forwarded queries waiting at once; more get SERVFAIL at once (256). */
  maxPendingForwards?: number;
}

/** A TCP client that sends nothing for this long is closed (RFC 7766 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;
const MAX_TCP_CONNECTIONS = 128;
const MAX_TCP_MESSAGE = 65_535;

export class ServiceDns {
  readonly #o: ServiceDnsOptions;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;
  readonly #connections = new Set<Socket>();
  readonly #forwarder: DnsForwarder;
  /** Where this server listens, so it never forwards to itself (a resolv.conf naming the gateway). */
  #self: DnsUpstream | undefined;

  constructor(options: ServiceDnsOptions) {
    this.#o = options;
    // Parsed now: a bad upstream is a configuration error the caller must hear at once.
    const given = options.upstreams?.map(parseUpstream);
    this.#forwarder = new DnsForwarder({
      logger: options.logger,
      ...(options.forwardTimeoutMs !== undefined ? { timeoutMs: options.forwardTimeoutMs } : {}),
      ...(options.maxPendingForwards !== undefined ? { maxPending: options.maxPendingForwards } : {}),
    });
    if (given) this.#forwarder.upstreams = given;
  }

  /** The resolvers names outside the cluster are forwarded to, in the order they are tried. */
  get upstreams(): readonly DnsUpstream[] {
    return this.#forwarder.upstreams;
  }

  /**
   * Reads the host's resolv.conf again (it is read once by listen()), for when the host's resolvers
   * changed. Does nothing when the constructor was given `upstreams`.
   */
  async reloadUpstreams(): Promise<readonly DnsUpstream[]> {
    if (this.#o.upstreams) return this.#forwarder.upstreams;
    const self = this.#self;
    const read = await readHostUpstreams(this.#o.resolvConf ?? RESOLV_CONF);
    this.#forwarder.upstreams = read.filter(
      (u) => !self || u.address !== self.address || u.port !== self.port,
    );
    if (this.#forwarder.upstreams.length === 0)
      this.#o.logger.warn(
        { resolvConf: this.#o.resolvConf ?? RESOLV_CONF },
        'service DNS: no upstream resolver; names outside the cluster will not resolve in pods',
      );
    return this.#forwarder.upstreams;
  }

  /**
   * Listens on `address:port` over UDP and TCP; port 0 picks a free port, the same for both. Resolves
   * with the port bound.
   */
  async listen(address: string, port: number): Promise<{ address: string; port: number }> {
    if (this.#udp) throw new Error('ServiceDns is already listening');
    // With port 0 the UDP port chosen may be taken for TCP: try a few times before giving up.
    for (let attempt = 0; ; attempt++) {
      const udp = await this.#bindUdp(address, port);
      const bound = udp.address().port;
      try {
        this.#tcp = await this.#bindTcp(address, bound);
        this.#udp = udp;
        this.#self = { address, port: bound };
        await this.reloadUpstreams();
        return { address, port: bound };
      } catch (err) {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        if (port !== 0 || attempt >= 4) throw err;
      }
    }
  }

  async close(): Promise<void> {
    const udp = this.#udp;
    const tcp = this.#tcp;
    this.#udp = undefined;
    this.#tcp = undefined;
    for (const socket of this.#connections) socket.destroy();
    this.#connections.clear();
    this.#forwarder.close();
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  #bindUdp(address: string, port: number): Promise<UdpSocket> {
    const udp = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    udp.on('message', (msg, rinfo) => {
      const client = { address: rinfo.address, port: rinfo.port };
      void this.#respond(msg, client, 'udp').then((response) => {
        if (!response || this.#udp !== udp) return;
        // A send fails only for that client (unreachable, or the socket closed meanwhile, which throws).
        const failed = (err: unknown) =>
          this.#o.logger.debug({ err, client: rinfo.address }, 'service DNS: send failed');
        try {
          udp.send(response, rinfo.port, rinfo.address, (err) => err && failed(err));
        } catch (err) {
          failed(err);
        }
      });
    });
    return new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, address, () => {
        udp.off('error', reject);
        udp.on('error', (err) => this.#o.logger.warn({ err }, 'service DNS: UDP socket error'));
        resolve(udp);
      });
    });
  }

  #bindTcp(address: string, port: number): Promise<Server> {
    const server = createServer((socket) => this.#serveTcp(socket));
    server.maxConnections = MAX_TCP_CONNECTIONS;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        server.on('error', (err) => this.#o.logger.warn({ err }, 'service DNS: TCP server error'));
        resolve(server);
      });
    });
  }

  /** Each message is preceded by its length on two bytes; several may come on one connection. */
  #serveTcp(socket: Socket): void {
    this.#connections.add(socket);
    const client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    let pending: Buffer = Buffer.alloc(0);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#connections.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // A length prefix bounds a message to 65535 bytes, so `pending` never holds much more than that.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const msg = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        // Forwarded answers may come back out of order: RFC 7766 lets clients match them by id.
        void this.#respond(msg, client, 'tcp').then((response) => {
          if (!response || socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(response.length, 0);
          // A client that sends without reading would make us buffer its answers: stop reading until
          // it catches up.
          if (!socket.write(Buffer.concat([prefix, response]))) {
            socket.pause();
            socket.once('drain', () => socket.resume());
          }
        });
      }
    });
  }

  /**
   * The response to one message: the cluster's own, the upstream's (SERVFAIL when none answers in time),
   * or undefined for a message that deserves none. Never rejects.
   */
  async #respond(msg: Buffer, client: DnsClient, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const maxResponse = transport === 'tcp' ? MAX_TCP_MESSAGE : undefined;
    const route: QueryRoute = routeQuery(msg, (name) => this.#o.resolve(name, client), maxResponse);
    if (!route) {
      this.#o.logger.debug({ client, bytes: msg.length }, 'service DNS: dropped a malformed message');
      return undefined;
    }
    if (route.kind === 'answer') return route.response;
    if (this.#forwarder.upstreams.length === 0)
      return encodeResponse(route.header, RCODE.nxDomain, route.question);
    try {
      const response = await this.#forwarder.forward(msg, transport);
      return response ?? encodeResponse(route.header, RCODE.servFail, route.question);
    } catch (err) {
      this.#o.logger.debug({ err }, 'service DNS: forwarding failed');
      return encodeResponse(route.header, RCODE.servFail, route.question);
    }
  }
}
