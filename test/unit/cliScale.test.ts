import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../agent/cli/apiClient.ts';
import { updateObject } from '../../agent/cli/updateObject.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Deployment, ReplicaSet } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { startTestApi, type TestApi } from '../support/apiServer.ts';
import { runCliInProcess } from '../support/cliInProcess.ts';

function shoal(api: TestApi, args: string[]) {
  return runCliInProcess(api.dataDir, args);
}

function admitted(raw: object): KubeObject {
  const r = admitObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.object as KubeObject;
}

const spec = (replicas: number) => ({
  replicas,
  selector: { matchLabels: { app: 'web' } },
  template: {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1' }] },
  },
});

describe('shoal scale', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    for (const kind of ['Deployment', 'ReplicaSet'] as const)
      for (const o of api.store.list(kind))
        await api.store.delete(kind, o.metadata.namespace, o.metadata.name);
    await api.store.create(
      admitted({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: spec(2) }),
    );
    await api.store.create(
      admitted({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d4f8' }, spec: spec(1) }),
    );
  });
  const replicas = (kind: 'Deployment' | 'ReplicaSet', name: string) =>
    (api.store.get(kind, 'default', name) as Deployment | ReplicaSet).spec.replicas;

  it('sets spec.replicas and prints kubectl line, for KIND/NAME and KIND NAME', async () => {
    expect(await shoal(api, ['scale', 'deploy/web', '--replicas', '5'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web scaled\n',
      stderr: '',
    });
    expect(replicas('Deployment', 'web')).toBe(5);
    expect(api.store.get('Deployment', 'default', 'web')?.metadata.generation).toBe(2);
    expect(await shoal(api, ['scale', 'rs', 'web-5d4f8', '--replicas=0'])).toMatchObject({
      code: 0,
      stdout: 'replicaset.apps/web-5d4f8 scaled\n',
    });
    expect(replicas('ReplicaSet', 'web-5d4f8')).toBe(0);
  });

  it('honours --current-replicas as a precondition', async () => {
    expect(
      await shoal(api, ['scale', 'deploy/web', '--current-replicas', '3', '--replicas', '4']),
    ).toMatchObject({
      code: 1,
      stderr: 'error: Expected replicas to be 3, was 2\n',
    });
    expect(replicas('Deployment', 'web')).toBe(2);
    expect(await shoal(api, ['scale', '--current-replicas=2', '--replicas=4', 'deploy/web'])).toMatchObject({
      code: 0,
    });
    expect(replicas('Deployment', 'web')).toBe(4);
  });

  it('refuses bad command lines (exit 2) before contacting the agent, and unknown objects (exit 1)', async () => {
    const usage =
      'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n';
    expect(await shoal(api, ['scale', 'deploy/web'])).toMatchObject({ code: 2, stderr: usage });
    expect(await shoal(api, ['scale', 'deploy/web', '--replicas', '-1'])).toMatchObject({
      code: 2,
      stderr: usage,
    });
    expect(await shoal(api, ['scale', 'deploy/web', '--replicas', 'three'])).toMatchObject({ code: 2 });
    expect((await shoal(api, ['scale', 'deploy', '--replicas', '1'])).code).toBe(2);
    expect(await shoal(api, ['scale', 'pod/web', '--replicas', '1'])).toMatchObject({
      code: 1,
      stderr: 'error: no scaler has been implemented for Pod: scale deployments or replicasets\n',
    });
    expect(await shoal(api, ['scale', 'deploy/nope', '--replicas', '1'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
    const help = await shoal(api, ['scale', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
  });

  it('redoes the edit on the fresh object after a Conflict', async () => {
    const client = new ApiClient({ url: api.url, token: api.token, origin: 'test' });
    let calls = 0;
    const { object, changed } = await updateObject<Deployment>(
      client,
      'Deployment',
      'default',
      'web',
      async (d) => {
        calls++;
        if (calls === 1) {
          // A controller's write lands between our read and our write.
          const other = structuredClone(api.store.get('Deployment', 'default', 'web') as Deployment);
          other.metadata.labels = { touched: 'yes' };
          await api.store.updateSpec(other as KubeObject);
        }
        d.spec.replicas = 7;
        return true;
      },
    );
    expect(calls).toBe(2);
    expect(changed).toBe(true);
    expect(object.spec.replicas).toBe(7);
    expect(object.metadata.labels).toEqual({ touched: 'yes' });
  });
});
