import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { defaultMemoryRoot, isOnTmpfs } from '../../agent/kubelet/volumes/memoryRoot.ts';
import { PodVolumes } from '../../agent/kubelet/volumes/PodVolumes.ts';
import { validatePath } from '../../agent/kubelet/volumes/projection.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

type Volume = NonNullable<Pod['spec']['volumes']>[number];

function admitted<T>(raw: Record<string, unknown>): T {
  const result = admitObject(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.object as T;
}

function podWith(volumes: Array<Record<string, unknown>>, uid = 'uid-1'): Pod {
  const pod = admitted<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], volumes },
  });
  pod.metadata.uid = uid as Pod['metadata']['uid'];
  return pod;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const modeOf = async (p: string) => (await fs.stat(p)).mode & 0o777;

let tmp: string;
let root: string;
let store: MemoryClusterStore;
let volumes: PodVolumes;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-volumes-'));
  root = path.join(tmp, 'data', 'pods');
  store = new MemoryClusterStore();
  volumes = new PodVolumes({ root, objects: store });
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function putConfigMap(name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) {
  const obj = admitted<KubeObject>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'shop' },
    data,
    ...extra,
  });
  const existing = store.get('ConfigMap', 'shop', name);
  if (existing) await store.updateSpec(obj);
  else await store.create(obj);
}

describe('PodVolumes: emptyDir', () => {
  it('makes a world-writable directory under <root>/<uid>/volumes, kept across syncs, in a 0700 root', async () => {
    const pod = podWith([
      { name: 'cache', emptyDir: {} },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    ]);
    const first = await volumes.prepare(pod);
    expect(first.failures).toEqual([]);
    const dir = path.join(root, 'uid-1', 'volumes', 'kubernetes.io~empty-dir', 'cache');
    expect(first.paths).toEqual({
      cache: dir,
      shm: path.join(root, 'uid-1', 'volumes', 'kubernetes.io~empty-dir', 'shm'),
    });
    expect(await modeOf(dir)).toBe(0o777);
    expect(await modeOf(root)).toBe(0o700);

    await fs.writeFile(path.join(dir, 'kept'), 'yes');
    const second = await volumes.prepare(pod);
    expect(second).toEqual(first);
    expect(await fs.readFile(path.join(dir, 'kept'), 'utf8')).toBe('yes');
  });

  it('creates nothing for a pod without volumes', async () => {
    expect(await volumes.prepare(podWith([]))).toEqual({ paths: {}, failures: [] });
    expect(await volumes.podUids()).toEqual([]);
  });
});

describe('PodVolumes: hostPath', () => {
  const prepareHost = async (hostPath: Record<string, unknown>) => {
    const result = await volumes.prepare(podWith([{ name: 'host', hostPath }]));
    return result.failures[0]?.message ?? result.paths.host;
  };

  it('creates what DirectoryOrCreate and FileOrCreate ask for', async () => {
    const dir = path.join(tmp, 'made', 'deep');
    expect(await prepareHost({ path: dir, type: 'DirectoryOrCreate' })).toBe(dir);
    expect((await fs.stat(dir)).isDirectory()).toBe(true);
    expect(await modeOf(dir)).toBe(0o755);

    const file = path.join(tmp, 'made', 'file.log');
    expect(await prepareHost({ path: file, type: 'FileOrCreate' })).toBe(file);
    expect((await fs.stat(file)).isFile()).toBe(true);
    expect(await modeOf(file)).toBe(0o644);
    // An existing file is kept as it is.
    await fs.writeFile(file, 'content');
    expect(await prepareHost({ path: file, type: 'FileOrCreate' })).toBe(file);
    expect(await fs.readFile(file, 'utf8')).toBe('content');
  });

  it("fails with Kubernetes' messages when what is there is not of the type", async () => {
    const file = path.join(tmp, 'a-file');
    await fs.writeFile(file, '');
    expect(await prepareHost({ path: file, type: 'Directory' })).toBe(
      `hostPath type check failed: ${file} is not a directory`,
    );
    expect(await prepareHost({ path: file, type: 'DirectoryOrCreate' })).toBe(
      `hostPath type check failed: ${file} is not a directory`,
    );
    expect(await prepareHost({ path: tmp, type: 'File' })).toBe(
      `hostPath type check failed: ${tmp} is not a file`,
    );
    expect(await prepareHost({ path: tmp, type: 'FileOrCreate' })).toBe(
      `hostPath type check failed: ${tmp} is not a file`,
    );
    expect(await prepareHost({ path: file, type: 'Socket' })).toBe(
      `hostPath type check failed: ${file} is not a socket file`,
    );
    const missing = path.join(tmp, 'missing');
    expect(await prepareHost({ path: missing, type: 'Directory' })).toBe(
      `hostPath type check failed: ${missing} is not a directory`,
    );
    // FileOrCreate does not make the parent directory, as in Kubernetes.
    const orphan = path.join(tmp, 'no-parent', 'f');
    expect(await prepareHost({ path: orphan, type: 'FileOrCreate' })).toMatch(
      /^hostPath .*no-parent\/f: ENOENT/,
    );
  });

  it('accepts a socket for Socket, anything for "", and refuses relative paths', async () => {
    const sock = path.join(tmp, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(await prepareHost({ path: sock, type: 'Socket' })).toBe(sock);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const missing = path.join(tmp, 'not-there');
    expect(await prepareHost({ path: missing })).toBe(missing);
    expect(await prepareHost({ path: missing, type: '' })).toBe(missing);
    await expect(fs.stat(missing)).rejects.toThrow(/ENOENT/);
    expect(await prepareHost({ path: 'data', type: '' })).toBe('hostPath data must be an absolute path');
    expect(await prepareHost({ path: '/tmp/../etc' })).toBe("hostPath /tmp/../etc must not contain '..'");
  });
});

describe('PodVolumes: configMap', () => {
  const cmDir = (name = 'config') => path.join(root, 'uid-1', 'volumes', 'kubernetes.io~configmap', name);

  it('writes each key as a link into ..data, which points at a timestamped directory', async () => {
    await putConfigMap(
      'settings',
      { 'app.conf': 'a=1\n', LEVEL: 'debug' },
      { binaryData: { 'logo.bin': b64('\x00\x01') } },
    );
    const result = await volumes.prepare(podWith([{ name: 'config', configMap: { name: 'settings' } }]));
    expect(result).toEqual({ paths: { config: cmDir() }, failures: [] });

    const dir = cmDir();
    expect(await fs.readFile(path.join(dir, 'app.conf'), 'utf8')).toBe('a=1\n');
    expect(await fs.readFile(path.join(dir, 'LEVEL'), 'utf8')).toBe('debug');
    expect(await fs.readFile(path.join(dir, 'logo.bin'))).toEqual(Buffer.from([0, 1]));
    expect(await fs.readlink(path.join(dir, 'app.conf'))).toBe('..data/app.conf');
    const dataDir = await fs.readlink(path.join(dir, '..data'));
    expect(dataDir).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
    expect(await modeOf(path.join(dir, dataDir, 'app.conf'))).toBe(0o644);
    expect((await fs.readdir(dir)).sort()).toEqual(
      ['..data', dataDir, 'LEVEL', 'app.conf', 'logo.bin'].sort(),
    );
  });

  it('honours items (key, nested path, mode) and defaultMode', async () => {
    await putConfigMap('settings', { 'app.conf': 'a=1', other: 'x' });
    const pod = podWith([
      {
        name: 'config',
        configMap: {
          name: 'settings',
          defaultMode: 0o600,
          items: [
            { key: 'app.conf', path: 'etc/app/app.conf' },
            { key: 'other', path: 'run.sh', mode: 0o755 },
          ],
        },
      },
    ]);
    expect((await volumes.prepare(pod)).failures).toEqual([]);
    const dir = cmDir();
    expect((await fs.readdir(dir)).filter((n) => !n.startsWith('..')).sort()).toEqual(['etc', 'run.sh']);
    expect(await fs.readlink(path.join(dir, 'etc'))).toBe('..data/etc');
    expect(await fs.readFile(path.join(dir, 'etc/app/app.conf'), 'utf8')).toBe('a=1');
    expect(await modeOf(path.join(dir, 'etc/app/app.conf'))).toBe(0o600);
    expect(await modeOf(path.join(dir, 'run.sh'))).toBe(0o755);
  });

  it("fails with Kubernetes' messages for a missing source or key, and is empty when optional", async () => {
    const missing = await volumes.prepare(podWith([{ name: 'config', configMap: { name: 'nope' } }]));
    expect(missing).toEqual({
      paths: {},
      failures: [{ volume: 'config', message: 'configmap "nope" not found' }],
    });

    const optional = await volumes.prepare(
      podWith([{ name: 'config', configMap: { name: 'nope', optional: true } }]),
    );
    expect(optional.paths.config).toBe(cmDir());
    expect((await fs.readdir(cmDir())).filter((n) => !n.startsWith('..'))).toEqual([]);

    await putConfigMap('settings', { a: '1' });
    const badKey = await volumes.prepare(
      podWith([{ name: 'bad', configMap: { name: 'settings', items: [{ key: 'b', path: 'b' }] } }]),
    );
    expect(badKey.failures).toEqual([
      { volume: 'bad', message: 'configmap references non-existent config key: b' },
    ]);
    const optionalKey = await volumes.prepare(
      podWith([
        { name: 'ok', configMap: { name: 'settings', optional: true, items: [{ key: 'b', path: 'b' }] } },
      ]),
    );
    expect(optionalKey.failures).toEqual([]);
  });

  it('keeps items inside the volume', async () => {
    await putConfigMap('settings', { a: '1' });
    for (const [p, message] of [
      ['../escape', "invalid path: must not contain '..': ../escape"],
      ['x/../../escape', "invalid path: must not contain '..': x/../../escape"],
      ['/etc/passwd', 'invalid path: must be relative path: /etc/passwd'],
      ['..data', "invalid path: must not start with '..': ..data"],
    ] as const) {
      // The model admits these paths: build the pod as a peer could have written it.
      const pod = podWith([{ name: 'config', configMap: { name: 'settings' } }]);
      pod.spec.volumes![0]!.configMap!.items = [{ key: 'a', path: p }];
      const result = await volumes.prepare(pod);
      expect(result.failures).toEqual([{ volume: 'config', message }]);
    }
    expect(validatePath('a/./b')).toMatch(/empty or '\.'/);
    expect(validatePath('a/b')).toBeUndefined();
    await expect(fs.stat(path.join(tmp, 'data', 'escape'))).rejects.toThrow(/ENOENT/);
  });

  it('updates in place: new data directory swapped in, removed keys unlinked, old directory gone', async () => {
    await putConfigMap('settings', { a: 'one', b: 'bee' });
    const pod = podWith([{ name: 'config', configMap: { name: 'settings' } }]);
    await volumes.prepare(pod);
    const dir = cmDir();
    const before = await fs.readlink(path.join(dir, '..data'));

    await putConfigMap('settings', { a: 'two', c: 'sea' });
    await volumes.prepare(pod);
    const after = await fs.readlink(path.join(dir, '..data'));
    expect(after).not.toBe(before);
    expect(await fs.readFile(path.join(dir, 'a'), 'utf8')).toBe('two');
    expect(await fs.readFile(path.join(dir, 'c'), 'utf8')).toBe('sea');
    expect((await fs.readdir(dir)).sort()).toEqual(['..data', after, 'a', 'c'].sort());
  });

  it('writes nothing when nothing changed, also after an agent restart', async () => {
    await putConfigMap('settings', { a: 'one' });
    const pod = podWith([{ name: 'config', configMap: { name: 'settings' } }]);
    await volumes.prepare(pod);
    const dir = cmDir();
    const dataDir = await fs.readlink(path.join(dir, '..data'));
    const mtime = (await fs.stat(path.join(dir, dataDir, 'a'))).mtimeMs;

    await volumes.prepare(pod);
    const restarted = new PodVolumes({ root, objects: store });
    await restarted.prepare(pod);
    expect(await fs.readlink(path.join(dir, '..data'))).toBe(dataDir);
    expect((await fs.stat(path.join(dir, dataDir, 'a'))).mtimeMs).toBe(mtime);

    // A file tampered with on disk is noticed by a fresh agent and rewritten.
    await fs.writeFile(path.join(dir, dataDir, 'a'), 'tampered');
    await new PodVolumes({ root, objects: store }).prepare(pod);
    expect(await fs.readFile(path.join(dir, 'a'), 'utf8')).toBe('one');
  });

  it('never shows a reader a half-written file while updating', async () => {
    const versions = ['x'.repeat(200_000), 'y'.repeat(300_000), 'z'.repeat(100_000)];
    await putConfigMap('settings', { big: versions[0]! });
    const pod = podWith([{ name: 'config', configMap: { name: 'settings' } }]);
    await volumes.prepare(pod);
    const file = path.join(cmDir(), 'big');
    let done = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!done) {
        const text = await fs.readFile(file, 'utf8');
        seen.add(text.length > 0 ? `${text[0]}${text.length}` : 'empty');
        if (!versions.includes(text)) throw new Error(`torn read: ${text.length} bytes`);
      }
    })();
    for (let i = 1; i <= 12; i++) {
      await putConfigMap('settings', { big: versions[i % 3]! });
      await volumes.prepare(pod);
    }
    done = true;
    await reader;
    expect(seen.size).toBeGreaterThan(1);
  });

  it('serializes concurrent syncs of one pod', async () => {
    await putConfigMap('settings', { a: 'one' });
    const pod = podWith([{ name: 'config', configMap: { name: 'settings' } }]);
    const results = await Promise.all([volumes.prepare(pod), volumes.prepare(pod), volumes.prepare(pod)]);
    for (const r of results) expect(r.failures).toEqual([]);
    const names = await fs.readdir(cmDir());
    expect(names.filter((n) => n.startsWith('..')).length).toBe(2); // ..data and one data directory
  });
});

describe('PodVolumes: secret', () => {
  it('writes decoded values, 0644 by default, defaultMode when given', async () => {
    await store.create(
      admitted({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'shop' },
        data: { password: b64('s3cr3t') },
        stringData: { user: 'admin' },
      }),
    );
    const pod = podWith([
      { name: 'creds', secret: { secretName: 'creds' } },
      {
        name: 'tight',
        secret: { secretName: 'creds', defaultMode: 0o400, items: [{ key: 'password', path: 'pw' }] },
      },
      { name: 'gone', secret: { secretName: 'gone' } },
    ]);
    const result = await volumes.prepare(pod);
    expect(result.failures).toEqual([{ volume: 'gone', message: 'secret "gone" not found' }]);
    const dir = result.paths.creds!;
    expect(dir).toBe(path.join(root, 'uid-1', 'volumes', 'kubernetes.io~secret', 'creds'));
    expect(await fs.readFile(path.join(dir, 'password'), 'utf8')).toBe('s3cr3t');
    expect(await fs.readFile(path.join(dir, 'user'), 'utf8')).toBe('admin');
    expect(await modeOf(path.join(dir, 'password'))).toBe(0o644);
    expect(await modeOf(path.join(result.paths.tight!, 'pw'))).toBe(0o400);

    const badKey = await volumes.prepare(
      podWith([{ name: 's', secret: { secretName: 'creds', items: [{ key: 'nope', path: 'x' }] } }]),
    );
    expect(badKey.failures).toEqual([{ volume: 's', message: 'references non-existent secret key: nope' }]);
  });

  it('reads sources in the pod namespace only', async () => {
    await store.create(
      admitted({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'default' },
        data: {},
      }),
    );
    const result = await volumes.prepare(podWith([{ name: 'creds', secret: { secretName: 'creds' } }]));
    expect(result.failures).toEqual([{ volume: 'creds', message: 'secret "creds" not found' }]);
  });
});

describe('PodVolumes: clean-up and checks', () => {
  it('lists pods on disk and removes one without touching its hostPath', async () => {
    const host = path.join(tmp, 'host');
    await fs.mkdir(host);
    await fs.writeFile(path.join(host, 'keep'), 'k');
    await volumes.prepare(podWith([{ name: 'cache', emptyDir: {} }], 'uid-a'));
    await volumes.prepare(
      podWith(
        [
          { name: 'cache', emptyDir: {} },
          { name: 'host', hostPath: { path: host } },
        ],
        'uid-b',
      ),
    );
    expect(await volumes.podUids()).toEqual(['uid-a', 'uid-b']);
    await volumes.remove('uid-b');
    await volumes.remove('uid-b'); // Removing twice is fine.
    expect(await volumes.podUids()).toEqual(['uid-a']);
    expect(await fs.readFile(path.join(host, 'keep'), 'utf8')).toBe('k');
    await volumes.remove('never-existed');
  });

  it('re-creates a removed pod configMap volume on the next prepare', async () => {
    await putConfigMap('settings', { a: 'one' });
    const pod = podWith([{ name: 'config', configMap: { name: 'settings' } }]);
    await volumes.prepare(pod);
    await volumes.remove('uid-1');
    const again = await volumes.prepare(pod);
    expect(await fs.readFile(path.join(again.paths.config!, 'a'), 'utf8')).toBe('one');
  });

  it('refuses uids and volume names that could leave the root, and unsupported kinds', async () => {
    await expect(volumes.prepare(podWith([{ name: 'c', emptyDir: {} }], '../evil'))).rejects.toThrow(
      /pod shop\/web has no usable uid \("\.\.\/evil"\)/,
    );
    await expect(volumes.remove('..')).rejects.toThrow(/no usable uid/);
    await expect(volumes.remove('')).rejects.toThrow(/no usable uid/);

    const pod = podWith([{ name: 'c', emptyDir: {} }]);
    pod.spec.volumes = [
      { name: '../../x', emptyDir: {} },
      { name: 'nfs', nfs: { server: 'n', path: '/' } } as unknown as Volume,
      { name: 'none' } as Volume,
      { name: 'fine', emptyDir: {} },
    ];
    const result = await volumes.prepare(pod);
    expect(Object.keys(result.paths)).toEqual(['fine']);
    expect(result.failures).toEqual([
      { volume: '../../x', message: 'invalid volume name "../../x": must be a DNS-1123 label' },
      {
        volume: 'nfs',
        message: 'volume type nfs is not supported (emptyDir, hostPath, configMap and secret are)',
      },
      { volume: 'none', message: 'volume has no type (emptyDir, hostPath, configMap or secret)' },
    ]);
    expect(await fs.readdir(tmp)).toEqual(['data']);
  });
});

describe('PodVolumes: memory volumes', () => {
  it('puts Memory emptyDirs and secrets under memoryRoot, and cleans both roots', async () => {
    const memoryRoot = path.join(tmp, 'shm');
    const mem = new PodVolumes({ root, objects: store, memoryRoot });
    await store.create(
      admitted({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'shop' },
        data: { k: b64('v') },
      }),
    );
    await putConfigMap('settings', { a: '1' });
    const result = await mem.prepare(
      podWith([
        { name: 'disk', emptyDir: {} },
        { name: 'ram', emptyDir: { medium: 'Memory' } },
        { name: 'creds', secret: { secretName: 'creds' } },
        { name: 'config', configMap: { name: 'settings' } },
      ]),
    );
    expect(result.failures).toEqual([]);
    const under = (r: string, plugin: string, name: string) => path.join(r, 'uid-1', 'volumes', plugin, name);
    expect(result.paths).toEqual({
      disk: under(root, 'kubernetes.io~empty-dir', 'disk'),
      ram: under(memoryRoot, 'kubernetes.io~empty-dir', 'ram'),
      creds: under(memoryRoot, 'kubernetes.io~secret', 'creds'),
      config: under(root, 'kubernetes.io~configmap', 'config'),
    });
    expect(await modeOf(memoryRoot)).toBe(0o700);
    expect(await fs.readFile(path.join(result.paths.creds!, 'k'), 'utf8')).toBe('v');

    await mem.prepare(podWith([{ name: 'ram', emptyDir: { medium: 'Memory' } }], 'uid-2'));
    expect(await mem.podUids()).toEqual(['uid-1', 'uid-2']);
    await mem.remove('uid-1');
    await mem.remove('uid-2');
    expect(await mem.podUids()).toEqual([]);
    expect(await fs.readdir(memoryRoot)).toEqual([]);
  });

  it('chooses a per-agent directory on /dev/shm only when it is a tmpfs', async () => {
    // Linux, where the agent runs, always has /dev/shm as a tmpfs (Docker gives one to every container too).
    expect(await isOnTmpfs('/dev/shm')).toBe(true);
    const a = await defaultMemoryRoot('/data/a');
    expect(a).toMatch(/^\/dev\/shm\/shoal-[0-9a-f]{12}$/);
    expect(await defaultMemoryRoot('/data/b')).not.toBe(a);
    expect(await defaultMemoryRoot('/data/x/../a')).toBe(a);
    expect(await defaultMemoryRoot('/data/a', path.join(tmp, 'no-such-shm'))).toBeUndefined();
    await fs.mkdir(path.join(tmp, 'plain'));
    if (await isOnTmpfs(tmp)) return; // os.tmpdir() on a tmpfs: nothing more to compare against.
    expect(await defaultMemoryRoot('/data/a', path.join(tmp, 'plain'))).toBeUndefined();
  });
});

describe('PodVolumes: subPath', () => {
  function podMounting(volumes: Array<Record<string, unknown>>, mounts: Array<Record<string, unknown>>): Pod {
    const pod = podWith(volumes);
    pod.spec.containers[0]!.volumeMounts = mounts as NonNullable<
      Pod['spec']['containers'][0]['volumeMounts']
    >;
    return pod;
  }

  it('creates a missing subPath in the volume with its mode, so non-root containers can write', async () => {
    const pod = podMounting(
      [{ name: 'cache', emptyDir: {} }],
      [{ name: 'cache', mountPath: '/c', subPath: 'a/b' }],
    );
    const result = await volumes.prepare(pod);
    expect(result.failures).toEqual([]);
    expect(await modeOf(path.join(result.paths.cache!, 'a', 'b'))).toBe(0o777);
    // Idempotent: the next sync finds it.
    expect(await volumes.prepare(pod)).toEqual(result);
  });

  it('accepts a configMap key, a link into ..data', async () => {
    await putConfigMap('settings', { greeting: 'hello' });
    const pod = podMounting(
      [{ name: 'config', configMap: { name: 'settings' } }],
      [{ name: 'config', mountPath: '/etc/greeting', subPath: 'greeting' }],
    );
    expect((await volumes.prepare(pod)).failures).toEqual([]);
  });

  it('refuses a subPath that a container turned into a link out of the volume', async () => {
    const pod = podMounting([{ name: 'cache', emptyDir: {} }], []);
    const dir = (await volumes.prepare(pod)).paths.cache!;
    // What a container with the emptyDir mounted could do: plant links to the host's files.
    await fs.symlink('/etc', path.join(dir, 'evil'));
    await fs.symlink('../../../../../..', path.join(dir, 'up'));
    await fs.symlink('/nonexistent-target', path.join(dir, 'dangling'));
    for (const subPath of ['evil', 'evil/ssl', 'up/etc', 'dangling']) {
      pod.spec.containers[0]!.volumeMounts = [{ name: 'cache', mountPath: '/x', subPath }];
      const result = await volumes.prepare(pod);
      expect(result.paths.cache, subPath).toBeUndefined();
      expect(result.failures, subPath).toEqual([
        { volume: 'cache', message: `subpath "${path.join(dir, subPath)}" not within volume path "${dir}"` },
      ]);
    }
    await expect(fs.stat('/nonexistent-target')).rejects.toThrow(/ENOENT/);
    // A link that stays inside is fine.
    await fs.mkdir(path.join(dir, 'real'));
    await fs.symlink('real', path.join(dir, 'alias'));
    pod.spec.containers[0]!.volumeMounts = [{ name: 'cache', mountPath: '/x', subPath: 'alias' }];
    expect((await volumes.prepare(pod)).failures).toEqual([]);
  });
});
