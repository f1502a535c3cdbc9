#!/usr/bin/env node
// Builds what the desktop app loads (renderer/dist and main/dist/preload.cjs): `npm run dist` runs it
// before electron-builder, and `npm start` through scripts/launch-electron.mjs.
import { register } from 'tsx/esm/api';

register();
const { buildDesktop } = await import('../main/buildDesktop.ts');
try {
  await buildDesktop();
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
