// The desktop app's Transport: IPC to the Electron main process through `window.shoal`, which the preload
// exposes (main/shoalBridge.ts). Main forwards to its embedded peer's API and keeps the token; this side
// only adapts the bridge's callbacks to the Transport interface the connection uses.
import type { BridgeSocketEvent, ShoalBridge } from '../../../main/shoalBridge.ts';
import type { Transport, TransportSocket } from './ClusterConnection.ts';

declare global {
  interface Window {
    /** Present only inside the desktop app (the preload's bridge). */
    shoal?: ShoalBridge;
  }
}

type CloseInfo = { code: number; reason: string; error?: string };

function bridgeSocket(bridge: ShoalBridge, path: string, protocols: readonly string[]): TransportSocket {
  const openListeners: Array<() => void> = [];
  const messageListeners: Array<(data: string | Uint8Array) => void> = [];
  const closeListeners: Array<(info: CloseInfo) => void> = [];
  let closed: CloseInfo | undefined;
  const socket = bridge.openSocket(path, protocols, (event: BridgeSocketEvent) => {
    if (closed) return;
    if (event.type === 'open') for (const cb of openListeners) cb();
    else if (event.type === 'message') for (const cb of messageListeners) cb(event.data);
    else {
      closed =
        event.error === undefined
          ? { code: event.code, reason: event.reason }
          : { code: event.code, reason: event.reason, error: event.error };
      for (const cb of closeListeners) cb(closed);
    }
  });
  return {
    send: (data) => {
      if (!closed) socket.send(data);
    },
    close: () => socket.close(),
    onOpen: (cb) => {
      openListeners.push(cb);
    },
    onMessage: (cb) => {
      messageListeners.push(cb);
    },
    onClose: (cb) => {
      // Registered after the end: still told once, as the contract promises.
      if (closed) {
        const info = closed;
        queueMicrotask(() => cb(info));
      } else closeListeners.push(cb);
    },
  };
}

export function ipcTransport(
  bridge: ShoalBridge | undefined = typeof window === 'undefined' ? undefined : window.shoal,
): Transport {
  if (!bridge) throw new Error('ipcTransport needs the desktop app (window.shoal is missing)');
  return {
    kind: 'ipc',
    request: (req) => bridge.request(req),
    openSocket: (path, protocols = []) => bridgeSocket(bridge, path, protocols),
    stream(path, onChunk, onEnd) {
      let ended = false;
      const stream = bridge.stream(path, (event) => {
        if (ended) return;
        if (event.type === 'chunk') onChunk(event.text);
        else {
          ended = true;
          onEnd(event.error);
        }
      });
      return () => stream.cancel();
    },
  };
}
