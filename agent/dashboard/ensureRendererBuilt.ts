// The dashboard serves the built renderer (renderer/dist). Running from a source checkout, the build may be
// missing or older than the sources; it is then rebuilt with vite's JS API before the server starts (a few
// seconds), so `shoal dashboard` and `shoal up` always serve the UI the code describes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RENDERER_DIR = fileURLToPath(new URL('../../renderer', import.meta.url));
export const DEFAULT_DIST_DIR = path.join(RENDERER_DIR, 'dist');
/** The browser code bundles the shared model too: a change there makes the build stale as well. */
const SHARED_DIR = fileURLToPath(new URL('../../shared', import.meta.url));

async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time of any file under `dir` (0 when there is none). */
export async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, (await mtimeOf(full)) ?? 0);
  }
  return newest;
}

/** Whether renderer/dist must be (re)built: no index.html, or a source newer than it. */
export async function rendererBuildIsStale(rendererDir = RENDERER_DIR): Promise<boolean> {
  const built = await mtimeOf(path.join(rendererDir, 'dist', 'index.html'));
  if (built === undefined) return true;
  const sources = Math.max(
    await newestMtime(path.join(rendererDir, 'src')),
    (await mtimeOf(path.join(rendererDir, 'index.html'))) ?? 0,
    (await mtimeOf(path.join(rendererDir, 'vite.config.ts'))) ?? 0,
    rendererDir === RENDERER_DIR ? await newestMtime(SHARED_DIR) : 0,
  );
  return sources > built;
}

/**
 * Builds renderer/dist when it is stale and returns its path. Throws with a message that says what to do
 * when there is nothing to build from, or the build fails.
 */
export async function ensureRendererBuilt(opts: {
  out: NodeJS.WritableStream;
  rendererDir?: string;
}): Promise<string> {
  const rendererDir = opts.rendererDir ?? RENDERER_DIR;
  const dist = path.join(rendererDir, 'dist');
  if (!(await rendererBuildIsStale(rendererDir))) return dist;
  const configFile = path.join(rendererDir, 'vite.config.ts');
  if ((await mtimeOf(configFile)) === undefined) {
    if ((await mtimeOf(path.join(dist, 'index.html'))) !== undefined) return dist; // an installed build
    throw new Error(`the dashboard is not built and cannot be: ${configFile} is missing`);
  }
  opts.out.write('building the dashboard…\n');
  const started = Date.now();
  // Imported only here: vite is a build tool, loaded when there is something to build.
  const { build } = await import('vite');
  try {
    await build({ configFile, logLevel: 'warn', clearScreen: false });
  } catch (err) {
    throw new Error(
      `building the dashboard failed: ${(err as Error).message}\n` +
        `  (build it by hand with \`npx vite build --config ${path.relative(process.cwd(), configFile)}\` to see why)`,
    );
  }
  if ((await mtimeOf(path.join(dist, 'index.html'))) === undefined) {
    throw new Error(`building the dashboard produced no ${path.join(dist, 'index.html')}`);
  }
  opts.out.write(`built the dashboard in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return dist;
}
