// The pod sandbox image, built by the kubelet itself on the local engine (users may have no registry):
// one generated static `pause` executable imported as an image. Its tag is the executable's content hash,
// so a changed program is a new image and an unchanged one is never rebuilt.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { pauseBinary } from './pauseBinary.ts';
import { tarArchive } from './tarArchive.ts';

export const SANDBOX_REPOSITORY = 'shoal.local/pause';

export function sandboxImageRef(arch: string = process.arch): string {
  const binary = pauseBinary(arch);
  if (!binary) throw new Error(`no pod sandbox program for architecture ${arch} yet`);
  return `${SANDBOX_REPOSITORY}:${createHash('sha256').update(binary).digest('hex').slice(0, 12)}`;
}

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Returns the sandbox image's reference, importing it first when the engine does not have it. */
export async function ensureSandboxImage(docker: Docker, arch: string = process.arch): Promise<string> {
  const ref = sandboxImageRef(arch);
  if (await imageExists(docker, ref)) return ref;
  const binary = pauseBinary(arch)!;
  const archive = tarArchive([{ name: 'pause', data: binary, mode: 0o755 }]);
  const [repo, tag] = ref.split(':') as [string, string];
  const stream = await docker.importImage(Readable.from([archive]), {
    repo,
    tag,
    changes: ['CMD ["/pause"]', 'LABEL io.shoal.role=pod-sandbox'],
  } as Record<string, unknown>);
  // The engine reports the import as a JSON progress stream; it is done when the stream ends.
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream as NodeJS.ReadableStream, (err: Error | null) =>
      err ? reject(err) : resolve(),
    );
  });
  if (!(await imageExists(docker, ref))) throw new Error(`importing the pod sandbox image ${ref} failed`);
  return ref;
}
