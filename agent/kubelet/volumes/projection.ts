// Which files a configMap or secret volume holds: Kubernetes' MakePayload and the atomic writer's path
// rules, with their messages. Pure.
//
// - No `items`: one file per key (ConfigMap `data` and `binaryData`, Secret `data`), mode `defaultMode`.
// - `items`: only the listed keys, each at its `path`, mode `items[].mode` or `defaultMode`. A listed key the
//   source lacks is an error unless the volume is optional, then it is left out.
// - A missing source is an error (`configmap "x" not found`) unless optional, then the volume is empty.
// - Paths stay inside the volume: relative, no `..` component, no first component starting with `..`
//   (those names are the writer's own: `..data` and the timestamped directories).

import { posix } from 'node:path';
import { type SourceKind, type SourcePayload, sourceNotFound } from '../env/sourceData.ts';

export interface FileProjection {
  data: Uint8Array;
  /** Permission bits, 0 to 0o777. */
  mode: number;
}

/** Files by path relative to the volume. */
export type Projection = Map<string, FileProjection>;

export type ProjectionResult = { ok: true; files: Projection } | { ok: false; message: string };

export interface ProjectedSource {
  items?: Array<{ key: string; path: string; mode?: number | undefined }> | undefined;
  defaultMode?: number | undefined;
  optional?: boolean | undefined;
}

/** Kubernetes' default for configMap and secret volumes (defaults.ts sets it on admission too). */
export const DEFAULT_FILE_MODE = 0o644;
const MAX_PATH_LENGTH = 4096;
const MAX_FILE_NAME_LENGTH = 255;

export function projectSource(
  kind: SourceKind,
  name: string,
  source: ProjectedSource,
  payload: SourcePayload | undefined,
): ProjectionResult {
  const optional = source.optional === true;
  if (payload === undefined) {
    return optional ? { ok: true, files: new Map() } : { ok: false, message: sourceNotFound(kind, name) };
  }
  const defaultMode = source.defaultMode ?? DEFAULT_FILE_MODE;
  const modeError = checkMode(defaultMode, 'defaultMode');
  if (modeError) return { ok: false, message: modeError };

  const files: Projection = new Map();
  if (source.items === undefined || source.items.length === 0) {
    for (const [key, data] of payload.bytes) files.set(key, { data, mode: defaultMode });
  } else {
    for (const item of source.items) {
      const data = payload.bytes.get(item.key);
      if (data === undefined) {
        if (optional) continue;
        const what =
          kind === 'ConfigMap'
            ? 'configmap references non-existent config key'
            : 'references non-existent secret key';
        return { ok: false, message: `${what}: ${item.key}` };
      }
      const mode = item.mode ?? defaultMode;
      const itemModeError = checkMode(mode, `mode of ${item.path}`);
      if (itemModeError) return { ok: false, message: itemModeError };
      files.set(item.path, { data, mode });
    }
  }
  for (const path of files.keys()) {
    const pathError = validatePath(path);
    if (pathError) return { ok: false, message: pathError };
  }
  const conflict = nestingConflict([...files.keys()]);
  if (conflict) return { ok: false, message: conflict };
  return { ok: true, files };
}

/** The atomic writer's validatePath, with Kubernetes' messages. */
export function validatePath(target: string): string | undefined {
  if (target === '') return `invalid path: must not be empty: "${target}"`;
  if (posix.isAbsolute(target)) return `invalid path: must be relative path: ${target}`;
  if (target.length > MAX_PATH_LENGTH) {
    return `invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`;
  }
  const parts = target.split('/');
  for (const part of parts) {
    if (part === '..') return `invalid path: must not contain '..': ${target}`;
    if (part.length > MAX_FILE_NAME_LENGTH) {
      return `invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`;
    }
  }
  if (parts[0]!.startsWith('..') && parts[0]!.length > 2)
    return `invalid path: must not start with '..': ${target}`;
  // Not in Kubernetes' list, which lets the file system fail later; said here so the message is clear.
  if (parts.some((p) => p === '' || p === '.'))
    return `invalid path: must not contain empty or '.' components: ${target}`;
  return undefined;
}

function checkMode(mode: number, what: string): string | undefined {
  if (Number.isInteger(mode) && mode >= 0 && mode <= 0o777) return undefined;
  return `invalid ${what} ${mode}: must be a number between 0 and 0777 (octal), both inclusive`;
}

/** `a` and `a/b` cannot both be files. */
function nestingConflict(paths: string[]): string | undefined {
  const set = new Set(paths);
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (set.has(dir)) return `invalid path: ${dir} is both a file and the directory of ${p}`;
    }
  }
  return undefined;
}
