// Where an agent keeps its state (keys, document, api.json), and so where the CLI looks for its agent: the
// `--data-dir` flag, else SHOAL_DATA_DIR, else the per-user default of the platform. `shoal init`, `agent`
// and `up` resolve it the same way, so plain `shoal get` finds the agent `shoal up` started.
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import type { Command } from 'commander';

export const DATA_DIR_ENV = 'SHOAL_DATA_DIR';

export type DataDirSource = 'flag' | 'env' | 'default';

export interface ResolvedDataDir {
  /** Absolute path. */
  dir: string;
  source: DataDirSource;
}

export interface PlatformInfo {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The per-user default: `$XDG_DATA_HOME/shoal` or `~/.local/share/shoal` on Linux and other Unixes,
 * `~/Library/Application Support/Shoal` on macOS, `%APPDATA%\Shoal` on Windows.
 */
export function defaultDataDir(info: PlatformInfo = {}): string {
  const env = info.env ?? process.env;
  const platform = info.platform ?? process.platform;
  const home = info.home ?? homedir();
  if (platform === 'win32') {
    const appData = env.APPDATA || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Shoal');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Shoal');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share');
  return posix.join(base, 'shoal');
}

/** The data directory to use, and which source chose it. */
export function resolveDataDir(flag: string | undefined, info: PlatformInfo = {}): ResolvedDataDir {
  const env = info.env ?? process.env;
  const path = (info.platform ?? process.platform) === 'win32' ? win32 : posix;
  if (flag !== undefined && flag !== '') return { dir: path.resolve(flag), source: 'flag' };
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { dir: path.resolve(fromEnv), source: 'env' };
  return { dir: defaultDataDir(info), source: 'default' };
}

/** `from --data-dir`, `from SHOAL_DATA_DIR`, `the per-user default`: for messages. */
export function describeDataDirSource(source: DataDirSource): string {
  switch (source) {
    case 'flag':
      return 'given with --data-dir';
    case 'env':
      return `from ${DATA_DIR_ENV}`;
    case 'default':
      return `the per-user default; choose another with --data-dir or ${DATA_DIR_ENV}`;
  }
}

/** The help text of `--data-dir`, for every command that talks to an agent or keeps state. */
export const DATA_DIR_HELP = `the agent's data directory (default: $${DATA_DIR_ENV}, else the per-user directory)`;

/**
 * `--data-dir` as a command sees it: its own option (`shoal get pods --data-dir D`), else the program's
 * (`shoal --data-dir D get pods`). Pass the result to resolveDataDir.
 */
export function dataDirOption(cmd: Command): string | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const dir = (c.opts() as { dataDir?: unknown }).dataDir;
    if (typeof dir === 'string') return dir;
  }
  return undefined;
}
