// `shoal get` tables: kubectl's columns, cell formats and layout, as pure functions.
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../agent/cli/tables/age.ts';
import { podSummary } from '../../agent/cli/tables/core.ts';
import {
  buildTable,
  renderTable,
  type TableOptions,
  WatchTablePrinter,
} from '../../agent/cli/tables/index.ts';
import { formatEndpoints } from '../../agent/cli/tables/network.ts';
import { GET_TABLE, tabwrite } from '../../agent/cli/tables/tabwriter.ts';
import type { KubeObject } from '../../shared/model/meta.ts';
import type { Endpoints, Pod } from '../../shared/model/types.ts';

const NOW = new Date('2024-05-10T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const opts = (o: Partial<TableOptions> = {}): TableOptions => ({ now: NOW, ...o });
const table = (kind: KubeObject['kind'], objects: unknown[], o: Partial<TableOptions> = {}) =>
  renderTable(buildTable(kind, objects as KubeObject[], opts(o)));

function pod(
  name: string,
  extra: { spec?: Partial<Pod['spec']>; status?: Pod['status']; meta?: object } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: ago(300), ...extra.meta },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra.spec },
    ...(extra.status ? { status: extra.status } : {}),
  } as Pod;
}

const running = (restartCount = 0, ready = true) => ({
  name: 'c',
  image: 'nginx',
  ready,
  restartCount,
  state: { running: { startedAt: ago(100) } },
});

describe('ages (HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [-0.5, '0s'],
    [-3, '<invalid>'],
    [45, '45s'],
    [119, '119s'],
    [120, '2m'],
    [330, '5m30s'],
    [600, '10m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 180, '5h3m'],
    [8 * 3600 + 600, '8h'],
    [47 * 3600, '47h'],
    [48 * 3600, '2d'],
    [52 * 3600, '2d4h'],
    [8 * 86400, '8d'],
    [400 * 86400, '400d'],
    [730 * 86400, '2y'],
    [775 * 86400, '2y45d'],
    [9 * 365 * 86400, '9y'],
  ])('%d s is %s', (seconds, text) => {
    expect(humanDuration(seconds * 1000)).toBe(text);
  });
});

describe('tabwriter', () => {
  it('pads each column to its widest cell plus 3 (at least 6), leaving the last column unpadded', () => {
    expect(tabwrite('NAME\tREADY\tAGE\nweb-1\t1/1\t5s\n', GET_TABLE)).toBe(
      'NAME    READY   AGE\n' + 'web-1   1/1     5s\n',
    );
  });

  it('aligns blocks of consecutive lines separately, as describe output does', () => {
    const text = 'Name:\tweb\nNamespace:\tdefault\nContainers:\n  web:\n    Image:\tnginx\n';
    expect(tabwrite(text, { minWidth: 0, padding: 2 })).toBe(
      'Name:       web\nNamespace:  default\nContainers:\n  web:\n    Image:  nginx\n',
    );
  });
});

describe('pods', () => {
  it('prints NAME READY STATUS RESTARTS AGE exactly as kubectl', () => {
    const p = pod('web-1', {
      status: {
        phase: 'Running',
        containerStatuses: [
          { ...running(2), lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } },
        ],
      },
    });
    expect(table('Pod', [p, pod('pending')])).toBe(
      [
        'NAME      READY   STATUS    RESTARTS      AGE',
        'web-1     1/1     Running   2 (90s ago)   5m',
        'pending   0/1     Pending   0             5m',
        '',
      ].join('\n'),
    );
  });

  it('derives STATUS from container states, init containers and deletion as kubectl does', () => {
    const status = (p: Pod) => podSummary(p, NOW).status;
    const waiting = {
      name: 'c',
      image: 'x',
      ready: false,
      restartCount: 5,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    };
    expect(status(pod('a', { status: { phase: 'Running', containerStatuses: [waiting] } }))).toBe(
      'CrashLoopBackOff',
    );
    const done = { ...waiting, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    expect(status(pod('b', { status: { phase: 'Succeeded', containerStatuses: [done] } }))).toBe('Completed');
    const killed = { ...waiting, state: { terminated: { exitCode: 137, signal: 9 } } };
    expect(status(pod('c', { status: { phase: 'Failed', containerStatuses: [killed] } }))).toBe('Signal:9');
    const exit = { ...waiting, state: { terminated: { exitCode: 3 } } };
    expect(status(pod('d', { status: { phase: 'Failed', containerStatuses: [exit] } }))).toBe('ExitCode:3');
    const withInit = {
      spec: {
        initContainers: [
          { name: 'i', image: 'x' },
          { name: 'j', image: 'x' },
        ],
      },
    };
    const initWaiting = { ...waiting, name: 'i', state: { waiting: { reason: 'PodInitializing' } } };
    expect(
      status(pod('e', { ...withInit, status: { phase: 'Pending', initContainerStatuses: [initWaiting] } })),
    ).toBe('Init:0/2');
    const initFailed = { ...waiting, name: 'i', state: { terminated: { exitCode: 1, reason: 'Error' } } };
    expect(
      status(pod('f', { ...withInit, status: { phase: 'Pending', initContainerStatuses: [initFailed] } })),
    ).toBe('Init:Error');
    const deleting = pod('g', { meta: { deletionTimestamp: ago(1) }, status: { phase: 'Running' } });
    expect(status(deleting)).toBe('Terminating');
    expect(status(pod('h', { status: { phase: 'Failed', reason: 'Evicted' } }))).toBe('Evicted');
    const twoReady = pod('i', {
      spec: {
        containers: [
          { name: 'c', image: 'x' },
          { name: 'd', image: 'x' },
        ],
      },
      status: { phase: 'Running', containerStatuses: [running(), { ...running(), name: 'd', ready: false }] },
    });
    expect(podSummary(twoReady, NOW).ready).toBe('1/2');
  });

  it('adds IP NODE NOMINATED NODE READINESS GATES with -o wide, NAMESPACE with -A, LABELS with --show-labels', () => {
    const p = pod('web', {
      meta: { labels: { app: 'web', tier: 'front' } },
      spec: { nodeName: 'node-a' },
      status: { phase: 'Running', podIP: '10.1.0.5', containerStatuses: [running()] },
    });
    const t = buildTable('Pod', [p, pod('new')], opts({ wide: true, withNamespace: true, showLabels: true }));
    expect(t.headers).toEqual([
      'NAMESPACE',
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
      'LABELS',
    ]);
    expect(t.rows[0]).toEqual([
      'default',
      'web',
      '1/1',
      'Running',
      '0',
      '5m',
      '10.1.0.5',
      'node-a',
      '<none>',
      '<none>',
      'app=web,tier=front',
    ]);
    expect(t.rows[1]?.slice(6)).toEqual(['<none>', '<none>', '<none>', '<none>', '<none>']);
  });

  it('names rows kind/name when several kinds are printed', () => {
    expect(buildTable('Deployment', [{ ...deploy('web') }], opts({ withKind: true })).rows[0]?.[0]).toBe(
      'deployment.apps/web',
    );
  });
});

function node(
  name: string,
  o: { ready?: string; labels?: Record<string, string>; unschedulable?: boolean } = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Node' as const,
    metadata: { name, creationTimestamp: ago(2 * 86400 + 4 * 3600), labels: o.labels },
    spec: { unschedulable: o.unschedulable },
    status: {
      conditions: o.ready ? [{ type: 'Ready', status: o.ready }] : [],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      nodeInfo: {
        kubeletVersion: 'v0.1.0',
        osImage: 'Debian GNU/Linux 12',
        kernelVersion: '6.1.0',
        containerRuntimeVersion: 'docker://24.0.5',
      },
    },
  };
}

function deploy(name: string, status?: object) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment' as const,
    metadata: { name, namespace: 'default', creationTimestamp: ago(3600) },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.25' },
            { name: 'log', image: 'busybox' },
          ],
        },
      },
    },
    ...(status ? { status } : {}),
  };
}

describe('nodes', () => {
  it('prints NAME STATUS ROLES AGE VERSION, with roles from node-role labels', () => {
    const nodes = [
      node('a', {
        ready: 'True',
        labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/leader': '' },
      }),
      node('b', { ready: 'False', unschedulable: true }),
      node('c'),
    ];
    expect(table('Node', nodes)).toBe(
      [
        'NAME   STATUS                        ROLES                  AGE    VERSION',
        'a      Ready                         control-plane,leader   2d4h   v0.1.0',
        'b      NotReady,SchedulingDisabled   <none>                 2d4h   v0.1.0',
        'c      Unknown                       <none>                 2d4h   v0.1.0',
        '',
      ].join('\n'),
    );
  });

  it('adds INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME with -o wide', () => {
    const t = buildTable('Node', [node('a', { ready: 'True' })], opts({ wide: true }));
    expect(t.headers.slice(5)).toEqual([
      'INTERNAL-IP',
      'EXTERNAL-IP',
      'OS-IMAGE',
      'KERNEL-VERSION',
      'CONTAINER-RUNTIME',
    ]);
    expect(t.rows[0]?.slice(5)).toEqual([
      '10.0.0.1',
      '<none>',
      'Debian GNU/Linux 12',
      '6.1.0',
      'docker://24.0.5',
    ]);
  });
});

describe('workloads', () => {
  it('deployments: NAME READY UP-TO-DATE AVAILABLE AGE, wide CONTAINERS IMAGES SELECTOR', () => {
    const d = deploy('web', { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 });
    expect(table('Deployment', [d, deploy('new')])).toBe(
      [
        'NAME   READY   UP-TO-DATE   AVAILABLE   AGE',
        'web    2/3     3            2           60m',
        'new    0/3     0            0           60m',
        '',
      ].join('\n'),
    );
    const wide = buildTable('Deployment', [d], opts({ wide: true }));
    expect(wide.headers.slice(5)).toEqual(['CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide.rows[0]?.slice(5)).toEqual(['web,log', 'nginx:1.25,busybox', 'app=web']);
  });

  it('replica sets: NAME DESIRED CURRENT READY AGE', () => {
    const rs = { ...deploy('web-5d4f'), kind: 'ReplicaSet', status: { replicas: 3, readyReplicas: 1 } };
    expect(buildTable('ReplicaSet', [rs as KubeObject], opts()).rows[0]).toEqual([
      'web-5d4f',
      '3',
      '3',
      '1',
      '60m',
    ]);
  });

  it('daemon sets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE', () => {
    const d = deploy('agent');
    const ds = {
      ...d,
      kind: 'DaemonSet',
      spec: {
        ...d.spec,
        template: { ...d.spec.template, spec: { ...d.spec.template.spec, nodeSelector: { disk: 'ssd' } } },
      },
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        numberMisscheduled: 0,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    };
    const t = buildTable('DaemonSet', [ds as KubeObject], opts());
    expect(t.headers).toEqual([
      'NAME',
      'DESIRED',
      'CURRENT',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'NODE SELECTOR',
      'AGE',
    ]);
    expect(t.rows[0]).toEqual(['agent', '3', '3', '2', '3', '2', 'disk=ssd', '60m']);
  });

  it('jobs: NAME STATUS COMPLETIONS DURATION AGE', () => {
    const job = (name: string, spec: object, status: object) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default', creationTimestamp: ago(600) },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } }, ...spec },
      status,
    });
    const jobs = [
      job(
        'done',
        { completions: 1 },
        {
          succeeded: 1,
          startTime: ago(600),
          completionTime: ago(570),
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      ),
      job('busy', { completions: 5 }, { succeeded: 2, active: 1, startTime: ago(300) }),
      job('par', { parallelism: 3 }, { conditions: [{ type: 'Failed', status: 'True' }] }),
    ];
    expect(table('Job', jobs)).toBe(
      [
        'NAME   STATUS     COMPLETIONS   DURATION   AGE',
        'done   Complete   1/1           30s        10m',
        'busy   Running    2/5           5m         10m',
        'par    Failed     0/1 of 3                 10m',
        '',
      ].join('\n'),
    );
  });
});

describe('services, endpoints, config', () => {
  it('services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(86400 * 3) },
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.10',
        selector: { app: 'web' },
        ports: [
          { port: 80, protocol: 'TCP', nodePort: 30080 },
          { port: 443, protocol: 'TCP' },
        ],
      },
    };
    const bare = { ...svc, metadata: { ...svc.metadata, name: 'bare' }, spec: { type: 'ClusterIP' } };
    expect(table('Service', [svc, bare], { wide: true })).toBe(
      [
        'NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                AGE   SELECTOR',
        'web    NodePort    10.96.0.10   <none>        80:30080/TCP,443/TCP   3d    app=web',
        'bare   ClusterIP   <none>       <none>        <none>                 3d    <none>',
        '',
      ].join('\n'),
    );
  });

  it('services without a cluster IP show where the answering agent serves them', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(60) },
      spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] },
    };
    const given = {
      ...svc,
      metadata: { ...svc.metadata, name: 'given' },
      spec: { ...svc.spec, clusterIP: '10.96.0.9' },
    };
    expect(table('Service', [svc, given], { serviceAddress: '127.0.1.1' })).toBe(
      [
        'NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE',
        'web     ClusterIP   127.0.1.1    <none>        80/TCP    60s',
        'given   ClusterIP   10.96.0.9    <none>        80/TCP    60s',
        '',
      ].join('\n'),
    );
  });

  it('endpoints: at most three addresses, then "+ N more..."', () => {
    const ep = (subsets: Endpoints['subsets']) =>
      ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets }) as Endpoints;
    const addresses = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((ip) => ({ ip }));
    expect(formatEndpoints(ep([{ addresses, ports: [{ port: 80 }] }]))).toBe(
      '10.1.0.1:80,10.1.0.2:80,10.1.0.3:80 + 1 more...',
    );
    expect(formatEndpoints(ep([{ addresses: addresses.slice(0, 2) }]))).toBe('10.1.0.1,10.1.0.2');
    expect(formatEndpoints(ep([]))).toBe('<none>');
    expect(formatEndpoints(ep(undefined))).toBe('<none>');
    expect(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]))).toBe(
      '[fd00::1]:80',
    );
  });

  it('config maps (DATA), secrets (TYPE DATA), namespaces (STATUS)', () => {
    const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: ago(45) });
    expect(
      buildTable(
        'ConfigMap',
        [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: meta('cfg'),
            data: { a: '1', b: '2' },
            binaryData: { c: 'AA==' },
          } as KubeObject,
        ],
        opts(),
      ).rows,
    ).toEqual([['cfg', '3', '45s']]);
    expect(
      buildTable(
        'Secret',
        [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: meta('s'),
            type: 'kubernetes.io/tls',
            data: { a: 'eA==' },
          } as KubeObject,
        ],
        opts(),
      ).rows,
    ).toEqual([['s', 'kubernetes.io/tls', '1', '45s']]);
    expect(
      buildTable(
        'Namespace',
        [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', creationTimestamp: ago(45) } }],
        opts(),
      ).rows,
    ).toEqual([['team', 'Active', '45s']]);
  });

  it('events: LAST SEEN TYPE REASON OBJECT MESSAGE, with NAMESPACE first for -A', () => {
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web' },
      reason: 'Started',
      message: 'Started container web ',
      type: 'Normal',
      firstTimestamp: ago(600),
      lastTimestamp: ago(30),
      count: 3,
    };
    expect(table('Event', [ev], { withNamespace: true })).toBe(
      [
        'NAMESPACE   LAST SEEN   TYPE     REASON    OBJECT    MESSAGE',
        'default     30s         Normal   Started   pod/web   Started container web',
        '',
      ].join('\n'),
    );
  });
});

describe('watch rows', () => {
  it('keeps the widths of the table printed first and widens for longer cells', () => {
    const printer = new WatchTablePrinter();
    const first = printer.start({ headers: ['NAME', 'STATUS', 'AGE'], rows: [['web', 'Running', '5s']] });
    expect(first).toBe('NAME   STATUS    AGE\nweb    Running   5s\n');
    expect(printer.row(['a', 'Pending', '0s'])).toBe('a      Pending   0s\n');
    expect(printer.row(['a-much-longer-name', 'Running', '1s'])).toBe('a-much-longer-name   Running   1s\n');
  });
});
