// Live usage between two automerge-repo peers: each samples its (fake) host and shares the samples as
// ephemeral messages; agent A's local API serves the history on GET /shoal/v1/usage and pushes new samples of
// both nodes over a WebSocket on the same path, behind the bearer token.
import * as A from '@automerge/automerge';
import {
  type DocumentId,
  interpretAsDocumentId,
  Repo,
  stringifyAutomergeUrl,
} from '@automerge/automerge-repo';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateApiToken } from '../../agent/api/apiInfo.ts';
import { bearerProtocol } from '../../agent/api/auth.ts';
import { type ApiServer, startApiServer } from '../../agent/api/server.ts';
import { UsageMonitor } from '../../agent/usage/UsageMonitor.ts';
import { USAGE_PATH, usageApi } from '../../agent/usage/usageApi.ts';
import type { UsageSample } from '../../agent/usage/usageSample.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';
import { SwarmNetworkAdapter } from '../../shared/sync/SwarmNetworkAdapter.ts';
import { waitForDocument } from '../../shared/sync/waitForDocument.ts';
import { TEST_CLUSTER_STATUS } from '../support/apiServer.ts';

type Doc = { items: Record<string, string> };
const DOC_ID: DocumentId = interpretAsDocumentId(stringifyAutomergeUrl(new Uint8Array(16).fill(7) as never));
const logger = pino({ level: 'silent' });
const token = generateApiToken();
const store = new MemoryClusterStore();
let repos: Repo[] = [];
let monitors: UsageMonitor<Doc>[] = [];
let api: ApiServer;

beforeAll(async () => {
  const adapters = [new SwarmNetworkAdapter(() => {}), new SwarmNetworkAdapter(() => {})];
  repos = adapters.map((adapter) => new Repo({ network: [adapter], sharePolicy: async () => true }));
  const ends: { receive: (d: Uint8Array) => void }[] = [];
  const deliver = (to: number) => (data: Uint8Array) => setImmediate(() => ends[to]?.receive(data));
  ends[0] = adapters[0]!.attach({ remoteId: 'b', send: deliver(1) });
  ends[1] = adapters[1]!.attach({ remoteId: 'a', send: deliver(0) });
  const ha = repos[0]!.import<Doc>(A.save(A.from<Doc>({ items: {} })), { docId: DOC_ID });
  const hb = await waitForDocument<Doc>(repos[1]!, DOC_ID, { retryMs: 20 });
  let tick = 0;
  const reader = (cores: number) => ({ read: async () => ({ cpuCores: cores, memoryBytes: 1000 + tick++ }) });
  monitors = [
    new UsageMonitor<Doc>({ handle: ha, node: 'node-a', logger, intervalMs: 100, reader: reader(0.25) }),
    new UsageMonitor<Doc>({ handle: hb, node: 'node-b', logger, intervalMs: 100, reader: reader(3) }),
  ];
  for (const m of monitors) m.start();
  api = await startApiServer({
    store,
    token,
    logger,
    status: () => TEST_CLUSTER_STATUS,
    extensions: [usageApi({ usage: monitors[0]!, logger })],
  });
});

afterAll(async () => {
  await api?.close();
  for (const m of monitors) m.stop();
  for (const r of repos) await r.shutdown();
  await store.close();
});

function nodesOf(samples: UsageSample[]): string[] {
  return [...new Set(samples.map((s) => s.node))].sort();
}

it('pushes the history, then new samples of every node, over a WebSocket', async () => {
  // Let some history build up first, from both nodes.
  const deadline = Date.now() + 10_000;
  while (nodesOf(monitors[0]!.samples()).length < 2) {
    if (Date.now() > deadline) throw new Error('node-b’s samples never reached node-a');
    await new Promise((r) => setTimeout(r, 50));
  }
  const ws = new WebSocket(`${api.url.replace('http', 'ws')}${USAGE_PATH}`, [bearerProtocol(token)]);
  const messages: { samples: UsageSample[] }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  expect(ws.protocol).toBe(bearerProtocol(token)); // echoed, so a browser accepts the handshake
  const live = new Set<string>();
  while (live.size < 2) {
    if (Date.now() > deadline) throw new Error(`live samples: ${JSON.stringify(messages.slice(1))}`);
    await new Promise((r) => setTimeout(r, 50));
    for (const m of messages.slice(1)) for (const s of m.samples) live.add(s.node);
  }
  ws.close();
  const [history, ...rest] = messages;
  expect(nodesOf(history?.samples ?? [])).toEqual(['node-a', 'node-b']);
  expect(rest.every((m) => m.samples.length === 1)).toBe(true);
  const b = rest.flatMap((m) => m.samples).find((s) => s.node === 'node-b');
  expect(b).toMatchObject({ cpuCores: 3, memoryBytes: expect.any(Number), at: expect.any(Number) });
});

it('answers GET with the samples, refuses writes and requests without the token', async () => {
  const get = await fetch(api.url + USAGE_PATH, { headers: { Authorization: `Bearer ${token}` } });
  expect(get.status).toBe(200);
  const body = (await get.json()) as { samples: UsageSample[] };
  expect(nodesOf(body.samples)).toEqual(['node-a', 'node-b']);
  const post = await fetch(api.url + USAGE_PATH, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(post.status).toBe(405);
  expect((await fetch(api.url + USAGE_PATH)).status).toBe(401);
  const refused = new WebSocket(`${api.url.replace('http', 'ws')}${USAGE_PATH}`);
  const code = await new Promise<number | undefined>((resolve) => {
    refused.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    refused.once('open', () => resolve(undefined));
    refused.once('error', () => {});
  });
  expect(code).toBe(401);
});
