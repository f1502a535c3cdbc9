// hostPath volumes: the `type` checks of Kubernetes' hostPath plugin (checkTypeInternal), with its messages.
//
// `""` checks nothing (the engine creates a missing directory when it binds it). `DirectoryOrCreate` makes
// the directory (0755, parents too) and `FileOrCreate` an empty file (0644, but not its parent directory,
// as in Kubernetes) when nothing is there. Every other type only checks what is there. The path must be
// absolute: Docker would take a relative bind source for the name of a named volume.

import { promises as fs, constants as fsConstants, type Stats } from 'node:fs';
import { posix } from 'node:path';

/** Kubernetes' HostPathType values; the model admits a subset of them (shared/model/schemas/pod.ts). */
export type HostPathType =
  | ''
  | 'DirectoryOrCreate'
  | 'Directory'
  | 'FileOrCreate'
  | 'File'
  | 'Socket'
  | 'CharDevice'
  | 'BlockDevice';

/** Resolves with an error message, or undefined when the path may be mounted. */
export async function checkHostPath(
  hostPath: string,
  type: HostPathType | undefined,
): Promise<string | undefined> {
  if (!posix.isAbsolute(hostPath)) return `hostPath ${hostPath} must be an absolute path`;
  if (hostPath.split('/').includes('..')) return `hostPath ${hostPath} must not contain '..'`;
  try {
    return await checkType(hostPath, type ?? '');
  } catch (err) {
    return `hostPath ${hostPath}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function checkType(p: string, type: HostPathType): Promise<string | undefined> {
  switch (type) {
    case '':
      return undefined;
    case 'DirectoryOrCreate':
      if ((await statOf(p)) === undefined) await fs.mkdir(p, { recursive: true, mode: 0o755 });
      return (await statOf(p))?.isDirectory() ? undefined : notA(p, 'a directory');
    case 'Directory':
      return (await statOf(p))?.isDirectory() ? undefined : notA(p, 'a directory');
    case 'FileOrCreate':
      if ((await statOf(p)) === undefined) await createEmptyFile(p);
      return (await statOf(p))?.isFile() ? undefined : notA(p, 'a file');
    case 'File':
      return (await statOf(p))?.isFile() ? undefined : notA(p, 'a file');
    case 'Socket':
      return (await statOf(p))?.isSocket() ? undefined : notA(p, 'a socket file');
    case 'CharDevice':
      return (await statOf(p))?.isCharacterDevice() ? undefined : notA(p, 'a character device');
    case 'BlockDevice':
      return (await statOf(p))?.isBlockDevice() ? undefined : notA(p, 'a block device');
    default:
      return `${String(type)} is an invalid volume type`;
  }
}

function notA(p: string, what: string): string {
  return `hostPath type check failed: ${p} is not ${what}`;
}

/** Follows symlinks, as Kubernetes' checks do; undefined when nothing is there. */
async function statOf(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if (
      typeof err === 'object' &&
      err !== null &&
      'code' in err &&
      (err.code === 'ENOENT' || err.code === 'ENOTDIR')
    ) {
      return undefined;
    }
    throw err;
  }
}

/** O_CREAT without O_TRUNC: a file that appeared meanwhile is kept as it is. */
async function createEmptyFile(p: string): Promise<void> {
  const handle = await fs.open(p, fsConstants.O_CREAT | fsConstants.O_RDWR, 0o644);
  await handle.close();
}
