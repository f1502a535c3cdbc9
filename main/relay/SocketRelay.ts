// One window socket relayed to the embedded peer's API: main dials the agent's WebSocket with the bearer
// token in a header (the token never reaches the renderer) and forwards frames both ways. Inbound frames are
// paused while the window has too many unacknowledged (Credit); outbound frames are refused once the agent
// stops reading, so a stuck exec cannot grow main's memory either way.
import WebSocket from 'ws';
import type { BridgeSocketEvent } from '../shoalBridge.ts';
import { Credit, eventCost } from './credit.ts';

/** The largest frame accepted from the agent. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Bytes queued towards the agent (plus those sent before the socket opened) before the socket is failed. */
const MAX_OUTBOUND_BYTES = 4 * 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 15_000;

export interface SocketRelayOptions {
  /** `ws://127.0.0.1:PORT/path?query` */
  url: string;
  token: string;
  protocols: readonly string[];
  emit(event: BridgeSocketEvent): void;
  credit?: Credit;
}

function statusMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { kind?: unknown; message?: unknown };
    return parsed.kind === 'Status' && typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

export class SocketRelay {
  readonly #ws: WebSocket;
  readonly #emit: (event: BridgeSocketEvent) => void;
  readonly #credit: Credit;
  #pending: Array<string | Uint8Array> = [];
  #pendingBytes = 0;
  #error: string | undefined;
  #finished = false;

  constructor(o: SocketRelayOptions) {
    this.#emit = o.emit;
    this.#credit = o.credit ?? new Credit();
    this.#ws = new WebSocket(o.url, [...o.protocols], {
      headers: { Authorization: `Bearer ${o.token}` },
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.#ws.on('open', () => {
      if (this.#finished) return;
      this.#emit({ type: 'open' });
      for (const data of this.#pending.splice(0)) this.#ws.send(data);
      this.#pendingBytes = 0;
    });
    this.#ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    this.#ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < 64 * 1024) text += chunk;
      });
      res.on('end', () => {
        const why = statusMessage(text) ?? (text.trim().slice(0, 300) || 'no reason given');
        this.#finish(1006, '', `the agent refused the socket (HTTP ${res.statusCode}): ${why}`);
        this.#ws.terminate();
      });
    });
    this.#ws.on('error', (err) => {
      this.#error ??= err.message;
    });
    this.#ws.on('close', (code, reason) => {
      this.#finish(code, reason.toString('utf8'), this.#error);
    });
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.#finished) return;
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    // A copy: a Buffer may be a view on a larger pooled ArrayBuffer, which IPC would clone whole.
    const payload = isBinary ? new Uint8Array(buffer) : buffer.toString('utf8');
    this.#emit({ type: 'message', data: payload });
    this.#credit.sent(eventCost(payload));
    if (this.#credit.saturated && !this.#ws.isPaused) this.#ws.pause();
  }

  send(data: string | Uint8Array): void {
    if (this.#finished) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (this.#ws.readyState === WebSocket.CONNECTING) {
      this.#pendingBytes += size;
      if (this.#pendingBytes > MAX_OUTBOUND_BYTES)
        this.#fail('too much data was sent before the socket opened');
      else this.#pending.push(data);
      return;
    }
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    if (this.#ws.bufferedAmount + size > MAX_OUTBOUND_BYTES) {
      this.#fail('the agent is not reading what this window sends');
      return;
    }
    this.#ws.send(data);
  }

  /** The window handed `units` of this socket's messages to its listener. */
  ack(units: number): void {
    if (this.#credit.acked(units) && this.#ws.isPaused) this.#ws.resume();
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.CONNECTING) {
      this.#finish(1000, 'closed by the window');
      this.#ws.terminate();
    } else {
      this.#ws.close(1000);
    }
  }

  #fail(error: string): void {
    this.#finish(1011, '', error);
    this.#ws.terminate();
  }

  #finish(code: number, reason: string, error?: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#pending = [];
    this.#credit.release();
    this.#emit(
      error === undefined ? { type: 'close', code, reason } : { type: 'close', code, reason, error },
    );
  }
}
