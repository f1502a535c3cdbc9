// `shoal bootstrap`'s node on loopback: members that list it find each other, and a taken port is a
// clear error.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type BootstrapNode, startBootstrapNode } from '../../shared/swarm/bootstrapNode.ts';
import { SwarmNode } from '../../shared/swarm/SwarmNode.ts';
import { generateSwarmKey } from '../../shared/swarm/swarmKey.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bootstrap(): Promise<BootstrapNode> {
  const node = await startBootstrapNode({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => node.close());
  return node;
}

describe('startBootstrapNode', () => {
  it('lets members that list it find each other', async () => {
    const boot = await bootstrap();
    expect(boot.port).toBeGreaterThan(0);
    const key = generateSwarmKey();
    const nodes = [0, 1].map(() => {
      const node = new SwarmNode({
        swarmKey: key,
        bootstrap: [{ host: boot.host, port: boot.port }],
        host: '127.0.0.1',
        logger: pino({ level: 'silent' }),
      });
      cleanups.push(() => node.destroy());
      return node;
    });
    const opened = Promise.all(nodes.map((n) => new Promise((resolve) => n.once('peer-open', resolve))));
    for (const node of nodes) await node.start();
    await opened;
    expect(nodes[0]?.peers()[0]?.publicKey.equals(nodes[1]?.publicKey ?? Buffer.alloc(0))).toBe(true);
  });

  it('names the address when the port is taken', async () => {
    const boot = await bootstrap();
    await expect(startBootstrapNode({ host: '127.0.0.1', port: boot.port })).rejects.toThrow(
      `cannot start the bootstrap node on 127.0.0.1:${boot.port}`,
    );
  });

  it('refuses a host peers cannot reach', async () => {
    await expect(startBootstrapNode({ host: '0.0.0.0', port: 49737 })).rejects.toThrow(/members reach it at/);
  });
});
