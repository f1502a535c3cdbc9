// What the desktop app needs built before Electron can load it: the renderer (renderer/dist, by vite, the
// same build the web dashboard serves) and the preload bundle (main/dist/preload.cjs). Sandboxed preloads
// must be one CommonJS file whose only import is `electron`, so esbuild bundles it; the rest of main/ runs
// from source through tsx (main/entry.mjs).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ensureRendererBuilt } from '../agent/dashboard/ensureRendererBuilt.ts';

const MAIN_DIR = fileURLToPath(new URL('.', import.meta.url));
export const PRELOAD_BUNDLE = path.join(MAIN_DIR, 'dist', 'preload.cjs');

export async function buildPreload(outfile = PRELOAD_BUNDLE): Promise<string> {
  await mkdir(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [path.join(MAIN_DIR, 'preload.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome120',
    external: ['electron'],
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

/** Builds the renderer when it is stale, and the preload always (it takes milliseconds). */
export async function buildDesktop(out: NodeJS.WritableStream = process.stderr): Promise<void> {
  await ensureRendererBuilt({ out });
  await buildPreload();
  out.write(`built ${path.relative(process.cwd(), PRELOAD_BUNDLE)}\n`);
}
