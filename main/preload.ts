// The preload of the app's window (sandboxed, context-isolated): exposes `window.shoal` (shoalBridge.ts)
// and nothing else. Electron runs sandboxed preloads as one CommonJS file with only `require('electron')`,
// so this is bundled to main/dist/preload.cjs by scripts/build-desktop.mjs.
import type { ElectronPreload } from './electronApi.ts';
import { createShoalBridge } from './preloadBridge.ts';

const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

contextBridge.exposeInMainWorld('shoal', createShoalBridge(ipcRenderer));
