// Making a volumeMount's `subPath` safe to bind, as the kubelet's SafeMakeDir does.
//
// The engine resolves symlinks on the host when it binds a path. A container that can write to a volume (an
// emptyDir) could otherwise plant `evil -> /etc` and have a second mount with `subPath: evil` bind the
// host's /etc (CVE-2017-1002101). So each component of the subPath is walked from the volume's real path:
// an existing one must resolve inside the volume, a missing one is created (with the volume's own mode, as
// Kubernetes does, so a 0777 emptyDir gives a subdirectory any container user can write).
//
// Gap, said plainly: the kubelet closes the window between this check and the bind by binding an open file
// descriptor; Docker's API takes a path, so a container racing to swap a checked directory for a symlink in
// that window is not prevented.

import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Resolves with an error message (Kubernetes' wording), or undefined when `<volumePath>/<subPath>` is safe. */
export async function prepareSubPath(volumePath: string, subPath: string): Promise<string | undefined> {
  const normal = path.posix.normalize(subPath);
  if (path.posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
    return `subPath ${subPath} must be a relative path that stays inside the volume`;
  }
  const base = await fs.realpath(volumePath);
  const mode = (await fs.stat(base)).mode & 0o7777;
  let current = base;
  for (const part of normal.split('/')) {
    if (part === '' || part === '.') continue;
    const next = path.join(current, part);
    let real: string;
    try {
      real = await fs.realpath(next);
    } catch (err) {
      if (!isMissing(err)) throw err;
      // realpath fails on a dangling symlink too: only a truly absent name is created.
      if ((await lstatOrUndefined(next)) !== undefined) {
        return `subpath "${path.join(volumePath, normal)}" not within volume path "${volumePath}"`;
      }
      await fs.mkdir(next, { mode });
      await fs.chmod(next, mode); // The umask would cut it down.
      real = next;
    }
    if (real !== base && !real.startsWith(base + path.sep)) {
      return `subpath "${path.join(volumePath, normal)}" not within volume path "${volumePath}"`;
    }
    current = real;
  }
  return undefined;
}

async function lstatOrUndefined(p: string) {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

function isMissing(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
