// Binds the IPC handlers to Electron's ipcMain: only the app's own page may call them (a frame that
// navigated elsewhere, were that ever possible, is refused), and each window's relays end with the window.
import type { IpcMain, IpcMainInvokeEvent } from './electronApi.ts';
import { IPC } from './ipcChannels.ts';
import type { IpcHandlers, WindowSink } from './ipcHandlers.ts';

export interface IpcRegistrationOptions {
  /** Whether the calling frame is the app's page (its URL is the app's index.html). */
  isAppPage(url: string): boolean;
  warn(message: string): void;
}

export function registerIpc(ipcMain: IpcMain, handlers: IpcHandlers, o: IpcRegistrationOptions): void {
  const watched = new Set<number>();

  const sinkOf = (event: IpcMainInvokeEvent): WindowSink => {
    const contents = event.sender;
    if (!watched.has(contents.id)) {
      watched.add(contents.id);
      contents.on('destroyed', () => {
        watched.delete(contents.id);
        handlers.closeWindow(contents.id);
      });
    }
    return {
      id: contents.id,
      send: (message) => {
        if (!contents.isDestroyed()) contents.send(IPC.event, message);
      },
    };
  };

  const trusted = (event: IpcMainInvokeEvent, channel: string): boolean => {
    const url = event.senderFrame?.url ?? '';
    if (o.isAppPage(url)) return true;
    o.warn(`refused IPC ${channel} from ${url || 'a frame that is gone'}: only the app's page may call it`);
    return false;
  };

  const invoke = (channel: string, run: (event: IpcMainInvokeEvent, arg: unknown) => unknown) =>
    ipcMain.handle(channel, (event, arg) => {
      if (!trusted(event, channel)) throw new Error(`IPC ${channel} refused: not the app's page`);
      return run(event, arg);
    });

  const listen = (
    channel: string,
    run: (sink: WindowSink, arg: unknown) => string | undefined | Promise<string | undefined>,
  ) =>
    ipcMain.on(channel, (event, arg) => {
      if (!trusted(event, channel)) return;
      void Promise.resolve(run(sinkOf(event), arg)).then((problem) => {
        if (problem) o.warn(`IPC ${channel}: ${problem}`);
      });
    });

  invoke(IPC.request, (_e, arg) => handlers.request(arg));
  invoke(IPC.settingsGet, () => handlers.settingsGet());
  invoke(IPC.settingsSet, (_e, arg) => handlers.settingsSet(arg));
  listen(IPC.socketOpen, (sink, arg) => handlers.socketOpen(sink, arg));
  listen(IPC.socketSend, (sink, arg) => handlers.socketSend(sink, arg));
  listen(IPC.socketClose, (sink, arg) => handlers.socketClose(sink, arg));
  listen(IPC.streamOpen, (sink, arg) => handlers.streamOpen(sink, arg));
  listen(IPC.streamCancel, (sink, arg) => handlers.streamCancel(sink, arg));
  listen(IPC.ack, (sink, arg) => handlers.ack(sink, arg));
}
