// `shoal wait`: parsing --for as kubectl does, the condition check (case-insensitive, observedGeneration),
// and the command in process on the watch of a real local API while the test plays the controllers.
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../agent/cli/io.ts';
import { runCli } from '../../agent/cli/program.ts';
import { conditionMet, parseWaitFor } from '../../agent/cli/waitFor.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';

function start(api: TestApi, args: string[]) {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => {
      out[key] += d.toString();
    });
    return s;
  };
  const io: CliIo = { stdin: Readable.from([]), stdout: sink('stdout'), stderr: sink('stderr') };
  const done = runCli(['--data-dir', api.dataDir, ...args], io).then(async (code) => {
    await new Promise((r) => setImmediate(r));
    return { code, ...out };
  });
  return { out, done };
}
const shoal = (api: TestApi, args: string[]) => start(api, args).done;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function admitted(raw: object): KubeObject {
  const r = admitObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.object as KubeObject;
}

const podSpec = { containers: [{ name: 'c', image: 'busybox:1' }] };

describe('--for', () => {
  it('reads delete and condition=NAME[=VALUE]', () => {
    expect(parseWaitFor('delete')).toEqual({ type: 'delete' });
    expect(parseWaitFor('condition=complete')).toEqual({
      type: 'condition',
      condition: 'complete',
      value: 'true',
    });
    expect(parseWaitFor('condition=Ready=false')).toEqual({
      type: 'condition',
      condition: 'Ready',
      value: 'false',
    });
    for (const bad of ['', 'condition=', 'condition==x', 'jsonpath={.x}', 'ready'])
      expect(() => parseWaitFor(bad)).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseWaitFor(undefined)).toThrow('--for must be given');
    expect(() => parseWaitFor('ready')).toThrow('error: unrecognized condition: "ready"');
  });

  it('matches condition type and status case-insensitively, once the generation is observed', () => {
    const job = (status: object, generation = 1) =>
      ({ kind: 'Job', metadata: { name: 'j', generation }, status }) as unknown as KubeObject;
    const complete = { conditions: [{ type: 'Complete', status: 'True' }] };
    expect(conditionMet(job(complete), 'complete', 'true')).toBe(true);
    expect(conditionMet(job(complete), 'COMPLETE', 'True')).toBe(true);
    expect(conditionMet(job(complete), 'complete', 'false')).toBe(false);
    expect(conditionMet(job(complete), 'failed', 'true')).toBe(false);
    expect(conditionMet(job({}), 'complete', 'true')).toBe(false);
    expect(conditionMet(job({ ...complete, observedGeneration: 1 }, 2), 'complete', 'true')).toBe(false);
    const stale = {
      conditions: [{ type: 'Complete', status: 'True', observedGeneration: 1 }],
      observedGeneration: 2,
    };
    expect(conditionMet(job(stale, 2), 'complete', 'true')).toBe(false);
  });
});

describe('shoal wait', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    for (const kind of ['Job', 'Pod', 'Deployment'] as const)
      for (const o of api.store.list(kind))
        await api.store.delete(kind, o.metadata.namespace, o.metadata.name);
    await api.store.create(
      admitted({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'backup' },
        spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } },
      }),
    );
  });

  it('returns once the job completes: `job.batch/backup condition met`', async () => {
    const run = start(api, ['wait', '--for=condition=complete', 'job/backup', '--timeout', '10s']);
    await sleep(150);
    expect(run.out.stdout).toBe('');
    await api.store.updateStatus('Job', 'default', 'backup', { active: 1 });
    await sleep(50);
    await api.store.updateStatus('Job', 'default', 'backup', {
      succeeded: 1,
      conditions: [{ type: 'Complete', status: 'True' }],
    });
    expect(await run.done).toEqual({ code: 0, stdout: 'job.batch/backup condition met\n', stderr: '' });
    // Met already: at once.
    expect(await shoal(api, ['wait', '--for', 'condition=Complete=TRUE', 'jobs', 'backup'])).toMatchObject({
      code: 0,
      stdout: 'job.batch/backup condition met\n',
    });
  });

  it('exits 1 on timeout in kubectl words, and on a missing object', async () => {
    expect(
      await shoal(api, ['wait', '--for=condition=complete', 'job/backup', '--timeout', '300ms']),
    ).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: timed out waiting for the condition on jobs/backup\n',
    });
    expect(
      await shoal(api, ['wait', '--for=condition=complete', 'job/nope', '--timeout', '5s']),
    ).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): jobs.batch "nope" not found\n',
    });
    expect((await shoal(api, ['wait', 'job/backup'])).code).toBe(2);
    expect(
      (await shoal(api, ['wait', '--for=condition=complete', 'job/backup', '--timeout', 'soon'])).code,
    ).toBe(2);
  });

  it('--for=delete returns when the pod is gone (at once when it is gone already)', async () => {
    await api.store.create(
      admitted({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: podSpec }),
    );
    const run = start(api, ['wait', '--for=delete', 'pod/web', '--timeout', '10s']);
    await sleep(150);
    expect(run.out.stdout).toBe('');
    await api.store.delete('Pod', 'default', 'web');
    expect(await run.done).toEqual({ code: 0, stdout: 'pod/web condition met\n', stderr: '' });
    expect((await shoal(api, ['wait', '--for=delete', 'pod/web', '--timeout', '1s'])).code).toBe(0);
  });

  it('waits for every object a selector matches, and for deployments to be Available', async () => {
    for (const name of ['a', 'b'])
      await api.store.create(
        admitted({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, labels: { app: 'web' } },
          spec: podSpec,
        }),
      );
    const run = start(api, ['wait', '--for=condition=Ready', 'pods', '-l', 'app=web', '--timeout', '10s']);
    await sleep(100);
    for (const name of ['b', 'a'])
      await api.store.updateStatus('Pod', 'default', name, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      });
    expect(await run.done).toEqual({
      code: 0,
      stdout: 'pod/a condition met\npod/b condition met\n',
      stderr: '',
    });

    await api.store.create(
      admitted({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
        },
      }),
    );
    await api.store.updateStatus('Deployment', 'default', 'web', {
      observedGeneration: 1,
      conditions: [{ type: 'Available', status: 'True' }],
    });
    expect(await shoal(api, ['wait', '--for=condition=available', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web condition met\n',
    });
    const help = await shoal(api, ['wait', '--help']);
    expect(help.stdout).toContain('Examples:');
  });
});
