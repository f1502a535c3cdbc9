// A socket kept open: opened through the transport, reopened after each loss with back-off (0.5 s doubling
// to 10 s), until stopped or a failure that retrying cannot fix. Watches, events and usage all use it.
import { Backoff } from './backoff.ts';
import type { Transport, TransportSocket } from './ClusterConnection.ts';

export interface SocketControl {
  /** The session works (e.g. its snapshot arrived): the next loss retries quickly again. */
  healthy(): void;
  /** Ends this socket as failed; retried unless `retry` is false. */
  fail(error: string, retry?: boolean): void;
}

export interface ReconnectingSocketOptions {
  /** The path to open, asked again before each attempt (so a watch can resume where it was). */
  path(): string;
  protocols?: readonly string[];
  onOpen?(control: SocketControl): void;
  onMessage(data: string | Uint8Array, control: SocketControl): void;
  /** The socket is gone: why, and in how many ms the next attempt starts (undefined: none will). */
  onLost(error: string | undefined, retryInMs: number | undefined): void;
  /**
   * Asked when a socket fails before it opened (a browser does not say why an upgrade was refused): an
   * explanation, and whether it is final (a refused token).
   */
  diagnose?(): Promise<{ error: string; final: boolean } | undefined>;
}

/** Starts the socket; returns the function that stops it for good. */
export function reconnectingSocket(transport: Transport, opts: ReconnectingSocketOptions): () => void {
  const backoff = new Backoff();
  let stopped = false;
  let socket: TransportSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    timer = undefined;
    if (stopped) return;
    let opened = false;
    let over = false;
    let current: TransportSocket;
    const lost = async (error: string | undefined, retry: boolean) => {
      if (over) return;
      over = true;
      if (socket === current) socket = undefined;
      if (stopped) return;
      let why = error;
      let again = retry;
      if (!opened && again && opts.diagnose) {
        const found = await opts.diagnose().catch(() => undefined);
        if (stopped) return;
        if (found) {
          why = found.error;
          again = !found.final;
        }
      }
      if (!again) {
        opts.onLost(why, undefined);
        return;
      }
      const delay = backoff.next();
      opts.onLost(why, delay);
      timer = setTimeout(connect, delay);
    };
    const control: SocketControl = {
      healthy: () => backoff.reset(),
      fail: (error, retry = true) => {
        void lost(error, retry);
        current.close();
      },
    };
    try {
      current = transport.openSocket(opts.path(), opts.protocols);
    } catch (err) {
      void lost(err instanceof Error ? err.message : String(err), true);
      return;
    }
    socket = current;
    current.onOpen(() => {
      opened = true;
      if (!over) opts.onOpen?.(control);
    });
    current.onMessage((data) => {
      if (!over && !stopped) opts.onMessage(data, control);
    });
    current.onClose((info) => {
      void lost(info.error ?? closeText(info.code, info.reason), true);
    });
  };

  connect();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    socket?.close();
    socket = undefined;
  };
}

function closeText(code: number, reason: string): string {
  return reason !== '' ? reason : `the connection closed (code ${code})`;
}
