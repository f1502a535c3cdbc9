#!/usr/bin/env node
// `npm start`: the desktop app in development. Finds the Electron binary first, because npm often cannot
// download it (its postinstall fetches it from GitHub, and it is only an optional dependency): then it says
// so and how to get the same UI in a browser, and exits 1. Otherwise it builds what is stale (renderer,
// preload) and runs Electron on main/entry.mjs, passing its exit code on.
//
// SHOAL_ELECTRON_FROM: the folder Electron is resolved from (default: this checkout), for tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../..');

const MISSING_ELECTRON =
  'The Electron binary is not installed (npm could not download it): install it with `npm install electron` ' +
  'on a machine that can reach GitHub; meanwhile use `npx shoal dashboard` for the same UI in a browser.';

/** The Electron executable's path, or undefined when the package or its downloaded binary is missing. */
function findElectron(from) {
  try {
    // The electron package's main module exports the path of the binary it downloaded, and throws when the
    // download did not happen.
    const binary = createRequire(path.join(from, 'package.json'))('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const electron = findElectron(process.env.SHOAL_ELECTRON_FROM || ROOT);
if (!electron) {
  process.stderr.write(`${MISSING_ELECTRON}\n`);
  process.exit(1);
}

// The same build as `npm run dist` (it exits 1 with the error when the build fails).
await import('./build-desktop.mjs');

const env = { ...process.env };
// Inherited from a parent that was itself Electron-as-Node, it would make Electron a plain Node here too.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron, [path.join(ROOT, 'main', 'entry.mjs'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (err) => {
  process.stderr.write(`error: cannot run ${electron}: ${err.message}\n`);
  process.exit(1);
});
