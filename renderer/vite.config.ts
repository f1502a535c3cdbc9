// Builds the renderer into renderer/dist. `base: './'` makes every asset URL relative, so the same build is
// served by `shoal dashboard` from any path and loaded from file:// by Electron.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Electron's Chromium and the Chromium our tests drive are both recent.
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // The renderer imports the browser-safe parts of shared/ (model, manifest validation).
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
