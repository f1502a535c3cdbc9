import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setImages, splitImageArgs } from '../../agent/cli/commands/setImage.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Deployment, Pod, PodSpec } from '../../shared/model/types.ts';
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

const podSpec = () => ({
  initContainers: [{ name: 'init', image: 'busybox:1' }],
  containers: [
    { name: 'web', image: 'nginx:1' },
    { name: 'log', image: 'fluent:1' },
  ],
});

describe('set image arguments', () => {
  it('splits resources from CONTAINER=IMAGE pairs', () => {
    expect(splitImageArgs(['deploy/web', 'web=nginx:2', 'log=fluent:2'])).toEqual({
      resources: ['deploy/web'],
      updates: [
        { container: 'web', image: 'nginx:2' },
        { container: 'log', image: 'fluent:2' },
      ],
    });
    expect(splitImageArgs(['deployment', 'web', '*=x:1']).resources).toEqual(['deployment', 'web']);
    expect(() => splitImageArgs(['deploy/web'])).toThrow('at least one image update is required');
    expect(() => splitImageArgs(['deploy/web', '=x'])).toThrow('invalid image update "=x"');
    expect(() => splitImageArgs(['deploy/web', 'web='])).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('changes init and app containers, `*` all of them, and names a missing container', () => {
    const spec = podSpec() as PodSpec;
    expect(setImages(spec, [{ container: 'init', image: 'busybox:2' }])).toBe(true);
    expect(spec.initContainers?.[0]?.image).toBe('busybox:2');
    expect(setImages(spec, [{ container: 'init', image: 'busybox:2' }])).toBe(false);
    expect(setImages(spec, [{ container: '*', image: 'all:1' }])).toBe(true);
    expect([...(spec.initContainers ?? []), ...spec.containers].map((c) => c.image)).toEqual([
      'all:1',
      'all:1',
      'all:1',
    ]);
    expect(() => setImages(spec, [{ container: 'nope', image: 'x' }])).toThrow(
      'error: unable to find container named "nope"',
    );
  });
});

describe('shoal set image', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    for (const kind of ['Deployment', 'Pod'] as const)
      for (const o of api.store.list(kind))
        await api.store.delete(kind, o.metadata.namespace, o.metadata.name);
    await api.store.create(
      admitted({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: podSpec() },
        },
      }),
    );
    await api.store.create(
      admitted({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo' }, spec: podSpec() }),
    );
  });
  const images = () =>
    (api.store.get('Deployment', 'default', 'web') as Deployment).spec.template.spec.containers.map(
      (c) => c.image,
    );

  it('updates the template (a new generation) and prints kubectl line', async () => {
    expect(await shoal(api, ['set', 'image', 'deploy/web', 'web=nginx:2', 'log=fluent:2'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web image updated\n',
      stderr: '',
    });
    expect(images()).toEqual(['nginx:2', 'fluent:2']);
    expect(api.store.get('Deployment', 'default', 'web')?.metadata.generation).toBe(2);
    // Nothing to change: nothing written, nothing printed (kubectl skips an empty patch).
    expect(await shoal(api, ['set', 'image', 'deployment', 'web', 'web=nginx:2'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(api.store.get('Deployment', 'default', 'web')?.metadata.generation).toBe(2);
  });

  it('sets the image of a pod', async () => {
    expect(await shoal(api, ['set', 'image', 'pod/solo', 'web=nginx:3'])).toMatchObject({
      code: 0,
      stdout: 'pod/solo image updated\n',
    });
    expect((api.store.get('Pod', 'default', 'solo') as Pod).spec.containers[0]?.image).toBe('nginx:3');
  });

  it('fails on an unknown container (exit 1, nothing written) and on usage errors (exit 2)', async () => {
    expect(await shoal(api, ['set', 'image', 'deploy/web', 'web=nginx:2', 'nope=x:1'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: unable to find container named "nope"\n',
    });
    expect(images()).toEqual(['nginx:1', 'fluent:1']);
    expect(await shoal(api, ['set', 'image', 'deploy/web'])).toMatchObject({
      code: 2,
      stderr: 'error: at least one image update is required\n',
    });
    expect((await shoal(api, ['set', 'image', 'svc/web', 'web=x'])).code).toBe(1);
    expect(await shoal(api, ['set', 'image', 'deploy/nope', 'web=x'])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
    const help = await shoal(api, ['set', 'image', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
  });
});
