// Exactly the Electron APIs main/ uses, written by hand. The `electron` package cannot be installed on the
// build machines (its postinstall downloads the binary), so its types are not there either: main/ typechecks
// against these interfaces and loads Electron at run time. Signatures follow Electron's documentation
// (electronjs.org/docs/latest/api/…); keep them a subset of the real ones.

export interface PreventableEvent {
  preventDefault(): void;
}

// ---- main process ----------------------------------------------------------------------------------------

export interface App {
  /** false when another instance holds the lock (this one should quit; that one gets 'second-instance'). */
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  getPath(name: 'userData'): string;
  readonly isPackaged: boolean;
  on(event: 'second-instance', listener: () => void): this;
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'activate', listener: () => void): this;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): this;
  on(event: 'web-contents-created', listener: (event: PreventableEvent, contents: WebContents) => void): this;
}

export interface WebPreferences {
  preload: string;
  contextIsolation: boolean;
  nodeIntegration: boolean;
  sandbox: boolean;
  webSecurity?: boolean;
  devTools?: boolean;
}

export interface BrowserWindowOptions {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  title?: string;
  show?: boolean;
  icon?: NativeImage | string;
  backgroundColor?: string;
  webPreferences: WebPreferences;
}

export interface WindowOpenDetails {
  url: string;
}

export interface WebContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  reload(): void;
  toggleDevTools(): void;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void;
  on(
    event: 'will-navigate',
    listener: (event: PreventableEvent & { url?: string }, url: string) => void,
  ): this;
  on(
    event: 'will-redirect',
    listener: (event: PreventableEvent & { url?: string }, url: string) => void,
  ): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  on(event: 'destroyed', listener: () => void): this;
  on(event: 'did-start-navigation', listener: () => void): this;
}

export interface BrowserWindow {
  readonly webContents: WebContents;
  loadFile(filePath: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  destroy(): void;
  on(event: 'close', listener: (event: PreventableEvent) => void): this;
  on(event: 'closed', listener: () => void): this;
  once(event: 'ready-to-show', listener: () => void): this;
}

export type BrowserWindowConstructor = new (options: BrowserWindowOptions) => BrowserWindow;

export interface MenuItemOptions {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox';
  role?:
    | 'quit'
    | 'reload'
    | 'toggleDevTools'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'about';
  accelerator?: string;
  checked?: boolean;
  enabled?: boolean;
  visible?: boolean;
  click?: () => void;
  submenu?: MenuItemOptions[];
}

export type Menu = object;

export interface MenuStatic {
  buildFromTemplate(template: MenuItemOptions[]): Menu;
  setApplicationMenu(menu: Menu | null): void;
}

export interface NativeImage {
  resize(options: { width?: number; height?: number }): NativeImage;
}

export interface NativeImageStatic {
  createFromPath(path: string): NativeImage;
}

export interface Tray {
  setToolTip(toolTip: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): this;
  destroy(): void;
}

export type TrayConstructor = new (image: NativeImage | string) => Tray;

export interface Shell {
  openExternal(url: string): Promise<void>;
}

export interface IpcMainInvokeEvent {
  readonly sender: WebContents;
  /** null once the frame navigated away or was destroyed. */
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMain {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => void): this;
}

export interface HeadersReceivedDetails {
  url: string;
  resourceType?: string;
  responseHeaders?: Record<string, string[]>;
}

export interface Session {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

export interface ElectronMain {
  app: App;
  BrowserWindow: BrowserWindowConstructor;
  Menu: MenuStatic;
  Tray: TrayConstructor;
  nativeImage: NativeImageStatic;
  shell: Shell;
  ipcMain: IpcMain;
  session: { readonly defaultSession: Session };
}

// ---- preload (sandboxed renderer) ------------------------------------------------------------------------

export interface IpcRendererEvent {
  readonly sender: unknown;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export interface ElectronPreload {
  contextBridge: ContextBridge;
  ipcRenderer: IpcRenderer;
}

/**
 * Electron's main-process API, loaded at run time. The specifier is a variable so TypeScript does not look
 * for the package's types, which are not installed.
 */
export async function loadElectronMain(): Promise<ElectronMain> {
  const specifier = 'electron';
  const electron = (await import(specifier)) as { default?: ElectronMain } & Partial<ElectronMain>;
  return (electron.default ?? electron) as ElectronMain;
}
