// The application menu and the tray menu, as templates built from plain values (no Electron here). The
// actions are callbacks main.ts provides.
import type { MenuItemOptions } from './electronApi.ts';
import type { TrayHealth } from './trayHealth.ts';

export interface MenuActions {
  showWindow(): void;
  setRunWorkloads(on: boolean): void;
  quit(): void;
  reload(): void;
  toggleDevTools(): void;
  openExternal(url: string): void;
}

export interface MenuState {
  runWorkloads: boolean;
  /** Reload and developer tools are offered only in development. */
  dev: boolean;
  /** The project's web page (package.json `homepage`); the Help menu links to it when known. */
  projectUrl?: string;
}

const RUN_WORKLOADS_LABEL = 'Run workloads on this computer';

export function appMenuTemplate(state: MenuState, actions: MenuActions): MenuItemOptions[] {
  const help: MenuItemOptions[] = state.projectUrl
    ? [{ label: 'Shoal on the web', click: () => actions.openExternal(state.projectUrl as string) }]
    : [{ role: 'about' }];
  return [
    {
      label: 'File',
      submenu: [
        {
          label: RUN_WORKLOADS_LABEL,
          type: 'checkbox',
          checked: state.runWorkloads,
          click: () => actions.setRunWorkloads(!state.runWorkloads),
        },
        { type: 'separator' },
        { label: 'Quit Shoal', accelerator: 'CmdOrCtrl+Q', click: actions.quit },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(state.dev
          ? ([
              { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: actions.reload },
              {
                label: 'Toggle Developer Tools',
                accelerator: 'CmdOrCtrl+Shift+I',
                click: actions.toggleDevTools,
              },
              { type: 'separator' },
            ] satisfies MenuItemOptions[])
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: help },
  ];
}

export function trayMenuTemplate(
  health: TrayHealth,
  state: MenuState,
  actions: MenuActions,
): MenuItemOptions[] {
  return [
    ...health.lines.map((line): MenuItemOptions => ({ label: line, enabled: false })),
    { type: 'separator' },
    { label: 'Open Shoal', click: actions.showWindow },
    {
      label: RUN_WORKLOADS_LABEL,
      type: 'checkbox',
      checked: state.runWorkloads,
      click: () => actions.setRunWorkloads(!state.runWorkloads),
    },
    { type: 'separator' },
    { label: 'Quit Shoal', click: actions.quit },
  ];
}
