// The implementation of `window.shoal` over ipcRenderer, apart from the preload's Electron wiring so tests
// can drive it against the real handlers with a fake IPC. It runs in the sandboxed preload: no Node APIs.
// Sockets and streams get ids chosen here, so an event can never arrive for an id the window does not know
// yet; each delivered message is acknowledged (batched), which is main's signal to keep reading (credit).
import type { IpcRenderer } from './electronApi.ts';
import { IPC, type RelayEventMessage } from './ipcChannels.ts';
import type {
  BridgeSocketEvent,
  BridgeStreamEvent,
  DesktopSettings,
  ShoalBridge,
  TransportResponse,
} from './shoalBridge.ts';

type Listener = (event: BridgeSocketEvent | BridgeStreamEvent) => void;

export function createShoalBridge(ipc: IpcRenderer): ShoalBridge {
  const listeners = new Map<string, Listener>();
  const pendingAcks = new Map<string, number>();
  let ackScheduled = false;
  let counter = 0;

  const flushAcks = () => {
    ackScheduled = false;
    for (const [id, bytes] of pendingAcks) ipc.send(IPC.ack, { id, bytes });
    pendingAcks.clear();
  };

  ipc.on(IPC.event, (_event, raw) => {
    const message = raw as RelayEventMessage;
    const listener = listeners.get(message.id);
    if (!listener) return;
    const { event } = message;
    if (event.type === 'close' || event.type === 'end') {
      listeners.delete(message.id);
      pendingAcks.delete(message.id);
    }
    try {
      listener(event);
    } finally {
      const cost =
        event.type === 'message'
          ? typeof event.data === 'string'
            ? event.data.length
            : event.data.byteLength
          : event.type === 'chunk'
            ? event.text.length
            : 0;
      if (cost > 0 && listeners.has(message.id)) {
        pendingAcks.set(message.id, (pendingAcks.get(message.id) ?? 0) + cost);
        if (!ackScheduled) {
          ackScheduled = true;
          setTimeout(flushAcks, 0);
        }
      }
    }
  });

  // A fresh prefix per page load: after a reload, main may still be ending the previous page's relays.
  const page = Math.random().toString(36).slice(2, 10);
  const nextId = (kind: 's' | 'l') => `${kind}${page}-${++counter}`;

  return {
    request: (req) => ipc.invoke(IPC.request, req) as Promise<TransportResponse>,

    openSocket(path, protocols, listener) {
      const id = nextId('s');
      listeners.set(id, listener as Listener);
      ipc.send(IPC.socketOpen, { id, path, protocols: [...protocols] });
      return {
        send: (data) => ipc.send(IPC.socketSend, { id, data }),
        close: () => ipc.send(IPC.socketClose, { id }),
      };
    },

    stream(path, listener) {
      const id = nextId('l');
      listeners.set(id, listener as Listener);
      ipc.send(IPC.streamOpen, { id, path });
      return { cancel: () => ipc.send(IPC.streamCancel, { id }) };
    },

    settings: {
      get: () => ipc.invoke(IPC.settingsGet) as Promise<DesktopSettings>,
      set: (patch) => ipc.invoke(IPC.settingsSet, patch) as Promise<DesktopSettings>,
    },
  };
}
