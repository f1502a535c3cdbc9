// `<dataDir>/api.json`: where the local API listens and the token it requires, written by the agent and read
// by the CLI (the way kubectl reads a kubeconfig). Mode 0600: the token is the only thing guarding the API.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../shared/files/atomicFile.ts';

export const API_INFO_FILE = 'api.json';

export interface ApiInfo {
  /** `http://127.0.0.1:PORT`, with no trailing slash. */
  url: string;
  token: string;
  /** The agent's process id, so a client can tell a dead agent from a busy one. */
  pid?: number;
}

const apiInfoSchema = z.object({
  url: z.string().regex(/^https?:\/\/[^/]+$/, 'must be an http URL with no path, e.g. http://127.0.0.1:7443'),
  token: z.string().min(1),
  pid: z.number().int().positive().optional(),
});

export function apiInfoPath(dataDir: string): string {
  return join(dataDir, API_INFO_FILE);
}

/** A fresh bearer token: 32 random bytes, base64url (safe in headers, URLs and WebSocket subprotocols). */
export function generateApiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes api.json atomically (temporary file, then rename) with mode 0600; creates the directory (0700). */
export async function writeApiInfo(dataDir: string, info: ApiInfo): Promise<string> {
  const parsed = apiInfoSchema.parse(info);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = apiInfoPath(dataDir);
  await writeFileAtomic(path, `${JSON.stringify(parsed, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export class ApiInfoError extends Error {
  override readonly name = 'ApiInfoError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API info in `dataDir`, or undefined when there is no api.json. ApiInfoError when it is unreadable. */
export async function readApiInfo(dataDir: string): Promise<ApiInfo | undefined> {
  const path = apiInfoPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ApiInfoError(path, `cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ApiInfoError(path, `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = apiInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ApiInfoError(path, `${path} is not a valid API file: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Removes api.json on a clean shutdown; with `pid`, only when the file still names that process. */
export async function removeApiInfo(dataDir: string, pid?: number): Promise<void> {
  if (pid !== undefined) {
    const current = await readApiInfo(dataDir).catch(() => undefined);
    if (current?.pid !== pid) return;
  }
  await unlink(apiInfoPath(dataDir)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
