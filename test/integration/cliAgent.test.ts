// The real `shoal` executable against an agent's local API (in this process, over an in-memory store), found
// through SHOAL_DATA_DIR / --data-dir and api.json as a user's CLI finds it: get, apply, create, delete,
// describe, status, the output formats, and the errors when there is no agent.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeApiInfo } from '../../agent/api/apiInfo.ts';
import { startTestApi, TEST_CLUSTER_STATUS, type TestApi } from '../support/apiServer.ts';
import { REPO_ROOT, runShoal, SHOAL_BIN } from '../support/runShoal.ts';

const fixtures = 'test/fixtures/manifests';
let api: TestApi;
let env: NodeJS.ProcessEnv;
const shoal = (args: string[], stdin?: string) => runShoal(args, { env, stdin });
const lines = (text: string) => text.trim().split('\n');

async function addNode(name: string, ip: string, ready: 'True' | 'False') {
  await api.store.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
  });
  await api.store.updateStatus('Node', undefined, name, {
    conditions: [{ type: 'Ready', status: ready, reason: 'AgentReady' }],
    addresses: [{ type: 'InternalIP', address: ip }],
    capacity: { cpu: '2', memory: '4Gi' },
    nodeInfo: {
      kubeletVersion: 'v0.1.0',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      kernelVersion: '6.1.0',
      containerRuntimeVersion: 'docker://24.0.5',
    },
  });
}

beforeAll(async () => {
  api = await startTestApi();
  env = { SHOAL_DATA_DIR: api.dataDir };
  await addNode('node-a', '10.0.0.1', 'True');
  await addNode('node-b', '10.0.0.2', 'True');
  await addNode('node-c', '10.0.0.3', 'False');
  await api.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  await api.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'team', labels: { app: 'web' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'web', image: 'nginx:1.25' }] },
  });
  await api.store.updateStatus('Pod', 'team', 'web-1', {
    phase: 'Running',
    podIP: '10.1.0.5',
    containerStatuses: [
      { name: 'web', ready: true, restartCount: 0, image: 'nginx:1.25', state: { running: {} } },
    ],
  });
});
afterAll(async () => {
  await api.close();
});

describe('shoal get', () => {
  it('prints nodes as a kubectl table, and wide', async () => {
    const r = await shoal(['get', 'nodes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION$/);
    expect(out.slice(1).map((l) => l.split(/ +/).slice(0, 3).join(' '))).toEqual([
      'node-a Ready <none>',
      'node-b Ready <none>',
      'node-c NotReady <none>',
    ]);
    const wide = await shoal(['get', 'no', '-o', 'wide']);
    expect(lines(wide.stdout)[0]).toMatch(
      /VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME$/,
    );
    expect(wide.stdout).toContain('10.0.0.2');
    expect(wide.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
  });

  it('prints a List with -o json, one object for a name, YAML, and kind/name lines', async () => {
    const json = await shoal(['get', 'nodes', '-o', 'json']);
    const list = JSON.parse(json.stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect(list.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([
      'node-a',
      'node-b',
      'node-c',
    ]);
    const one = JSON.parse((await shoal(['get', 'node', 'node-b', '-o', 'json'])).stdout);
    expect(one).toMatchObject({ kind: 'Node', metadata: { name: 'node-b' } });
    const yaml = parse((await shoal(['get', 'po', 'web-1', '-n', 'team', '-o', 'yaml'])).stdout);
    expect(yaml).toMatchObject({ kind: 'Pod', status: { podIP: '10.1.0.5' } });
    expect((await shoal(['get', 'nodes', '-o', 'name'])).stdout).toBe(
      'node/node-a\nnode/node-b\nnode/node-c\n',
    );
    const empty = JSON.parse((await shoal(['get', 'deploy', '-n', 'nowhere', '-o', 'json'])).stdout);
    expect(empty).toMatchObject({ kind: 'List', items: [] });
  });

  it('reads one namespace, all of them with -A, by label and by field', async () => {
    const none = await shoal(['get', 'pods']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('No resources found in default namespace.\n');
    const all = await shoal(['get', 'pods', '-A', '-o', 'wide']);
    expect(lines(all.stdout)[0]).toMatch(/^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE +IP +NODE/);
    expect(lines(all.stdout)[1]).toMatch(/^team +web-1 +1\/1 +Running +0 +\S+ +10\.1\.0\.5 +node-a/);
    expect((await shoal(['get', 'pods', '-A', '-l', 'app=web', '-o', 'name'])).stdout).toBe('pod/web-1\n');
    expect((await shoal(['get', 'pods', '-A', '-l', 'app!=web', '-o', 'name'])).stdout).toBe('');
    expect(
      (await shoal(['get', 'pods', '-n', 'team', '--field-selector', 'spec.nodeName=node-a', '-o', 'name']))
        .stdout,
    ).toBe('pod/web-1\n');
    const bad = await shoal(['get', 'pods', '-l', 'app in (']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Error from server (BadRequest)');
  });

  it('fails with exit 1 for a missing object and an unknown kind, printing the objects it found', async () => {
    const r = await shoal(['get', 'nodes', 'node-a', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NAME +STATUS/);
    expect(r.stdout).toContain('node-a');
    expect(r.stderr).toBe('Error from server (NotFound): nodes "nope" not found\n');
    const kind = await shoal(['get', 'widgets']);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toContain('the server doesn\'t have a resource type "widgets"');
    expect((await shoal(['get'])).code).toBe(2);
  });

  it('watches: the table first, then a row per change', async () => {
    const child = spawn(process.execPath, [SHOAL_BIN, 'get', 'pods', '-n', 'team', '--watch'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 15_000;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor('web-1');
      expect(lines(stdout)[0]).toMatch(/^NAME +READY +STATUS/);
      await api.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'watched', namespace: 'team' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
      await waitFor('watched');
      expect(lines(stdout)[2]).toMatch(/^watched +0\/1 +Pending +0 +\d+s$/);
    } finally {
      child.kill();
      await api.store.delete('Pod', 'team', 'watched').catch(() => {});
    }
  });
});

describe('shoal apply, create, delete', () => {
  it('applies manifests: created, then unchanged, then configured, keeping status', async () => {
    const first = await shoal(['apply', '-f', `${fixtures}/guestbook/`]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toEqual([
      'deployment.apps/frontend created',
      'service/frontend created',
      'deployment.apps/redis-follower created',
      'service/redis-follower created',
      'deployment.apps/redis-leader created',
      'service/redis-leader created',
    ]);
    await api.store.updateStatus('Deployment', 'default', 'frontend', { replicas: 3, readyReplicas: 3 });
    const again = await shoal(['apply', '-f', `${fixtures}/guestbook/frontend.yaml`]);
    expect(lines(again.stdout)).toEqual(['deployment.apps/frontend unchanged', 'service/frontend unchanged']);

    const scaled = (
      await runShoal(['apply', '--dry-run=client', '-f', `${fixtures}/guestbook/frontend.yaml`, '-o', 'json'])
    ).stdout;
    const objects = JSON.parse(scaled);
    objects.items[0].spec.replicas = 5;
    const dry = await shoal(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(objects));
    expect(lines(dry.stdout)).toEqual([
      'deployment.apps/frontend configured (server dry run)',
      'service/frontend unchanged (server dry run)',
    ]);
    expect(api.store.get('Deployment', 'default', 'frontend')?.spec).toMatchObject({ replicas: 3 });
    const configured = await shoal(['apply', '-f', '-', '-o', 'name'], JSON.stringify(objects));
    expect(configured.stdout).toBe('deployment.apps/frontend\nservice/frontend\n');
    const stored = api.store.get('Deployment', 'default', 'frontend');
    expect(stored?.spec).toMatchObject({ replicas: 5 });
    expect(stored?.status).toEqual({ replicas: 3, readyReplicas: 3 });

    const table = await shoal(['get', 'deploy,svc']);
    expect(table.stdout).toMatch(
      /^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\ndeployment\.apps\/frontend +3\/5 /,
    );
    expect(table.stdout).toMatch(
      /\n\nNAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\nservice\/frontend +NodePort +<none> +<none> +80\/TCP/,
    );
  });

  it('still validates offline with --dry-run=client and refuses broken manifests before contacting the agent', async () => {
    const r = await shoal(['apply', '-f', `${fixtures}/broken/many-errors.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.replicas: Invalid value: -1');
    expect(api.store.get('Deployment', 'default', 'web')).toBeUndefined();
  });

  it('creates; an existing object is an AlreadyExists error, and the others are still created', async () => {
    const created = await shoal(['create', '-f', `${fixtures}/nginx-deployment.yaml`]);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('deployment.apps/nginx-deployment created\n');
    const mixed = `${JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fresh' }, data: { a: '1' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'nginx-deployment' },
          spec: {
            selector: { matchLabels: { a: 'b' } },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
          },
        },
      ],
    })}`;
    const again = await shoal(['create', '-f', '-', '-o', 'name'], mixed);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('configmap/fresh\n');
    expect(again.stderr).toBe(
      'Error from server (AlreadyExists): error when creating "<stdin>": deployments.apps "nginx-deployment" already exists\n',
    );
    const json = await shoal(
      ['create', '-f', '-', '-o', 'json'],
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'as-json' } }),
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: 'ConfigMap',
      metadata: { name: 'as-json', uid: expect.any(String) },
    });
  });

  // Eight `shoal` processes in a row: allow for a loaded machine.
  it('deletes by name, by kind/name, by label and from manifests; a missing object fails unless ignored', {
    timeout: 60_000,
  }, async () => {
    const byName = await shoal(['delete', 'deployment', 'nginx-deployment']);
    expect(byName.stdout).toBe('deployment.apps "nginx-deployment" deleted\n');
    expect(byName.code).toBe(0);
    const missing = await shoal(['delete', 'deploy', 'nginx-deployment']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'Error from server (NotFound): deployments.apps "nginx-deployment" not found\n',
    );
    expect((await shoal(['delete', 'deploy', 'nginx-deployment', '--ignore-not-found'])).code).toBe(0);
    expect((await shoal(['delete', 'cm/fresh', 'configmap/as-json'])).stdout).toBe(
      'configmap "fresh" deleted\nconfigmap "as-json" deleted\n',
    );
    const fromFiles = await shoal(['delete', '-f', `${fixtures}/guestbook/redis-leader.yaml`]);
    expect(lines(fromFiles.stdout)).toEqual([
      'deployment.apps "redis-leader" deleted',
      'service "redis-leader" deleted',
    ]);
    const byLabel = await shoal(['delete', 'svc', '-l', 'app=redis', '-o', 'name']);
    expect(byLabel.stdout).toBe('service/redis-follower\n');
    expect((await shoal(['delete', 'pods'])).code).toBe(2);
  });
});

describe('shoal describe', () => {
  it('describes a deployment, a pod and a node in kubectl layout', async () => {
    const d = await shoal(['describe', 'deploy', 'frontend']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^Name: +frontend\nNamespace: +default\nCreationTimestamp: /);
    expect(d.stdout).toMatch(
      /\nReplicas: +5 desired \| 0 updated \| 3 total \| 0 available \| 0 unavailable\n/,
    );
    expect(d.stdout).toMatch(/\nRollingUpdateStrategy: +25% max unavailable, 25% max surge\n/);
    expect(d.stdout).toContain(
      '\nPod Template:\n  Labels:  app=guestbook\n           tier=frontend\n  Containers:\n   php-redis:\n',
    );
    const p = await shoal(['describe', 'pod/web-1', '-n', 'team']);
    expect(p.stdout).toMatch(/\nNode: +node-a\//);
    expect(p.stdout).toMatch(/\nStatus: +Running\n/);
    expect(p.stdout).toMatch(/\n {4}State: +Running\n/);
    const n = await shoal(['describe', 'node', 'node-c']);
    expect(n.stdout).toMatch(/\n {2}Ready +False +/);
    expect(n.stdout).toMatch(/\nAddresses:\n {2}InternalIP: +10\.0\.0\.3\n/);
    const missing = await shoal(['describe', 'svc', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): services "nope" not found\n');
  });
});

describe('shoal status', () => {
  it('shows the cluster, this node, the leader and term, and the members', async () => {
    const r = await shoal(['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster: +testlab\n/);
    expect(r.stdout).toMatch(/\nNode: +node-a \(a1b2c3d4e5f6\)\n/);
    expect(r.stdout).toMatch(/\nLeader: +node-b \(b2c3d4e5f6a7\), term 7\n/);
    expect(r.stdout).toMatch(/\nNAME +ID +VOTER +READY +ADDRESSES\n/);
    expect(r.stdout).toMatch(/\nnode-c +c3d4e5f6a7b8 +false +Unknown +<none>\n/);
    const json = await shoal(['status', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(TEST_CLUSTER_STATUS);
    const { leader: _none, ...withoutLeader } = TEST_CLUSTER_STATUS;
    api.status = withoutLeader;
    try {
      expect((await shoal(['status'])).stdout).toMatch(/\nLeader: +<none> \(term 7: no leader elected\)\n/);
    } finally {
      api.status = TEST_CLUSTER_STATUS;
    }
  });
});

describe('without an agent', () => {
  it('says where it looked and how to start one, exit 1', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'shoal-noagent-'));
    try {
      for (const r of [
        await runShoal(['get', 'nodes'], { env: { SHOAL_DATA_DIR: empty } }),
        await runShoal(['--data-dir', empty, 'status']),
        await runShoal(['apply', '-f', `${fixtures}/nginx-deployment.yaml`, '--data-dir', empty]),
      ]) {
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`no Shoal agent found: ${join(empty, 'api.json')} does not exist`);
        expect(r.stderr).toContain('shoal up');
        expect(r.stderr).toContain(`shoal agent --data-dir ${empty}`);
      }
      // An api.json whose agent is gone, and one with a token the agent refuses.
      await writeApiInfo(empty, {
        url: 'http://127.0.0.1:9',
        token: 'stale-token-stale-token',
        pid: 2 ** 22 + 7,
      });
      const gone = await runShoal(['get', 'pods'], { env: { SHOAL_DATA_DIR: empty } });
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('does not answer');
      expect(gone.stderr).toContain('is not running');
      await writeApiInfo(empty, { url: api.url, token: 'wrong-token-wrong-token' });
      const refused = await runShoal(['get', 'pods'], { env: { SHOAL_DATA_DIR: empty } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('(Unauthorized)');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
