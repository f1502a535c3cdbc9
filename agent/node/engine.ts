// The little of the container engine that Node status needs. A dockerode instance satisfies it: the agent
// passes the one its kubelet already holds instead of opening a client per refresh. Answers are validated
// (an engine of another version may answer other shapes) and every call is bounded: a hung engine must not
// pile up refreshes that never finish.
import { z } from 'zod';

export interface NodeEngine {
  info(): Promise<unknown>;
  listImages(options?: { all?: boolean; digests?: boolean }): Promise<unknown>;
}

export const ENGINE_TIMEOUT_MS = 5000;

export interface EngineInfo {
  /** The engine's version, as in `docker://<version>`. */
  version?: string;
  /** Where the engine keeps images and containers (`docker info` DockerRootDir): the node file system. */
  rootDir?: string;
}

const infoSchema = z.object({
  ServerVersion: z.string().min(1).optional(),
  DockerRootDir: z.string().startsWith('/').optional(),
});

/** Rejects after `ms` with an error naming what did not answer. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = ENGINE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Names the first invalid field of an engine answer. */
export function describeEngineIssue(what: string, error: z.ZodError): Error {
  const issue = error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '(root)';
  return new Error(`${what}: ${path}: ${issue?.message ?? 'invalid'}`);
}

export async function readEngineInfo(engine: NodeEngine, timeoutMs?: number): Promise<EngineInfo> {
  const parsed = infoSchema.safeParse(await withTimeout(engine.info(), 'docker info', timeoutMs));
  if (!parsed.success) throw describeEngineIssue('unexpected answer from docker info', parsed.error);
  return { version: parsed.data.ServerVersion, rootDir: parsed.data.DockerRootDir };
}
