// Writing a configMap or secret volume the way the kubelet's AtomicWriter does, so a container never sees
// half-updated contents and updates reach running containers:
//
//   <dir>/..2026_12_01_21_30_00.Ab3xYz/   the payload, written whole before anyone can see it
//   <dir>/..data -> ..2026_12_01_21_30_00.Ab3xYz   swapped with one rename (atomic)
//   <dir>/app.conf -> ..data/app.conf              what the container reads (top-level names only)
//
// The volume directory is bind-mounted once; an update writes a new timestamped directory, then renames a
// fresh `..data_tmp` symlink over `..data`, so a reader resolving `app.conf` gets the old file or the new
// one, never a mix. All links are relative: they must resolve inside the container, where the volume sits
// at another path.
//
// Called on every pod sync, so an unchanged payload costs one hash and one readlink: the writer remembers
// what it last wrote in each directory (and, after an agent restart, compares with what is on disk once).

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Projection } from './projection.ts';

const DATA_LINK = '..data';
const DATA_TMP_LINK = '..data_tmp';
const DIR_MODE = 0o755;

export class AtomicWriter {
  /** Per volume directory: the fingerprint of the payload and the data directory holding it. */
  readonly #written = new Map<string, { fingerprint: string; dataDir: string }>();

  /** Makes `dir` hold exactly `files`. Returns whether anything was written. */
  async write(dir: string, files: Projection): Promise<boolean> {
    const fingerprint = fingerprintOf(files);
    const current = await readLink(path.join(dir, DATA_LINK));
    const known = this.#written.get(dir);
    if (current !== undefined && known?.fingerprint === fingerprint && known.dataDir === current)
      return false;

    if (current !== undefined && known === undefined && (await holds(path.join(dir, current), files))) {
      // First sight of this directory since the agent started: it already holds the payload.
      await ensureVisibleLinks(dir, files);
      this.#written.set(dir, { fingerprint, dataDir: current });
      return false;
    }

    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    const dataDir = await fs.mkdtemp(path.join(dir, `..${timestamp(new Date())}.`));
    await fs.chmod(dataDir, DIR_MODE);
    for (const [rel, file] of files) {
      const target = path.join(dataDir, rel);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: DIR_MODE });
      await fs.writeFile(target, file.data, { mode: file.mode });
      await fs.chmod(target, file.mode); // The umask may have cut the mode down.
    }
    await ensureVisibleLinks(dir, files);

    const tmpLink = path.join(dir, DATA_TMP_LINK);
    await fs.rm(tmpLink, { force: true }); // Left by a crash between symlink and rename.
    await fs.symlink(path.basename(dataDir), tmpLink);
    await fs.rename(tmpLink, path.join(dir, DATA_LINK));

    await removeStale(dir, files, path.basename(dataDir));
    this.#written.set(dir, { fingerprint, dataDir: path.basename(dataDir) });
    return true;
  }

  /** Forgets what was written under `root` (its directories are being removed). */
  forget(root: string): void {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    for (const dir of this.#written.keys())
      if (dir === root || dir.startsWith(prefix)) this.#written.delete(dir);
  }
}

function fingerprintOf(files: Projection): string {
  const hash = createHash('sha256');
  for (const rel of [...files.keys()].sort()) {
    const file = files.get(rel)!;
    hash.update(`${rel}\0${file.mode}\0${file.data.length}\0`);
    hash.update(file.data);
  }
  return hash.digest('hex');
}

/** Kubernetes' name for a data directory: `..2006_01_02_15_04_05.` plus a random suffix. */
function timestamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_` +
    `${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}`
  );
}

async function readLink(link: string): Promise<string | undefined> {
  try {
    return await fs.readlink(link);
  } catch (err) {
    if (isCode(err, 'ENOENT') || isCode(err, 'EINVAL')) return undefined;
    throw err;
  }
}

/** Whether `dataDir` holds exactly these files, with these modes and contents. */
async function holds(dataDir: string, files: Projection): Promise<boolean> {
  let found: string[];
  try {
    found = await listFiles(dataDir, '');
  } catch (err) {
    if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return false;
    throw err;
  }
  if (found.length !== files.size) return false;
  for (const rel of found) {
    const want = files.get(rel);
    if (want === undefined) return false;
    const full = path.join(dataDir, rel);
    const stat = await fs.lstat(full);
    if ((stat.mode & 0o777) !== want.mode || stat.size !== want.data.length) return false;
    if (!Buffer.from(want.data).equals(await fs.readFile(full))) return false;
  }
  return true;
}

async function listFiles(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}

function topLevelNames(files: Projection): Set<string> {
  return new Set([...files.keys()].map((rel) => rel.split('/')[0]!));
}

/** `name -> ..data/name` for each top-level name; existing links already have that form. */
async function ensureVisibleLinks(dir: string, files: Projection): Promise<void> {
  for (const name of topLevelNames(files)) {
    const link = path.join(dir, name);
    if ((await readLink(link)) === `${DATA_LINK}/${name}`) continue;
    await fs.rm(link, { recursive: true, force: true });
    await fs.symlink(`${DATA_LINK}/${name}`, link);
  }
}

/** Names no longer in the payload, and data directories other than the current one. */
async function removeStale(dir: string, files: Projection, currentDataDir: string): Promise<void> {
  const visible = topLevelNames(files);
  for (const name of await fs.readdir(dir)) {
    if (name === DATA_LINK || name === currentDataDir) continue;
    if (name.startsWith('..') || !visible.has(name))
      await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === code;
}
