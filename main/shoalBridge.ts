// The shape of `window.shoal`, the only thing the preload exposes to the renderer (contextBridge). Types only:
// the renderer imports it with `import type`, the preload implements it, main serves it over IPC. Every
// value crosses a process boundary, so everything here is plain data or a function.
import type { TransportRequest, TransportResponse } from '../renderer/src/connection/ClusterConnection.ts';

export type { TransportRequest, TransportResponse };

/** What main reports about a socket, in order: `open` at most once, messages, then `close` exactly once. */
export type BridgeSocketEvent =
  | { type: 'open' }
  | { type: 'message'; data: string | Uint8Array }
  | { type: 'close'; code: number; reason: string; error?: string };

/** What main reports about a streamed HTTP body: chunks of text, then `end` exactly once. */
export type BridgeStreamEvent = { type: 'chunk'; text: string } | { type: 'end'; error?: string };

export interface BridgeSocket {
  send(data: string | Uint8Array): void;
  close(): void;
}

export interface BridgeStream {
  cancel(): void;
}

/** The desktop app's own settings (settings.json in the app's data folder). */
export interface DesktopSettings {
  /** "Run workloads on this computer": the embedded peer runs a kubelet on the local Docker engine. */
  runWorkloads: boolean;
}

export interface ShoalBridge {
  /** One request to the embedded peer's API or the onboarding API (`/shoal/dashboard/v1/…`). */
  request(req: TransportRequest): Promise<TransportResponse>;
  /** A WebSocket to the embedded peer's API (watch, events, exec), relayed by main; the token stays there. */
  openSocket(
    path: string,
    protocols: readonly string[],
    listener: (event: BridgeSocketEvent) => void,
  ): BridgeSocket;
  /** A streamed HTTP body (followed logs). */
  stream(path: string, listener: (event: BridgeStreamEvent) => void): BridgeStream;
  settings: {
    get(): Promise<DesktopSettings>;
    set(patch: Partial<DesktopSettings>): Promise<DesktopSettings>;
  };
}
