// The whole desktop IPC path without Electron: the renderer's ipcTransport over the preload's bridge, a fake
// ipcRenderer/ipcMain pair (structured clones, like Electron's), main's registration and handlers, and a
// real agent API (the test API server: MemoryClusterStore behind startApiServer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  IpcMain,
  IpcMainInvokeEvent,
  IpcRenderer,
  IpcRendererEvent,
  WebContents,
} from '../../main/electronApi.ts';
import { IPC } from '../../main/ipcChannels.ts';
import { createIpcHandlers } from '../../main/ipcHandlers.ts';
import { registerIpc } from '../../main/ipcRegistration.ts';
import { createShoalBridge } from '../../main/preloadBridge.ts';
import { ipcTransport } from '../../renderer/src/connection/ipcTransport.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';

const APP_PAGE = 'file:///opt/shoal/renderer/dist/index.html#/pods';

type MainListener = (event: IpcMainInvokeEvent, arg: unknown) => unknown;

/** An ipcMain and, for one page at `url`, its ipcRenderer; records what crosses. */
function fakeElectronIpc(url: string) {
  const handles = new Map<string, MainListener>();
  const ons = new Map<string, MainListener>();
  const toRenderer: Array<(event: IpcRendererEvent, arg: unknown) => void> = [];
  const crossed: Array<{ channel: string; arg: unknown }> = [];
  const destroyedListeners: Array<() => void> = [];
  const contents = {
    id: 7,
    send(channel: string, arg: unknown) {
      crossed.push({ channel, arg });
      const copy = structuredClone(arg);
      setTimeout(() => {
        for (const l of toRenderer) l({ sender: null }, copy);
      }, 0);
    },
    isDestroyed: () => false,
    on(event: string, listener: () => void) {
      if (event === 'destroyed') destroyedListeners.push(listener);
      return contents;
    },
  } as unknown as WebContents;
  const event = { sender: contents, senderFrame: { url } } as IpcMainInvokeEvent;
  const ipcMain = {
    handle: (channel: string, l: MainListener) => handles.set(channel, l),
    on(channel: string, l: MainListener) {
      ons.set(channel, l);
      return ipcMain;
    },
  } as unknown as IpcMain;
  const ipcRenderer = {
    async invoke(channel: string, arg: unknown) {
      crossed.push({ channel, arg });
      const handler = handles.get(channel);
      if (!handler) throw new Error(`no handler for ${channel}`);
      return structuredClone(await handler(event, structuredClone(arg)));
    },
    send(channel: string, arg: unknown) {
      crossed.push({ channel, arg });
      ons.get(channel)?.(event, structuredClone(arg));
    },
    on(channel: string, l: (event: IpcRendererEvent, arg: unknown) => void) {
      if (channel === IPC.event) toRenderer.push(l);
      return ipcRenderer;
    },
  } as unknown as IpcRenderer;
  return {
    ipcMain,
    ipcRenderer,
    crossed,
    destroy: () => {
      for (const l of destroyedListeners) l();
    },
  };
}

function pod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'shoal.test/busybox:1' }] },
  } as unknown as KubeObject;
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

function setUp(url = APP_PAGE) {
  const ipc = fakeElectronIpc(url);
  const warnings: string[] = [];
  const handlers = createIpcHandlers({
    apiTarget: async () => ({ url: api.url, token: api.token }),
    dashboard: async () => ({
      status: 200,
      body: { member: true, clusterName: 'testlab', runsWorkloads: false },
    }),
    settings: {
      get: () => ({ runWorkloads: false }),
      set: async (p) => ({ runWorkloads: p.runWorkloads ?? false }),
    },
  });
  registerIpc(ipc.ipcMain, handlers, {
    isAppPage: (u) => u.startsWith('file:///opt/shoal/renderer/dist/index.html'),
    warn: (m) => warnings.push(m),
  });
  const transport = ipcTransport(createShoalBridge(ipc.ipcRenderer));
  return { ...ipc, handlers, transport, warnings };
}

describe('the renderer over IPC', () => {
  it('makes requests through main, which alone holds the token', async () => {
    const { transport, crossed } = setUp();
    expect(transport.kind).toBe('ipc');
    await api.store.create(pod('listed'));
    const res = await transport.request({ method: 'GET', path: '/api/v1/namespaces/default/pods' });
    expect(res.status).toBe(200);
    expect((res.body as { items: KubeObject[] }).items.map((p) => p.metadata.name)).toContain('listed');
    const onboarding = await transport.request({ method: 'GET', path: '/shoal/dashboard/v1/state' });
    expect(onboarding.body).toEqual({ member: true, clusterName: 'testlab', runsWorkloads: false });
    expect(JSON.stringify(crossed)).not.toContain(api.token);
  });

  it('watches over a relayed socket: open, list-then-watch events, acknowledgements, one close', async () => {
    const { transport, crossed, handlers } = setUp();
    const socket = transport.openSocket('/shoal/v1/watch?kind=pods&namespace=default');
    const messages: string[] = [];
    const closes: unknown[] = [];
    const opened = new Promise<void>((resolve) => socket.onOpen(resolve));
    socket.onMessage((data) => messages.push(String(data)));
    socket.onClose((info) => closes.push(info));
    await opened;
    await api.store.create(pod('watched'));
    for (let i = 0; i < 100 && !messages.some((m) => m.includes('"watched"')); i++)
      await new Promise((r) => setTimeout(r, 20));
    const added = messages.map((m) => JSON.parse(m)).find((m) => m.object?.metadata?.name === 'watched');
    expect(added?.type).toBe('ADDED');
    await new Promise((r) => setTimeout(r, 20));
    expect(crossed.some((c) => c.channel === IPC.ack)).toBe(true);
    socket.close();
    for (let i = 0; i < 100 && closes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closes).toEqual([{ code: 1000, reason: '' }]);
    expect(handlers.openRelays).toBe(0);
  });

  it('reports a refused socket once, with the reason, to onClose', async () => {
    const { transport } = setUp();
    const socket = transport.openSocket('/shoal/dashboard/v1/state');
    const info = await new Promise((resolve) => socket.onClose(resolve));
    expect(info).toEqual({
      code: 1006,
      reason: '',
      error: 'socket.path: must be an agent API path, not the onboarding API',
    });
  });

  it('ends the relays of a window that is destroyed', async () => {
    const { transport, handlers, destroy } = setUp();
    const socket = transport.openSocket('/shoal/v1/watch?kind=pods');
    await new Promise<void>((resolve) => socket.onOpen(resolve));
    expect(handlers.openRelays).toBe(1);
    destroy();
    expect(handlers.openRelays).toBe(0);
  });

  it('refuses every call from a frame that is not the app page', async () => {
    const { transport, warnings, handlers } = setUp('https://evil.example/');
    await expect(transport.request({ method: 'GET', path: '/api/v1/pods' })).rejects.toThrow(
      "IPC shoal:request refused: not the app's page",
    );
    transport.openSocket('/shoal/v1/watch?kind=pods');
    expect(handlers.openRelays).toBe(0);
    expect(warnings).toEqual([
      "refused IPC shoal:request from https://evil.example/: only the app's page may call it",
      "refused IPC shoal:socket-open from https://evil.example/: only the app's page may call it",
    ]);
  });
});
