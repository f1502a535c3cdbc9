// Where an agent keeps its in-memory volumes (emptyDir `medium: Memory`, secrets): a directory on the
// machine's /dev/shm tmpfs, when there is one. Several agents may share a machine (`shoal up`), so the name
// is derived from the agent's data directory.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Linux's TMPFS_MAGIC, the file system type statfs reports for a tmpfs. */
const TMPFS_MAGIC = 0x01021994;

export async function isOnTmpfs(dir: string): Promise<boolean> {
  try {
    return (await fs.statfs(dir)).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/** `/dev/shm/shoal-<hash of dataDir>` when /dev/shm is a tmpfs; undefined otherwise (volumes stay on disk). */
export async function defaultMemoryRoot(dataDir: string, shm = '/dev/shm'): Promise<string | undefined> {
  if (!(await isOnTmpfs(shm))) return undefined;
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(shm, `shoal-${id}`);
}
