// `npm start` where Electron could not be installed (our build machines): the launcher says why and what to
// use instead, and exits 1, before building anything. Run as a child process, resolving Electron from a
// folder where it is absent, or present with its binary never downloaded.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../scripts/launch-electron.mjs', import.meta.url));
const MESSAGE =
  'The Electron binary is not installed (npm could not download it): install it with `npm install electron` ' +
  'on a machine that can reach GitHub; meanwhile use `npx shoal dashboard` for the same UI in a browser.\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-launch-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function launch() {
  return spawnSync(process.execPath, [LAUNCHER], {
    cwd: dir,
    env: { ...process.env, SHOAL_ELECTRON_FROM: dir, NODE_PATH: '' },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('npm start without Electron', () => {
  it('explains, points to the browser dashboard and exits 1 when the package is absent', () => {
    const run = launch();
    expect(run.stderr).toBe(MESSAGE);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
  });

  it('says the same when the package is there but its binary was never downloaded', async () => {
    // What npm leaves when electron's postinstall fails: the package, whose index throws without path.txt.
    const pkg = path.join(dir, 'node_modules', 'electron');
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
    await writeFile(
      path.join(pkg, 'index.js'),
      "throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again');\n",
    );
    const run = launch();
    expect(run.stderr).toBe(MESSAGE);
    expect(run.status).toBe(1);
  });

  it('says the same when the package names a binary that is not on disk', async () => {
    const pkg = path.join(dir, 'node_modules', 'electron');
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
    await writeFile(
      path.join(pkg, 'index.js'),
      `module.exports = ${JSON.stringify(path.join(pkg, 'dist', 'electron'))};\n`,
    );
    const run = launch();
    expect(run.stderr).toBe(MESSAGE);
    expect(run.status).toBe(1);
  });
});
