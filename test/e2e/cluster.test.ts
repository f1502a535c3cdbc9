// Three `shoal agent` processes on one machine, a private bootstrap on 127.0.0.1: the cluster forms, one
// leader leads, the document replicates, a killed leader is replaced, and SIGKILL of every agent loses
// nothing. (Issue 3's "as separate processes" tests.)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../agent/api/clusterStatus.ts';
import { eventually, TestCluster } from '../support/agentProcesses.ts';
import { runShoal } from '../support/runShoal.ts';

const cluster = new TestCluster();
const NAMES = ['node-a', 'node-b', 'node-c'];

/** The `greeting` ConfigMap as agent `name` sees it, or undefined while it has not arrived. */
async function greeting(name: string): Promise<{ data: Record<string, string> } | undefined> {
  const r = await runShoal(['get', 'configmap', 'greeting', '-o', 'json', '--data-dir', cluster.dir(name)]);
  return r.code === 0 ? (JSON.parse(r.stdout) as { data: Record<string, string> }) : undefined;
}

const status = (name: string) => cluster.json<ClusterStatus>(name, ['status', '-o', 'json']);

async function agreedLeader(names: string[]): Promise<ClusterStatus['leader'] | undefined> {
  const all = await Promise.all(names.map(status));
  const leaders = new Set(all.map((s) => s.leader?.name));
  if (leaders.size !== 1 || !all[0]?.leader) return undefined;
  return all[0].leader;
}

describe('a three-agent cluster in separate processes', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await cluster.init('node-a');
    for (const name of NAMES) cluster.start(name);
  });
  afterAll(() => cluster.close());

  it('forms: three Ready nodes, three voters, one leader that everyone agrees on', async () => {
    const s = await eventually(
      'three Ready voters and one agreed leader',
      async () => {
        const st = await status('node-a');
        const ok = st.members.length === 3 && st.members.every((m) => m.ready === true && m.voter);
        return ok && (await agreedLeader(NAMES)) ? st : undefined;
      },
      40_000,
      () => cluster.logs(),
    );
    expect(s.members.map((m) => m.name).sort()).toEqual(NAMES);
    expect(s.clusterName).toBe('e2e');
    expect(s.term).toBeGreaterThan(0);
  });

  it('replicates a write on one agent to the others', async () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greeting}\ndata: {hello: world}\n';
    const applied = await runShoal(['apply', '-f', '-', '--data-dir', cluster.dir('node-a')], {
      stdin: manifest,
    });
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('configmap/greeting created');
    const seen = await eventually('the ConfigMap on node-c', () => greeting('node-c'), 10_000);
    expect(seen.data).toEqual({ hello: 'world' });
  });

  it('elects a new leader after the leader is killed with SIGKILL', async () => {
    const old = (await agreedLeader(NAMES))!;
    const killedAt = Date.now();
    await cluster.kill(old.name);
    const rest = NAMES.filter((n) => n !== old.name);
    const next = await eventually(
      'a new leader among the survivors',
      async () => {
        const leader = await agreedLeader(rest);
        return leader && leader.name !== old.name ? leader : undefined;
      },
      15_000,
      () => cluster.logs(),
    );
    console.log(`failover: ${Date.now() - killedAt} ms (measured through the CLI; includes polling)`);
    expect(rest).toContain(next.name);
    cluster.start(old.name);
  });

  it('stops cleanly on SIGTERM: exit 0, api.json removed, and it rejoins when started again', async () => {
    const agent = cluster.agents.get('node-b')!;
    const exited = new Promise<number | null>((resolve) => agent.child.once('exit', (code) => resolve(code)));
    await cluster.kill('node-b', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(path.join(cluster.dir('node-b'), 'api.json'))).toBe(false);
    expect(agent.log.some((line) => line.includes('agent stopped'))).toBe(true);
    cluster.start('node-b');
    await eventually(
      'node-b back in the cluster',
      () => agreedLeader(NAMES),
      20_000,
      () => cluster.logs(),
    );
  });

  it('keeps every object when all agents are killed with SIGKILL and restarted', async () => {
    for (const name of NAMES) await cluster.kill(name);
    for (const name of NAMES) cluster.start(name);
    const cm = await eventually(
      'the ConfigMap after a full restart',
      () => greeting('node-b'),
      30_000,
      () => cluster.logs(),
    );
    expect(cm.data).toEqual({ hello: 'world' });
    const leader = await eventually(
      'a leader after the restart',
      () => agreedLeader(NAMES),
      30_000,
      () => cluster.logs(),
    );
    expect(NAMES).toContain(leader?.name);
  });
});
