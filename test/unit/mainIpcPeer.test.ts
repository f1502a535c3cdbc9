// The desktop app's embedded peer and onboarding, with a fake agent in place of the real one: settings.json,
// when the peer starts and restarts, where IPC finds its API, and the onboarding API served in-process.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentOptions } from '../../agent/Agent.ts';
import { writeApiInfo } from '../../agent/api/apiInfo.ts';
import type { ClusterStatus } from '../../agent/api/clusterStatus.ts';
import { createDashboardApi } from '../../agent/dashboard/dashboardApi.ts';
import { DesktopClusterActions } from '../../main/DesktopClusterActions.ts';
import { EmbeddedPeer, type PeerAgent } from '../../main/EmbeddedPeer.ts';
import { SettingsFile } from '../../main/settings.ts';

const logger = pino({ level: 'silent' });
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shoal-desktop-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Agents that record how they were made and write an api.json like the real one. */
function fakeAgents(opts: { startDelayMs?: number; failWith?: string } = {}) {
  const made: Array<{ options: AgentOptions; stopped: boolean }> = [];
  let port = 40000;
  const createAgent = (options: AgentOptions): PeerAgent => {
    const record = { options, stopped: false };
    made.push(record);
    let url: string | undefined;
    let abort: () => void = () => {};
    return {
      get apiUrl() {
        return url;
      },
      async start() {
        if (opts.startDelayMs)
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, opts.startDelayMs);
            abort = () => {
              clearTimeout(t);
              reject(new Error('aborted'));
            };
          });
        if (opts.failWith) throw new Error(opts.failWith);
        url = `http://127.0.0.1:${++port}`;
        await writeApiInfo(options.dataDir, { url, token: `token-${port}` });
      },
      async stop() {
        record.stopped = true;
        abort();
      },
      status: () =>
        ({ clusterName: 'lab', members: [], term: 1, node: { name: 'me', id: 'x' } }) as ClusterStatus,
    };
  };
  return { made, createAgent };
}

describe('settings.json', () => {
  it('defaults to no workloads, persists changes and tells listeners', async () => {
    const settings = await SettingsFile.open(dir);
    expect(settings.get()).toEqual({ runWorkloads: false });
    const heard: boolean[] = [];
    settings.onChange((s) => heard.push(s.runWorkloads));
    await settings.set({ runWorkloads: true });
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8'))).toEqual({
      runWorkloads: true,
    });
    expect((await SettingsFile.open(dir)).get()).toEqual({ runWorkloads: true });
    expect(heard).toEqual([true]);
  });

  it('falls back to the defaults, with a warning, on a broken file', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{"runWorkloads": "maybe"}');
    const warnings: string[] = [];
    const settings = await SettingsFile.open(dir, (m) => warnings.push(m));
    expect(settings.get()).toEqual({ runWorkloads: false });
    expect(warnings[0]).toBe(
      `${path.join(dir, 'settings.json')} is not valid settings (runWorkloads: Invalid input: expected boolean, received string); using the defaults`,
    );
  });
});

describe('the embedded peer', () => {
  it('does not start outside a cluster, and then has no API for IPC', async () => {
    const agents = fakeAgents();
    const peer = new EmbeddedPeer({
      dataDir: dir,
      logger,
      runWorkloads: false,
      createAgent: agents.createAgent,
    });
    expect(await peer.startIfMember()).toBe(false);
    expect(agents.made).toEqual([]);
    expect(await peer.apiTarget()).toBeUndefined();
  });

  it('starts in a member folder without workloads, serves its api.json to IPC, restarts for workloads', async () => {
    await writeFile(path.join(dir, 'cluster.json'), '{}');
    const agents = fakeAgents();
    const peer = new EmbeddedPeer({
      dataDir: dir,
      logger,
      runWorkloads: false,
      createAgent: agents.createAgent,
    });
    expect(await peer.startIfMember()).toBe(true);
    expect(agents.made[0]?.options).toMatchObject({ dataDir: dir, runWorkloads: false });
    expect(await peer.apiTarget()).toEqual({ url: 'http://127.0.0.1:40001', token: 'token-40001' });
    expect(peer.status()?.clusterName).toBe('lab');
    await peer.setRunWorkloads(true);
    expect(agents.made.map((a) => [a.options.runWorkloads, a.stopped])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(await peer.apiTarget()).toEqual({ url: 'http://127.0.0.1:40002', token: 'token-40002' });
    await peer.stop();
    expect(agents.made[1]?.stopped).toBe(true);
    expect(await peer.apiTarget()).toBeUndefined();
  });

  it('stops a start that is still waiting (a join with no peer yet) when the app quits', async () => {
    const agents = fakeAgents({ startDelayMs: 60_000 });
    const peer = new EmbeddedPeer({
      dataDir: dir,
      logger,
      runWorkloads: false,
      createAgent: agents.createAgent,
    });
    const starting = peer.start();
    await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await peer.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    await expect(starting).rejects.toThrow('aborted');
    expect(agents.made[0]?.stopped).toBe(true);
  });

  it('keeps why a start failed, for the tray', async () => {
    const agents = fakeAgents({ failWith: 'cannot bind 127.0.0.1' });
    const peer = new EmbeddedPeer({
      dataDir: dir,
      logger,
      runWorkloads: false,
      createAgent: agents.createAgent,
    });
    await expect(peer.start()).rejects.toThrow('cannot bind 127.0.0.1');
    expect(peer.state).toBe('failed');
    expect(peer.error).toBe('cannot bind 127.0.0.1');
  });
});

describe('onboarding in the desktop app', () => {
  function onboarding() {
    const agents = fakeAgents();
    const peer = new EmbeddedPeer({
      dataDir: path.join(dir, 'shoal'),
      logger,
      runWorkloads: false,
      createAgent: agents.createAgent,
    });
    const actions = new DesktopClusterActions({
      peer,
      localClusterDir: path.join(dir, 'local-cluster'),
      logger,
      out: process.stderr,
      joinWaitMs: 100,
    });
    return { api: createDashboardApi(actions), agents, peer };
  }

  it('creates a cluster in the app folder and starts the embedded peer on it', async () => {
    const { api, agents, peer } = onboarding();
    expect(await api('GET', '/shoal/dashboard/v1/state', undefined)).toEqual({
      status: 200,
      body: { member: false, dataDir: peer.dataDir, runsWorkloads: false },
    });
    const created = await api('POST', '/shoal/dashboard/v1/cluster', { action: 'create', name: 'home-lab' });
    expect(created).toEqual({
      status: 200,
      body: { member: true, clusterName: 'home-lab', dataDir: peer.dataDir, runsWorkloads: false },
    });
    expect(agents.made).toHaveLength(1);
    expect(peer.state).toBe('running');
    const key = await api('GET', '/shoal/dashboard/v1/join-key', undefined);
    expect((key.body as { key: string }).key).toMatch(/^shoal1/);
    const again = await api('POST', '/shoal/dashboard/v1/cluster', { action: 'create', name: 'other' });
    expect(again.status).toBe(409);
    expect((again.body as { message: string }).message).toBe(
      'this computer is already in the cluster "home-lab"',
    );
    await peer.stop();
  });

  it('refuses a join key that is not one, naming the problem, and starts nothing', async () => {
    const { api, agents } = onboarding();
    const res = await api('POST', '/shoal/dashboard/v1/cluster', { action: 'join', key: 'not-a-key' });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/^the join key is not valid: /);
    expect(agents.made).toEqual([]);
  });

  it('has no join key before a cluster exists', async () => {
    const { api } = onboarding();
    const res = await api('GET', '/shoal/dashboard/v1/join-key', undefined);
    expect(res.status).toBe(404);
    expect((res.body as { message: string }).message).toBe(
      'this computer is in no cluster yet: create, join or start one first',
    );
  });
});
