// `shoal up`'s cluster on this machine: a private HyperDHT bootstrap on 127.0.0.1 and N agents sharing the
// local Docker engine, each with its own data directory and node name. Everything is under one folder, so
// running `shoal up` again on it resumes the same cluster:
//   <dir>/up.json            the bootstrap port and the agents' names
//   <dir>/agents/<name>/     each agent's data directory
//   <dir>/api.json           a copy of the first agent's, so plain `shoal get …` finds the cluster
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../../shared/files/atomicFile.ts';
import { readClusterConfig, writeClusterConfig } from '../cluster/clusterFiles.ts';
import { initCluster } from '../cluster/initCluster.ts';
import { formatJoinKey } from '../cluster/joinKey.ts';

const upFileSchema = z.strictObject({
  bootstrapPort: z.number().int().min(1).max(65535),
  agents: z.array(z.string().min(1)),
});
export type UpFile = z.infer<typeof upFileSchema>;

export const LOOPBACK = '127.0.0.1';

export const agentDir = (dir: string, name: string) => path.join(dir, 'agents', name);

/**
 * Where the `index`th local agent serves Services to this machine: each its own loopback address
 * (127.0.1.1, 127.0.1.2, …), so agents sharing the host never collide on a port.
 */
export function localServiceAddress(index: number): string {
  return `127.0.1.${index + 1}`;
}

/**
 * The `shoal agent` arguments of the `index`th local agent. The agents share one Docker engine, so only the
 * first serves Services and DNS to the pods on its bridge; the others' pods use it too.
 */
export function localAgentArgs(dir: string, name: string, index: number): string[] {
  return [
    ...['--data-dir', agentDir(dir, name), '--host', LOOPBACK, '--node-name', name],
    ...['--service-address', localServiceAddress(index)],
    ...(index === 0 ? [] : ['--no-pod-services']),
  ];
}

/** `my-laptop-1`: the host name made a valid node name (DNS-1123), numbered. */
export function localNodeName(index: number, hostname = os.hostname()): string {
  const base =
    hostname
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'shoal';
  return `${base}-${index}`;
}

export async function readUpFile(dir: string): Promise<UpFile | undefined> {
  const raw = await readJsonFile(path.join(dir, 'up.json'));
  if (raw === undefined) return undefined;
  const parsed = upFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${path.join(dir, 'up.json')} is malformed; remove ${dir} to start over`);
  return parsed.data;
}

/**
 * Makes sure `count` agent directories exist and belong to one cluster whose bootstrap is 127.0.0.1:port.
 * Returns the agents' names and the join key.
 */
export async function prepareLocalCluster(opts: {
  dir: string;
  count: number;
  bootstrapPort: number;
  logger: Logger;
}): Promise<{ agents: string[]; joinKey: string; created: boolean }> {
  const previous = await readUpFile(opts.dir);
  const agents = [...(previous?.agents ?? [])];
  while (agents.length < opts.count) agents.push(localNodeName(agents.length + 1));
  const bootstrap = [{ host: LOOPBACK, port: opts.bootstrapPort }];
  const first = agentDir(opts.dir, agents[0]!);
  let config = await readClusterConfig(first);
  let created = false;
  if (!config) {
    await initCluster({
      dataDir: first,
      clusterName: 'local',
      bootstrap,
      nodeName: agents[0],
      logger: opts.logger,
    });
    config = (await readClusterConfig(first))!;
    created = true;
  }
  for (const name of agents.slice(1)) {
    const dir = agentDir(opts.dir, name);
    if (!(await readClusterConfig(dir))) {
      await fs.mkdir(dir, { recursive: true });
      await writeClusterConfig(dir, {
        name: config.name,
        swarmKey: config.swarmKey,
        bootstrap: config.bootstrap,
      });
    }
  }
  await writeFileAtomic(
    path.join(opts.dir, 'up.json'),
    `${JSON.stringify({ bootstrapPort: opts.bootstrapPort, agents }, null, 2)}\n`,
  );
  return { agents: agents.slice(0, Math.max(opts.count, 1)), joinKey: formatJoinKey(config), created };
}
