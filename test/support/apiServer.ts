// An agent's local API in the test process: a MemoryClusterStore behind startApiServer, and a temporary data
// directory whose api.json points at it, so a spawned `shoal` (SHOAL_DATA_DIR) talks to it like to an agent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { generateApiToken, writeApiInfo } from '../../agent/api/apiInfo.ts';
import type { ClusterStatus } from '../../agent/api/clusterStatus.ts';
import { type ApiServer, startApiServer } from '../../agent/api/server.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

export const TEST_CLUSTER_STATUS: ClusterStatus = {
  clusterName: 'testlab',
  node: { name: 'node-a', id: 'a1b2c3d4e5f6a7b8c9d0' },
  leader: { name: 'node-b', id: 'b2c3d4e5f6a7b8c9d0e1' },
  term: 7,
  members: [
    { name: 'node-a', id: 'a1b2c3d4e5f6a7b8c9d0', voter: true, ready: true, addresses: ['10.0.0.1'] },
    { name: 'node-b', id: 'b2c3d4e5f6a7b8c9d0e1', voter: true, ready: true, addresses: ['10.0.0.2'] },
    { name: 'node-c', id: 'c3d4e5f6a7b8c9d0e1f2', voter: false, ready: 'Unknown' },
  ],
};

export interface TestApi {
  readonly store: MemoryClusterStore;
  readonly server: ApiServer;
  readonly url: string;
  readonly token: string;
  /** Holds api.json. */
  readonly dataDir: string;
  /** What the server answers on /shoal/v1/status; tests may change it. */
  status: ClusterStatus;
  /** A request with the token (or `token` given, or none with `token: null`); JSON in and out. */
  request(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestApi(opts: { store?: MemoryClusterStore } = {}): Promise<TestApi> {
  const store = opts.store ?? new MemoryClusterStore();
  const token = generateApiToken();
  const dataDir = await mkdtemp(join(tmpdir(), 'shoal-api-'));
  const api: { status: ClusterStatus } = { status: structuredClone(TEST_CLUSTER_STATUS) };
  const server = await startApiServer({
    store,
    token,
    logger: pino({ level: 'silent' }),
    status: () => api.status,
  });
  await writeApiInfo(dataDir, { url: server.url, token, pid: process.pid });
  return {
    store,
    server,
    url: server.url,
    token,
    dataDir,
    get status() {
      return api.status;
    },
    set status(s: ClusterStatus) {
      api.status = s;
    },
    async request(method, path, body, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const t = o.token === undefined ? token : o.token;
      if (t !== null) headers.Authorization = `Bearer ${t}`;
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['Content-Type'] ??= 'application/json';
      }
      const res = await fetch(server.url + path, { method, headers, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await server.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
