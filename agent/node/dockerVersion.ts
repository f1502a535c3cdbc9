// The local Docker engine's version for the Node's CONTAINER-RUNTIME, asked once with a short timeout:
// an agent with no engine still joins (it just cannot run pods until one appears).
import Docker from 'dockerode';

export async function dockerVersion(timeoutMs = 2000): Promise<string | undefined> {
  const docker = new Docker({ timeout: timeoutMs });
  try {
    const v = await docker.version();
    return v.Version;
  } catch {
    return undefined;
  }
}
