import { beforeEach, describe, expect, it } from 'vitest';

import {
  invalidEnvNamesMessage,
  isEnvVarName,
  resolvePodEnv,
} from '../../agent/kubelet/env/resolvePodEnv.ts';
import {
  buildContainerSpec,
  CONFIG_ERROR,
  type ResolvedEnv,
} from '../../agent/kubelet/plan/containerSpec.ts';
import type { Pod } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

function admitted<T>(raw: Record<string, unknown>): T {
  const result = admitObject(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.object as T;
}

function podWith(containers: Array<Record<string, unknown>>, init: Array<Record<string, unknown>> = []): Pod {
  const pod = admitted<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', uid: 'uid-1' },
    spec: { containers, ...(init.length > 0 ? { initContainers: init } : {}) },
  });
  pod.spec.nodeName = 'node-a';
  return pod;
}

/** The env the planner builds from a resolution: what the container would really get. */
function envOf(pod: Pod, name: string, resolvedEnv: ResolvedEnv | undefined) {
  const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
    (c) => c.name === name,
  )!;
  return buildContainerSpec({
    pod,
    container,
    identity: {
      podUid: 'uid-1',
      podName: 'web',
      namespace: 'shop',
      containerName: name,
      node: 'node-a',
      role: 'app',
      attempt: 0,
    },
    sandboxId: 'sandbox',
    ...(resolvedEnv ? { resolvedEnv } : {}),
    volumePaths: {},
    fields: { podIP: '10.0.0.5' },
    allowPrivileged: false,
  });
}

describe('resolvePodEnv', () => {
  let store: MemoryClusterStore;

  beforeEach(async () => {
    store = new MemoryClusterStore();
    await store.create(
      admitted({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'shop' },
        data: { LOG_LEVEL: 'debug', 'app.conf': 'x=1', '1BAD': 'no', MODE: 'cm' },
        binaryData: { BLOB: Buffer.from('bin').toString('base64') },
      }),
    );
    await store.create(
      admitted({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'shop' },
        data: { password: Buffer.from('s3cr3t\n').toString('base64') },
        // Admission folds stringData into base64 data: the resolver must decode it.
        stringData: { user: 'admin', MODE: 'secret' },
      }),
    );
    // Same name, other namespace: a pod must never see it.
    await store.create(
      admitted({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'elsewhere', namespace: 'default' },
        data: { K: 'v' },
      }),
    );
  });

  it('expands envFrom in order with prefixes, decodes secrets, and lets env win', () => {
    const pod = podWith([
      {
        name: 'app',
        image: 'busybox',
        envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'creds' }, prefix: 'DB_' }],
        env: [
          { name: 'MODE', value: 'plain' },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LOG_LEVEL' } } },
        ],
      },
    ]);
    const resolved = resolvePodEnv(pod, store);
    expect(resolved.app?.error).toBeUndefined();
    expect(resolved.app?.envFrom).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'MODE', value: 'cm' },
      { name: 'app.conf', value: 'x=1' },
      { name: 'DB_MODE', value: 'secret' },
      { name: 'DB_password', value: 's3cr3t\n' },
      { name: 'DB_user', value: 'admin' },
    ]);
    expect(resolved.app?.valueFrom).toEqual({ PW: 's3cr3t\n', LVL: 'debug' });

    const spec = envOf(pod, 'app', resolved.app);
    expect(spec.ok && spec.spec.env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'MODE', value: 'plain' },
      { name: 'app.conf', value: 'x=1' },
      { name: 'DB_MODE', value: 'secret' },
      { name: 'DB_password', value: 's3cr3t\n' },
      { name: 'DB_user', value: 'admin' },
      { name: 'PW', value: 's3cr3t\n' },
      { name: 'LVL', value: 'debug' },
    ]);
  });

  it('skips keys that are not variable names and says which, for the InvalidEnvironmentVariableNames event', () => {
    const pod = podWith([
      { name: 'app', image: 'busybox', envFrom: [{ configMapRef: { name: 'settings' } }] },
      { name: 'prefixed', image: 'busybox', envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'P_' }] },
    ]);
    const resolved = resolvePodEnv(pod, store);
    expect(resolved.app?.envFrom?.map((v) => v.name)).not.toContain('1BAD');
    expect(resolved.app?.envFrom?.map((v) => v.name)).not.toContain('BLOB'); // binaryData is for volumes only
    expect(resolved.app?.invalidEnvFromKeys).toEqual([
      { kind: 'ConfigMap', name: 'settings', keys: ['1BAD'] },
    ]);
    // With a prefix the same key becomes a valid name.
    expect(resolved.prefixed?.envFrom?.map((v) => v.name)).toContain('P_1BAD');
    expect(resolved.prefixed?.invalidEnvFromKeys).toBeUndefined();
    expect(invalidEnvNamesMessage(pod, resolved.app!.invalidEnvFromKeys![0]!)).toBe(
      'Keys [1BAD] from the EnvFrom configMap shop/settings were skipped since they are considered invalid environment variable names.',
    );
  });

  it('fails a container whose non-optional envFrom source is missing, with Kubernetes message', () => {
    const pod = podWith([
      { name: 'app', image: 'busybox', envFrom: [{ configMapRef: { name: 'elsewhere' } }] },
      { name: 'sec', image: 'busybox', envFrom: [{ secretRef: { name: 'nope' } }] },
      {
        name: 'opt',
        image: 'busybox',
        envFrom: [{ configMapRef: { name: 'nope', optional: true } }, { configMapRef: { name: 'settings' } }],
      },
    ]);
    const resolved = resolvePodEnv(pod, store);
    expect(resolved.app?.error).toBe('configmap "elsewhere" not found');
    expect(resolved.sec?.error).toBe('secret "nope" not found');
    expect(resolved.opt?.error).toBeUndefined();
    expect(resolved.opt?.envFrom?.length).toBe(3); // 1BAD skipped

    const spec = envOf(pod, 'app', resolved.app);
    expect(spec).toEqual({ ok: false, reason: CONFIG_ERROR, message: 'configmap "elsewhere" not found' });
    expect(envOf(pod, 'opt', resolved.opt).ok).toBe(true);
  });

  it('reports a missing key or source of a key reference, unless optional', () => {
    const pod = podWith([
      {
        name: 'key',
        image: 'busybox',
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope' } } }],
      },
      {
        name: 'skey',
        image: 'busybox',
        env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }],
      },
      {
        name: 'src',
        image: 'busybox',
        env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }],
      },
      {
        name: 'opt',
        image: 'busybox',
        env: [
          { name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } } },
          { name: 'Y', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } },
          // binaryData is not visible to key references, as in Kubernetes.
          { name: 'Z', valueFrom: { configMapKeyRef: { name: 'settings', key: 'BLOB', optional: true } } },
        ],
      },
    ]);
    const resolved = resolvePodEnv(pod, store);
    expect(resolved.key?.error).toBe("couldn't find key nope in ConfigMap shop/settings");
    expect(resolved.skey?.error).toBe("couldn't find key nope in Secret shop/creds");
    expect(resolved.src?.error).toBe('secret "gone" not found');
    expect(resolved.opt).toEqual({});
    const spec = envOf(pod, 'opt', resolved.opt);
    expect(spec.ok && spec.spec.env).toBeUndefined();
  });

  it('keeps the first problem in the order Kubernetes reads: envFrom, then env', () => {
    const pod = podWith([
      {
        name: 'app',
        image: 'busybox',
        envFrom: [{ secretRef: { name: 'first' } }],
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'second', key: 'k' } } }],
      },
    ]);
    expect(resolvePodEnv(pod, store).app?.error).toBe('secret "first" not found');
  });

  it('resolves init containers too, and leaves plain values and fieldRefs to the planner', () => {
    const pod = podWith(
      [{ name: 'app', image: 'busybox', env: [{ name: 'A', value: '1' }] }],
      [
        {
          name: 'setup',
          image: 'busybox',
          env: [
            { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'U', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } },
          ],
        },
      ],
    );
    const resolved = resolvePodEnv(pod, store);
    expect(Object.keys(resolved).sort()).toEqual(['app', 'setup']);
    expect(resolved.app).toEqual({});
    expect(resolved.setup).toEqual({ valueFrom: { U: 'admin' } });
    const spec = envOf(pod, 'setup', resolved.setup);
    expect(spec.ok && spec.spec.env).toEqual([
      { name: 'IP', value: '10.0.0.5' },
      { name: 'U', value: 'admin' },
    ]);
  });

  it('reads each source once per pod, whatever the number of references', () => {
    let reads = 0;
    const counting = {
      get: (...args: Parameters<MemoryClusterStore['get']>) => {
        reads++;
        return store.get(...args);
      },
    };
    const ref = { configMapRef: { name: 'settings' } };
    const pod = podWith([
      { name: 'a', image: 'busybox', envFrom: [ref] },
      {
        name: 'b',
        image: 'busybox',
        envFrom: [ref],
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } }],
      },
    ]);
    resolvePodEnv(pod, counting);
    expect(reads).toBe(1);
  });

  it("follows Kubernetes' variable name rule", () => {
    for (const ok of ['A', '_a', 'a.b', 'a-b', '.x', 'A1']) expect(isEnvVarName(ok), ok).toBe(true);
    for (const bad of ['', '1A', 'a b', 'a=b', 'é']) expect(isEnvVarName(bad), bad).toBe(false);
  });
});
