// One listening socket of the proxy (an address and port) and the Service port it currently serves. The
// Service port can be swapped under it (re-targeting) without touching the socket or its open connections.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { EndpointBalancer } from './EndpointBalancer.ts';
import type { ListenerSpec, ListenerStatus } from './types.ts';

export interface ListenerTarget {
  spec: ListenerSpec;
  balancer: EndpointBalancer;
}

export class ServiceListener {
  private server: Server | undefined;
  private state: ListenerStatus['state'] = 'binding';
  private error: ListenerStatus['error'];

  constructor(
    readonly address: string,
    readonly port: number,
    public target: ListenerTarget,
    private readonly onConnection: (client: Socket, target: ListenerTarget) => void,
    private readonly logger: Logger,
  ) {}

  get listening(): boolean {
    return this.state === 'listening';
  }

  /** Binds the socket; never rejects: a failure (EADDRINUSE, EACCES, …) becomes the status and is returned. */
  async bind(): Promise<ListenerStatus['error']> {
    if (this.server) return undefined;
    // allowHalfOpen: a client that ends its writing still reads the reply. pauseOnConnect: bytes that arrive
    // before the endpoint answers stay in the kernel's buffer, not in ours.
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) =>
      this.onConnection(client, this.target),
    );
    this.state = 'binding';
    const error = await new Promise<ListenerStatus['error']>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) =>
        resolve({ code: err.code ?? 'ERROR', message: err.message });
      server.once('error', onError);
      server.listen({ host: this.address, port: this.port }, () => {
        server.off('error', onError);
        resolve(undefined);
      });
    });
    if (error) {
      server.close();
      this.state = 'failed';
      this.error = error;
      return error;
    }
    // After binding, 'error' means a failed accept (EMFILE): the server keeps listening; say it, never crash.
    server.on('error', (err) => {
      this.logger.warn(
        { address: this.address, port: this.port, err: err.message },
        'service listener error',
      );
    });
    this.server = server;
    this.state = 'listening';
    this.error = undefined;
    return undefined;
  }

  /** Stops accepting. Open connections are not touched: they drain, or the proxy's close() ends them. */
  close(): void {
    this.server?.close();
    this.server = undefined;
  }

  status(): ListenerStatus {
    const { spec } = this.target;
    return {
      address: this.address,
      port: this.port,
      service: spec.service,
      portName: spec.portName,
      state: this.state,
      ...(this.error ? { error: this.error } : {}),
    };
  }
}
