// The local Docker engine's version for the Node's CONTAINER-RUNTIME, asked once with a short timeout: an
// agent with no engine still joins (it just cannot run pods until one appears). A plain request on the
// engine's socket: loading dockerode (with grpc, protobuf and ssh2) for this one call cost ~15 MB of RSS.
import { request } from 'node:http';

export function dockerSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

export function dockerVersion(timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath: dockerSocketPath(), path: '/version', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        try {
          const version = (JSON.parse(body) as { Version?: unknown }).Version;
          resolve(typeof version === 'string' ? version : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
