import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPullPolicy } from '../../shared/model/defaults.ts';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import type { Deployment, Job, Pod, Secret, Service } from '../../shared/model/types.ts';
import { admitObject, validateObject } from '../../shared/model/validate.ts';

function admitted<T>(raw: unknown): T {
  const result = admitObject(raw);
  if (!result.ok) throw new Error(result.errors.map(formatFieldError).join('\n'));
  return result.object as T;
}

function errorsOf(raw: unknown): string[] {
  const result = admitObject(raw);
  return result.ok ? [] : result.errors.map(formatFieldError);
}

const deployment = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
    ...spec,
  },
});

describe('defaults, as the Kubernetes API server applies them', () => {
  it('fills a deployment: namespace, replicas, RollingUpdate 25%/25%, history, deadline, pod defaults', () => {
    const d = admitted<Deployment>(deployment());
    expect(d.metadata.namespace).toBe('default');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    const pod = d.spec.template.spec;
    expect(pod.restartPolicy).toBe('Always');
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
  });

  it('derives imagePullPolicy from the tag', () => {
    expect(defaultPullPolicy('nginx')).toBe('Always');
    expect(defaultPullPolicy('nginx:latest')).toBe('Always');
    expect(defaultPullPolicy('nginx:1.27')).toBe('IfNotPresent');
    expect(defaultPullPolicy('localhost:5000/app')).toBe('Always');
    expect(defaultPullPolicy('localhost:5000/app:v2')).toBe('IfNotPresent');
    expect(defaultPullPolicy('nginx@sha256:0123')).toBe('IfNotPresent');
  });

  it('defaults service protocol and targetPort, and leaves an explicit namespace', () => {
    const svc = admitted<Service>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    expect(svc.metadata.namespace).toBe('shop');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.sessionAffinity).toBe('None');
    expect(svc.spec.ports?.[0]).toEqual({ port: 80, protocol: 'TCP', targetPort: 80 });
  });

  it('fills probe and container defaults and copies limits into unset requests', () => {
    const pod = admitted<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { port: 80 } },
            resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m' } },
          },
        ],
      },
    });
    const c = pod.spec.containers[0]!;
    expect(c.readinessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.ports?.[0]?.protocol).toBe('TCP');
    expect(c.resources?.requests).toEqual({ cpu: '100m', memory: '64Mi' });
  });

  it("folds a secret's stringData into base64 data", () => {
    const s = admitted<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { pw: 'hi' },
    });
    expect(s.data).toEqual({ pw: 'aGk=' });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
  });

  it('gives a job its counts but requires it to choose OnFailure or Never', () => {
    const raw = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    expect(errorsOf(raw)).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
    const job = admitted<Job>({
      ...raw,
      spec: { template: { spec: { ...raw.spec.template.spec, restartPolicy: 'Never' } } },
    });
    expect([job.spec.parallelism, job.spec.completions, job.spec.backoffLimit]).toEqual([1, 1, 6]);
  });

  it('is idempotent: admitting an admitted object changes nothing', () => {
    const once = admitted<Deployment>(deployment());
    expect(admitted<Deployment>(once)).toEqual(once);
  });
});

describe('errors name the field path and the reason', () => {
  it('reports every error of one object, structural and cross-field together', () => {
    const errors = errorsOf(
      deployment({
        replicas: -1,
        template: {
          metadata: { labels: { app: 'other' } },
          spec: {
            containers: [
              { name: 'web', ports: [{ containerPort: 0 }] },
              { name: 'web', image: 'nginx', imagePullPolicy: 'Sometimes' },
            ],
          },
        },
      }),
    );
    expect(errors).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.containers[0].image: Required value',
      expect.stringMatching(
        /^spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 0: /,
      ),
      'spec.template.spec.containers[1].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
      'spec.template.spec.containers[1].name: Duplicate value: "web"',
    ]);
  });

  it('refuses unknown fields by name instead of dropping them', () => {
    const raw = deployment();
    (raw.spec.template.spec as Record<string, unknown>).serviceAccountName = 'builder';
    (raw as Record<string, unknown>).extra = true;
    expect(errorsOf(raw).sort()).toEqual([
      'extra: Unknown field: field not supported by Shoal',
      'spec.template.spec.serviceAccountName: Unknown field: field not supported by Shoal',
    ]);
  });

  it('refuses unknown kinds and old API versions by name', () => {
    expect(
      errorsOf({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'x' } })[0],
    ).toMatch(/^kind: Unsupported value: "Ingress": supported values: "Namespace", /);
    expect(errorsOf({ ...deployment(), apiVersion: 'extensions/v1beta1' })).toEqual([
      'apiVersion: Unsupported value: "extensions/v1beta1": supported values: "apps/v1"',
    ]);
  });

  it('refuses UDP and LoadBalancer, which Shoal does not serve, and checks node ports', () => {
    const errors = errorsOf({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dns' },
      spec: { type: 'LoadBalancer', ports: [{ port: 53, protocol: 'UDP' }] },
    });
    expect(errors).toEqual([
      'spec.type: Unsupported value: "LoadBalancer": supported values: "ClusterIP", "NodePort"',
      'spec.ports[0].protocol: Unsupported value: "UDP": Shoal\'s service proxy supports TCP only',
    ]);
    expect(
      errorsOf({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 80 }, { port: 81 }] },
      }),
    ).toEqual([
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
      'spec.ports[1].name: Required value',
    ]);
  });

  it('requires a name, and forbids a namespace on cluster-scoped kinds', () => {
    expect(errorsOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(
      errorsOf({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'default' } }),
    ).toEqual(['metadata.namespace: Forbidden: not allowed: Node is not namespaced']);
  });

  it('treats null as unset, as Kubernetes decodes it', () => {
    const raw = deployment({ strategy: null, minReadySeconds: null });
    (raw.metadata as Record<string, unknown>).creationTimestamp = null;
    expect(errorsOf(raw)).toEqual([]);
  });

  it('checks volumes, mounts, probes and env sources against each other', () => {
    const rules = errorsOf({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { 'bad key!': 'x' } },
      spec: {
        volumes: [{ name: 'data' }, { name: 'both', emptyDir: {}, hostPath: { path: '/tmp' } }],
        containers: [
          {
            name: 'c',
            image: 'busybox',
            volumeMounts: [{ name: 'nope', mountPath: '/x', subPath: '../etc' }],
            livenessProbe: { tcpSocket: { port: 'http' } },
            env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
          },
        ],
      },
    });
    // The label error is structural; the rules still run, so all eight problems are reported at once.
    expect(rules).toEqual([
      expect.stringMatching(/^metadata\.labels\[bad key!\]: Invalid value: "bad key!": /),
      'spec.volumes[0]: Required value: must specify a volume type',
      'spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.containers[0].volumeMounts[0].name: Not found: "nope"',
      'spec.containers[0].volumeMounts[0].subPath: Invalid value: "../etc": must be a relative path not containing \'..\'',
      'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].livenessProbe.tcpSocket.port: Not found: "http"',
      'spec.containers[0].resources.requests.cpu: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]);
  });
});

describe('values read back from the cluster document', () => {
  it('accepts what admission produced and rejects what it would not', () => {
    const d = admitted<Deployment>(deployment());
    expect(validateObject(d).ok).toBe(true);
    expect(validateObject({ ...d, spec: { ...d.spec, replicas: 'three' } }).ok).toBe(false);
    expect(validateObject({ ...d, kind: 'Nope' }).ok).toBe(false);
  });

  it('never throws, whatever a peer wrote (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof admitObject(value).ok).toBe('boolean');
        expect(typeof validateObject(value).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on deployments with random parts replaced (property)', () => {
    const base = deployment();
    fc.assert(
      fc.property(
        fc.constantFrom('spec', 'metadata', 'template', 'containers', 'selector', 'ports'),
        fc.anything(),
        (where, junk) => {
          const raw = structuredClone(base) as Record<string, unknown> & typeof base;
          if (where === 'spec' || where === 'metadata') raw[where] = junk as never;
          else if (where === 'template') (raw.spec as Record<string, unknown>).template = junk;
          else if (where === 'selector') (raw.spec as Record<string, unknown>).selector = junk;
          else if (where === 'containers')
            (raw.spec.template.spec as Record<string, unknown>).containers = junk;
          else (raw.spec.template.spec.containers[0] as Record<string, unknown>).ports = junk;
          const result = admitObject(raw);
          if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a valid deployment with any replica count and labels is admitted and re-validates (property)', () => {
    const labelValue = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.nat(1000), labelValue, (replicas, app) => {
        const raw = deployment({
          replicas,
          selector: { matchLabels: { app } },
          template: {
            metadata: { labels: { app } },
            spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
          },
        });
        const result = admitObject(raw);
        expect(result.ok).toBe(true);
        if (result.ok) expect(validateObject(result.object).ok).toBe(true);
      }),
    );
  });
});
