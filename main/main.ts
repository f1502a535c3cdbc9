// The desktop app's main process. This file only wires; each part is a module with one job.
//
// Flow:
//   1. single-instance lock: a second launch focuses the first one's window and quits
//   2. the embedded peer (EmbeddedPeer: the agent's own code) with its data in <userData>/shoal, started
//      when that folder holds a cluster; settings.json says whether it runs workloads
//   3. IPC (ipcRegistration → ipcHandlers): the window's requests, sockets and streams go to the peer's API
//      with its token, the onboarding API (agent/dashboard/dashboardApi.ts over DesktopClusterActions) is
//      served in-process
//   4. once Electron is ready: CSP on every response, navigation and new windows refused (http(s) links go
//      to the OS browser), one sandboxed window on renderer/dist/index.html with the preload's bridge
//   5. the app menu and a tray icon whose tooltip and menu show the cluster's health
// Closing the window hides it (the tray keeps the peer running). Quit ends the relays, stops the peer (it
// leaves the swarm cleanly; containers keep running), stops a local cluster the app started, then exits.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDashboardApi } from '../agent/dashboard/dashboardApi.ts';
import { createLogger } from '../agent/log.ts';
import { appMenuTemplate, type MenuActions, type MenuState, trayMenuTemplate } from './appMenus.ts';
import { DesktopClusterActions, localClusterDir } from './DesktopClusterActions.ts';
import { EmbeddedPeer } from './EmbeddedPeer.ts';
import { type BrowserWindow, type ElectronMain, loadElectronMain, type Tray } from './electronApi.ts';
import { createIpcHandlers, NOT_A_MEMBER } from './ipcHandlers.ts';
import { registerIpc } from './ipcRegistration.ts';
import { SettingsFile } from './settings.ts';
import { trayHealth } from './trayHealth.ts';
import { externalUrl, isAppPage, withCsp } from './windowSecurity.ts';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../..');
const INDEX_HTML = path.join(ROOT, 'renderer', 'dist', 'index.html');
const PRELOAD = path.join(ROOT, 'main', 'dist', 'preload.cjs');
const ICON = path.join(ROOT, 'main', 'resources', 'icon.png');
const TRAY_REFRESH_MS = 3_000;
const QUIT_TIMEOUT_MS = 30_000;

async function run(electron: ElectronMain): Promise<void> {
  const { app, BrowserWindow, Menu, Tray, nativeImage, shell, ipcMain, session } = electron;
  const log = createLogger({ name: 'shoal-desktop' });
  const dev = !app.isPackaged;
  for (const [file, what] of [
    [INDEX_HTML, 'the renderer'],
    [PRELOAD, 'the preload'],
  ] as const) {
    if (!existsSync(file)) {
      log.error(`${file} is missing: build ${what} first (\`npm start\` does, \`npm run dist\` too)`);
      app.exit(1);
      return;
    }
  }
  // Agents of a local cluster are child processes of this one: `process.execPath` is Electron here, which
  // runs them as plain Node only with this variable.
  process.env.ELECTRON_RUN_AS_NODE = '1';

  const userData = app.getPath('userData');
  const settings = await SettingsFile.open(userData, (message) => log.warn(message));
  const peer = new EmbeddedPeer({
    dataDir: path.join(userData, 'shoal'),
    logger: log.child({ part: 'peer' }),
    runWorkloads: settings.get().runWorkloads,
  });
  const actions = new DesktopClusterActions({
    peer,
    localClusterDir: localClusterDir(userData),
    logger: log.child({ part: 'onboarding' }),
    out: process.stderr,
  });
  const handlers = createIpcHandlers({
    apiTarget: () => peer.apiTarget(),
    unavailable: () =>
      peer.state === 'starting'
        ? 'The Shoal peer inside the app is starting; it answers in a moment'
        : peer.state === 'failed'
          ? `The Shoal peer inside the app could not start: ${peer.error ?? 'unknown error'}`
          : NOT_A_MEMBER,
    dashboard: createDashboardApi(actions),
    settings: { get: () => settings.get(), set: (patch) => settings.set(patch) },
  });
  registerIpc(ipcMain, handlers, {
    isAppPage: (url) => isAppPage(url, INDEX_HTML),
    warn: (message) => log.warn(message),
  });

  let window: BrowserWindow | undefined;
  let tray: Tray | undefined;
  let quitting = false;
  let quitDone = false;

  const openExternal = (url: string) => {
    const safe = externalUrl(url);
    if (safe) void shell.openExternal(safe).catch((err: unknown) => log.warn({ err }, `cannot open ${safe}`));
    else log.warn(`refused to open ${url.slice(0, 200)}: only http and https links open in the browser`);
  };
  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const quit = async () => {
    if (quitting) return;
    quitting = true;
    log.info('quitting: stopping the embedded peer');
    handlers.closeAll();
    const timeout = new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref());
    await Promise.race([
      Promise.all([peer.stop(), actions.stop()]).catch((err: unknown) =>
        log.error({ err }, 'stopping failed'),
      ),
      timeout,
    ]);
    tray?.destroy();
    quitDone = true;
    app.exit(0);
  };

  const menuActions: MenuActions = {
    showWindow,
    setRunWorkloads: (on) => {
      settings
        .set({ runWorkloads: on })
        .catch((err: unknown) => log.error({ err }, 'cannot save the settings'));
    },
    quit: () => void quit(),
    reload: () => {
      if (!window) return;
      handlers.closeWindow(window.webContents.id);
      window.webContents.reload();
    },
    toggleDevTools: () => window?.webContents.toggleDevTools(),
    openExternal,
  };
  const menuState = (): MenuState => ({
    runWorkloads: settings.get().runWorkloads,
    dev,
    projectUrl: projectUrl(),
  });
  let lastTray = '';
  const refreshMenus = (force = false) => {
    const health = trayHealth(peer.state, peer.status(), peer.error, peer.state !== 'stopped');
    const key = JSON.stringify([health, menuState()]);
    if (!tray || (!force && key === lastTray)) return;
    lastTray = key;
    tray.setToolTip(health.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(health, menuState(), menuActions)));
  };
  settings.onChange((s) => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(menuState(), menuActions)));
    refreshMenus(true);
    peer
      .setRunWorkloads(s.runWorkloads)
      .catch((err: unknown) => log.error({ err }, 'the peer did not restart'));
  });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // The window only hides, so this fires on Quit alone; the tray keeps the app alive otherwise.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (quitDone) return;
    event.preventDefault();
    void quit();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openExternal(url);
      return { action: 'deny' };
    });
    const guard = (event: { preventDefault(): void; url?: string }, url: string) => {
      const target = event.url ?? url;
      if (isAppPage(target, INDEX_HTML)) return;
      event.preventDefault();
      openExternal(target);
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  await app.whenReady();
  // Headers reach file:// pages in current Electron; renderer/index.html carries the same policy in a meta
  // tag, which applies either way.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withCsp(details.responseHeaders) }),
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(menuState(), menuActions)));

  const icon = existsSync(ICON) ? nativeImage.createFromPath(ICON) : undefined;
  window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Shoal',
    show: false,
    ...(icon ? { icon } : {}),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      devTools: dev,
    },
  });
  window.once('ready-to-show', showWindow);
  window.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    window?.hide();
  });
  await window.loadFile(INDEX_HTML);

  if (icon) {
    // Tray areas show 16 to 24 pixel icons; the file is the 256 px app icon.
    tray = new Tray(icon.resize({ width: 22, height: 22 }));
    tray.on('click', showWindow);
    refreshMenus(true);
    setInterval(() => refreshMenus(), TRAY_REFRESH_MS).unref();
  } else log.warn(`${ICON} is missing: no tray icon`);

  peer.startIfMember().catch((err: unknown) => log.error({ err }, 'the embedded peer could not start'));
}

function projectUrl(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url)('../package.json') as { homepage?: unknown };
    return typeof pkg.homepage === 'string' ? pkg.homepage : undefined;
  } catch {
    return undefined;
  }
}

const electron = await loadElectronMain();
if (electron.app.requestSingleInstanceLock()) {
  await run(electron).catch((err: unknown) => {
    console.error('Shoal could not start:', err);
    electron.app.exit(1);
  });
} else {
  // Another instance runs: it got 'second-instance' and shows its window.
  electron.app.quit();
}
