import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyActions } from '../../agent/controllers/applyActions.ts';
import type {
  ClusterView,
  ControllerAction,
  ControllerContext,
} from '../../agent/controllers/controllerTypes.ts';
import {
  EndpointsController,
  NODE_PORTS_KEY,
} from '../../agent/controllers/endpoints/EndpointsController.ts';
import { endpointSubsetsFor, findTargetPort } from '../../agent/controllers/endpoints/endpointSubsets.ts';
import { MANAGED_BY_ANNOTATION } from '../../agent/controllers/endpoints/planEndpoints.ts';
import { planNodePorts } from '../../agent/controllers/endpoints/planNodePorts.ts';
import type { EventRecord } from '../../agent/events/EventRecorder.ts';
import type { Kind } from '../../shared/model/kinds.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { Endpoints, Pod, Service } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';
import { MemoryClusterStore } from '../../shared/store/MemoryClusterStore.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

type ServicePort = NonNullable<Service['spec']['ports']>[number];

function service(
  name: string,
  o: {
    selector?: Record<string, string>;
    ports?: ServicePort[];
    type?: 'ClusterIP' | 'NodePort';
    created?: string;
    labels?: Record<string, string>;
  } = {},
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}` as Uid,
      resourceVersion: '5',
      creationTimestamp: o.created ?? '2026-06-01T10:00:00Z',
      ...(o.labels ? { labels: o.labels } : {}),
    },
    spec: {
      type: o.type ?? 'ClusterIP',
      ...(o.selector ? { selector: o.selector } : {}),
      ports: o.ports ?? [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
    },
  } as Service;
}

interface PodOptions {
  labels?: Record<string, string>;
  ip?: string;
  ready?: boolean;
  deleting?: boolean;
  ports?: { name: string; containerPort: number }[];
  phase?: 'Running' | 'Succeeded';
}

function pod(name: string, o: PodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}` as Uid,
      labels: o.labels ?? { app: 'web' },
      ...(o.deleting ? { deletionTimestamp: '2026-06-01T11:59:00Z' } : {}),
    },
    spec: {
      nodeName: 'n1',
      containers: [
        {
          name: 'app',
          image: 'shoal.test/busybox:1',
          ...(o.ports ? { ports: o.ports.map((p) => ({ ...p, protocol: 'TCP' })) } : {}),
        },
      ],
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === undefined ? {} : { podIP: o.ip }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  } as Pod;
}

function viewOf(objects: readonly KubeObject[]): ClusterView {
  const ns = (o: KubeObject) => o.metadata.namespace ?? '';
  return {
    get: (kind: Kind, namespace: string | undefined, name: string) =>
      objects.find((o) => o.kind === kind && ns(o) === (namespace ?? '') && o.metadata.name === name),
    list: (kind: Kind, opts?: { namespace?: string }) =>
      objects.filter((o) => o.kind === kind && (opts?.namespace === undefined || ns(o) === opts.namespace)),
  };
}

const context = (objects: readonly KubeObject[]): ControllerContext => ({
  view: viewOf(objects),
  now: NOW,
  term: 1,
  randomSuffix: (n) => '0'.repeat(n),
});

const controller = new EndpointsController();
const reconcile = (objects: KubeObject[], key = 'default/web'): ControllerAction[] =>
  controller.reconcile(key, context(objects)).actions;

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

function managedEndpoints(subsets: Endpoints['subsets']): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'uid-ep' as Uid,
      resourceVersion: '9',
      annotations: { [MANAGED_BY_ANNOTATION]: 'endpoints-controller' },
    },
    ...(subsets ? { subsets } : {}),
  } as Endpoints;
}

describe('Endpoints planner', () => {
  it('lists Ready pods as addresses and the others as notReadyAddresses, sorted by ip', () => {
    const svc = service('web', { selector: { app: 'web' }, labels: { team: 'a' } });
    const actions = reconcile([
      svc,
      pod('b', { ip: '10.0.0.2' }),
      pod('a', { ip: '10.0.0.10' }),
      pod('c', { ip: '10.0.0.1' }),
      pod('slow', { ip: '10.0.0.5', ready: false }),
      pod('gone', { ip: '10.0.0.6', deleting: true }),
      pod('no-ip'),
      pod('done', { ip: '10.0.0.7', phase: 'Succeeded' }),
      pod('other', { ip: '10.0.0.8', labels: { app: 'db' } }),
    ]);
    expect(actions).toEqual([
      {
        type: 'create',
        object: {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: {
            name: 'web',
            namespace: 'default',
            labels: { team: 'a' },
            annotations: { [MANAGED_BY_ANNOTATION]: 'endpoints-controller' },
          },
          subsets: [
            {
              addresses: [
                { ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('c') },
                { ip: '10.0.0.10', nodeName: 'n1', targetRef: ref('a') },
                { ip: '10.0.0.2', nodeName: 'n1', targetRef: ref('b') },
              ],
              notReadyAddresses: [{ ip: '10.0.0.5', nodeName: 'n1', targetRef: ref('slow') }],
              ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
            },
          ],
        },
      },
    ]);
  });

  it('resolves named target ports per pod and leaves a pod without the name out of that port', () => {
    const svc = service('web', {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
        { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9100 },
      ],
    });
    const v1 = pod('v1', { ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] });
    const v2 = pod('v2', { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 8081 }] });
    const bare = pod('bare', { ip: '10.0.0.3' });
    expect(findTargetPort(v2, svc.spec.ports?.[0] as ServicePort)).toBe(8081);
    expect(findTargetPort(bare, svc.spec.ports?.[0] as ServicePort)).toBeUndefined();
    const [action] = reconcile([svc, v1, v2, bare]);
    expect(action?.type).toBe('create');
    const subsets = (action as { object: Endpoints }).object.subsets;
    expect(subsets).toEqual([
      {
        addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('v1') }],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9100, protocol: 'TCP' },
        ],
      },
      {
        addresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: ref('v2') }],
        ports: [
          { name: 'http', port: 8081, protocol: 'TCP' },
          { name: 'metrics', port: 9100, protocol: 'TCP' },
        ],
      },
      {
        addresses: [{ ip: '10.0.0.3', nodeName: 'n1', targetRef: ref('bare') }],
        ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }],
      },
    ]);
  });

  it('updates conditionally only when different, and drops a pod that left the selector', () => {
    const svc = service('web', { selector: { app: 'web' } });
    const current = managedEndpoints([
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('a') },
          { ip: '10.0.0.2', nodeName: 'n1', targetRef: ref('b') },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    const a = pod('a', { ip: '10.0.0.1' });
    const b = pod('b', { ip: '10.0.0.2' });
    expect(reconcile([svc, current, a, b])).toEqual([]);

    const relabelled = pod('b', { ip: '10.0.0.2', labels: { app: 'debug' } });
    // The watch event carries only the new pod: its key comes from the Endpoints that still list it.
    expect(controller.keysFor(relabelled, viewOf([svc, current, a]))).toEqual(['default/web']);
    expect(controller.keysFor(a, viewOf([svc, a]))).toEqual(['default/web']);
    const actions = reconcile([svc, current, a, relabelled]);
    expect(actions).toHaveLength(1);
    const update = actions[0] as { type: string; object: Endpoints };
    expect(update.type).toBe('update');
    expect(update.object.metadata.resourceVersion).toBe('9');
    expect(update.object.subsets?.[0]?.addresses).toEqual([
      { ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('a') },
    ]);
  });

  it('deletes its Endpoints when the Service is gone or loses its selector, never a user-written one', () => {
    const current = managedEndpoints(undefined);
    const deletion = { type: 'delete', kind: 'Endpoints', namespace: 'default', name: 'web', uid: 'uid-ep' };
    expect(reconcile([current])).toEqual([deletion]);
    expect(reconcile([service('web'), current])).toEqual([deletion]);

    const userWritten: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', uid: 'uid-user' as Uid },
      subsets: [{ addresses: [{ ip: '192.168.1.5' }], ports: [{ name: 'http', port: 5432 }] }],
    } as Endpoints;
    expect(reconcile([service('web'), userWritten])).toEqual([]);
    expect(reconcile([service('web', { selector: {} }), userWritten])).toEqual([]);
    expect(reconcile([userWritten])).toEqual([]);
  });

  it('keeps an Endpoints without subsets for a selector that matches nothing', () => {
    const [action] = reconcile([service('web', { selector: { app: 'web' } })]);
    expect(action).toMatchObject({
      type: 'create',
      object: { kind: 'Endpoints', metadata: { name: 'web' } },
    });
    expect((action as { object: Endpoints }).object.subsets).toBeUndefined();
    expect(reconcile([service('web', { selector: { app: 'web' } }), managedEndpoints(undefined)])).toEqual(
      [],
    );
  });
});

describe('Endpoints subsets, for any pods', () => {
  const podArb = fc.record({
    ip: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    ready: fc.boolean(),
    deleting: fc.boolean(),
    named: fc.option(fc.integer({ min: 8000, max: 8003 }), { nil: undefined }),
  });
  const svc = service('web', {
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'admin', port: 81, protocol: 'TCP', targetPort: 9000 },
    ],
  });

  it('do not depend on the pods order and list each serving pod once per port it resolves', () => {
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 12 }), fc.nat(), (specs, seed) => {
        const pods = specs.map((o, i) =>
          pod(`p${i}`, {
            ...(o.ip === undefined ? {} : { ip: `10.0.0.${o.ip}` }),
            ready: o.ready,
            deleting: o.deleting,
            ...(o.named === undefined ? {} : { ports: [{ name: 'http', containerPort: o.named }] }),
          }),
        );
        const subsets = endpointSubsetsFor(svc, pods);
        const rotated = [
          ...pods.slice(seed % (pods.length || 1)),
          ...pods.slice(0, seed % (pods.length || 1)),
        ];
        expect(endpointSubsetsFor(svc, rotated.reverse())).toEqual(subsets);
        for (const [i, o] of specs.entries()) {
          const serving = o.ip !== undefined && !o.deleting;
          const field = o.ready ? 'addresses' : 'notReadyAddresses';
          const portsOfPod = subsets
            .filter((ss) => (ss[field] ?? []).some((a) => a.targetRef?.name === `p${i}`))
            .flatMap((ss) => (ss.ports ?? []).map((p) => `${p.name}:${p.port}`));
          const expected = serving
            ? [...(o.named === undefined ? [] : [`http:${o.named}`]), 'admin:9000']
            : [];
          expect(portsOfPod.sort()).toEqual(expected.sort());
        }
        for (const ss of subsets) {
          for (const list of [ss.addresses ?? [], ss.notReadyAddresses ?? []]) {
            const ips = list.map((a) => a.ip);
            expect(ips).toEqual([...ips].sort());
          }
        }
      }),
    );
  });
});

describe('NodePort allocation', () => {
  const nodePort = (name: string, nodePorts: (number | undefined)[], created = '2026-06-01T10:00:00Z') =>
    service(name, {
      type: 'NodePort',
      created,
      ports: nodePorts.map((n, i) => ({
        name: `p${i}`,
        port: 80 + i,
        protocol: 'TCP',
        targetPort: 8080,
        ...(n ? { nodePort: n } : {}),
      })),
    });

  it('picks free ports from 30000 for every Service at once, skipping taken ones', () => {
    const actions = planNodePorts(
      [nodePort('a', [30000, undefined]), nodePort('b', [undefined], '2026-06-01T11:00:00Z'), service('c')],
      NOW,
    );
    expect(actions.map((a) => a.type)).toEqual(['update', 'update']);
    const ports = actions.map((a) => (a as { object: Service }).object.spec.ports?.map((p) => p.nodePort));
    expect(ports).toEqual([[30000, 30001], [30002]]);
    expect((actions[0] as { object: Service }).object.metadata.resourceVersion).toBe('5');
    expect(planNodePorts([nodePort('a', [30000, 30001])], NOW)).toEqual([]);
  });

  it('leaves a port given twice as is and warns the later Service once', () => {
    const older = nodePort('older', [30080]);
    const later = nodePort('later', [30080], '2026-06-01T11:00:00Z');
    const actions = planNodePorts([later, older], NOW);
    expect(actions).toEqual([
      {
        type: 'updateStatus',
        kind: 'Service',
        namespace: 'default',
        name: 'later',
        status: {
          conditions: [
            {
              type: 'NodePortsAllocated',
              status: 'False',
              reason: 'PortAlreadyAllocated',
              message: 'Port 30080 is already allocated to Service default/older',
              lastTransitionTime: NOW.toISOString(),
            },
          ],
        },
      },
      {
        type: 'event',
        event: {
          involvedObject: { kind: 'Service', namespace: 'default', name: 'later', uid: 'uid-later' },
          type: 'Warning',
          reason: 'PortAlreadyAllocated',
          message: 'Port 30080 is already allocated to Service default/older',
        },
      },
    ]);
    // On resync, with the condition written, nothing more.
    const status = (actions[0] as { status: Service['status'] }).status;
    const marked = { ...later, status } as Service;
    expect(planNodePorts([marked, older], NOW)).toEqual([]);
    // Once the older Service is gone, the condition goes.
    expect(planNodePorts([marked], NOW)).toEqual([
      { type: 'updateStatus', kind: 'Service', namespace: 'default', name: 'later', status: {} },
    ]);
  });

  it('runs under its own key', () => {
    expect(controller.keysFor(nodePort('a', [undefined]), viewOf([]))).toContain(NODE_PORTS_KEY);
    expect(controller.allKeys(viewOf([]))).toEqual([NODE_PORTS_KEY]);
    const actions = controller.reconcile(NODE_PORTS_KEY, context([nodePort('a', [undefined])])).actions;
    expect(actions).toHaveLength(1);
  });
});

describe('Endpoints controller against a store', () => {
  it('plans writes the store accepts, and converges', async () => {
    const store = new MemoryClusterStore();
    const recorded: EventRecord[] = [];
    const recorder = { record: (e: EventRecord) => recorded.push(e) };
    const admit = (raw: unknown) => {
      const admitted = admitObject(raw);
      if (!admitted.ok) throw new Error(JSON.stringify(admitted.errors));
      return admitted.object as KubeObject;
    };
    await store.create(
      admit({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          type: 'NodePort',
          selector: { app: 'web' },
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      }),
    );
    for (const [name, ip] of [
      ['web-1', '10.0.0.1'],
      ['web-2', '10.0.0.2'],
    ] as const) {
      await store.create(
        admit({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, labels: { app: 'web' } },
          spec: {
            nodeName: 'n1',
            containers: [
              { name: 'app', image: 'shoal.test/busybox:1', ports: [{ name: 'http', containerPort: 8080 }] },
            ],
          },
        }),
      );
      await store.updateStatus('Pod', 'default', name, {
        phase: 'Running',
        podIP: ip,
        conditions: [{ type: 'Ready', status: name === 'web-1' ? 'True' : 'False' }],
      });
    }
    const ctx = (): ControllerContext => ({ ...context([]), view: store, now: new Date() });
    for (let round = 0; round < 2; round++) {
      for (const key of controller.allKeys(store)) {
        const { actions } = controller.reconcile(key, ctx());
        expect(await applyActions(store, recorder, actions)).toEqual([]);
      }
    }
    for (const key of controller.allKeys(store)) expect(controller.reconcile(key, ctx()).actions).toEqual([]);
    const ep = store.get('Endpoints', 'default', 'web') as Endpoints;
    expect(ep.metadata.labels).toEqual({ app: 'web' });
    expect(ep.subsets).toEqual([
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'n1', targetRef: expect.objectContaining({ name: 'web-1' }) },
        ],
        notReadyAddresses: [
          { ip: '10.0.0.2', nodeName: 'n1', targetRef: expect.objectContaining({ name: 'web-2' }) },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect((store.get('Service', 'default', 'web') as Service).spec.ports?.[0]?.nodePort).toBe(30000);

    await store.delete('Service', 'default', 'web');
    for (const key of controller.allKeys(store)) {
      expect(await applyActions(store, recorder, controller.reconcile(key, ctx()).actions)).toEqual([]);
    }
    expect(store.get('Endpoints', 'default', 'web')).toBeUndefined();
    expect(recorded).toEqual([]);
  });
});
