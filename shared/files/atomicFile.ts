// Replacing a file whole, crash-safely: write a temporary file, fsync it, rename it over the target, fsync
// the directory. A crash (kill -9 or power loss) at any moment leaves the old file or the new one, never a
// torn one; once the promise resolves the new content survives power loss. Every small state file of Shoal
// (cluster.json, identity.json, election.json, api.json) and every document chunk is written this way.
import { randomUUID } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode from the first byte (e.g. 0o600 for secrets). */
  mode?: number;
  /** Where the temporary file goes (same file system as the target); default: next to the target. */
  tmpDir?: string;
}

/** Makes a rename durable: without it a power loss can undo the rename after the write resolved. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(opts.tmpDir ?? dir, `${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = await fs.open(tmp, 'w', opts.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask can only narrow the mode given to open(); set it exactly.
    if (opts.mode !== undefined) await fs.chmod(tmp, opts.mode);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** A process killed between writing and renaming leaves `<file>.<uuid>.tmp` behind; nothing else reads it. */
export async function removeLeftoverTemporaryFiles(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return; // no directory yet: nothing to clean
  }
  const leftovers = names.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
  await Promise.all(leftovers.map((name) => fs.rm(path.join(dir, name), { force: true })));
}

/** The parsed JSON of a file, or undefined when it does not exist; a clear error when it is not JSON. */
export async function readJsonFile(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix or remove it`);
  }
}
