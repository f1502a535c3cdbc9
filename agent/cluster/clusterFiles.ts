// A peer's data directory:
//   cluster.json    which cluster this is: name, swarm key, bootstrap (0600: it holds the key)
//   identity.json   this peer's key-pair seed and node name (0600)
//   election.json   persisted term and vote (agent/election)
//   automerge/      the cluster document (shared/store)
//   api.json        where the local API listens, and its token (agent/api)
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import HyperDHT, { type KeyPair } from 'hyperdht';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../../shared/files/atomicFile.ts';
import { formatHostPort, type HostPort, parseHostPort } from '../../shared/swarm/hostPort.ts';
import { decodeSwarmKey, encodeSwarmKey } from '../../shared/swarm/swarmKey.ts';

export interface ClusterConfig {
  name: string;
  swarmKey: Buffer;
  /** Empty: the public HyperDHT. */
  bootstrap: HostPort[];
}

export interface Identity {
  keyPair: KeyPair;
  nodeName: string;
}

const clusterFileSchema = z.strictObject({
  /** Empty until a joining peer has read the name from the cluster document. */
  name: z.string(),
  swarmKey: z.string(),
  bootstrap: z.array(z.string()),
});

const identityFileSchema = z.strictObject({
  seed: z.string().regex(/^[0-9a-f]{64}$/),
  nodeName: z.string().min(1),
});

export const clusterFile = (dataDir: string) => path.join(dataDir, 'cluster.json');
export const identityFile = (dataDir: string) => path.join(dataDir, 'identity.json');
export const electionFile = (dataDir: string) => path.join(dataDir, 'election.json');

export async function readClusterConfig(dataDir: string): Promise<ClusterConfig | undefined> {
  const file = clusterFile(dataDir);
  const raw = await readJsonFile(file);
  if (raw === undefined) return undefined;
  const parsed = clusterFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${file} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return {
    name: parsed.data.name,
    swarmKey: decodeSwarmKey(parsed.data.swarmKey),
    bootstrap: parsed.data.bootstrap.map(parseHostPort),
  };
}

export async function writeClusterConfig(dataDir: string, config: ClusterConfig): Promise<void> {
  const body = {
    name: config.name,
    swarmKey: encodeSwarmKey(config.swarmKey),
    bootstrap: config.bootstrap.map(formatHostPort),
  };
  await writeFileAtomic(clusterFile(dataDir), `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
}

/** Reads this peer's identity, creating it on first use; a new node name is only used then. */
export async function loadOrCreateIdentity(dataDir: string, nodeName: string): Promise<Identity> {
  const file = identityFile(dataDir);
  const raw = await readJsonFile(file);
  if (raw !== undefined) {
    const parsed = identityFileSchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(`${file} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return {
      keyPair: HyperDHT.keyPair(Buffer.from(parsed.data.seed, 'hex')),
      nodeName: parsed.data.nodeName,
    };
  }
  const seed = randomBytes(32);
  await writeFileAtomic(file, `${JSON.stringify({ seed: seed.toString('hex'), nodeName }, null, 2)}\n`, {
    mode: 0o600,
  });
  return { keyPair: HyperDHT.keyPair(seed), nodeName };
}
