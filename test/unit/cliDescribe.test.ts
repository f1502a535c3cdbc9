// `shoal describe` text: kubectl's layout per kind, as pure functions of the object and its related objects.
import { describe, expect, it } from 'vitest';
import { formatTime } from '../../agent/cli/describe/common.ts';
import { podQosClass } from '../../agent/cli/describe/containers.ts';
import { smartLabel } from '../../agent/cli/describe/generic.ts';
import { describeObject } from '../../agent/cli/describe/index.ts';
import type { KubeObject, Uid } from '../../shared/model/meta.ts';
import type { Pod } from '../../shared/model/types.ts';

process.env.TZ = 'UTC'; // times print in local time, as kubectl does

const NOW = new Date('2024-05-10T12:00:00Z');
const T0 = '2024-05-10T11:00:00Z';
const obj = (o: object) => o as KubeObject;

const event = (reason: string, message: string, seconds: number, count = 1) =>
  obj({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `e-${reason}`, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web' },
    reason,
    message,
    type: 'Normal',
    source: { component: 'kubelet' },
    firstTimestamp: new Date(NOW.getTime() - seconds * 1000).toISOString(),
    lastTimestamp: new Date(NOW.getTime() - seconds * 1000).toISOString(),
    count,
  });

const podObject = obj({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    creationTimestamp: T0,
    labels: { app: 'web', 'pod-template-hash': '5d4f' },
    annotations: { note: 'hello' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f', uid: 'u' as Uid, controller: true },
    ],
  },
  spec: {
    nodeName: 'node-a',
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25',
        command: ['nginx', '-g', 'daemon off;'],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 5 },
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
      },
    ],
    volumes: [{ name: 'data', configMap: { name: 'web-config' } }],
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP: '10.1.0.5',
    startTime: T0,
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
    containerStatuses: [
      {
        name: 'web',
        ready: true,
        restartCount: 1,
        image: 'nginx:1.25',
        imageID: 'docker://sha256:abc',
        containerID: 'docker://123',
        state: { running: { startedAt: '2024-05-10T11:00:05Z' } },
        lastState: {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: T0,
            finishedAt: '2024-05-10T11:00:04Z',
          },
        },
      },
    ],
  },
});

describe('describe pod', () => {
  it('prints the pod as kubectl describe does', () => {
    const text = describeObject(podObject, {
      now: NOW,
      events: [
        event('Pulled', 'Container image "nginx:1.25" already present', 3600),
        event('Started', 'Started container web', 3595, 2),
      ],
    });
    expect(text).toBe(
      [
        'Name:         web',
        'Namespace:    default',
        'Node:         node-a/10.0.0.1',
        'Start Time:   Fri, 10 May 2024 11:00:00 +0000',
        'Labels:       app=web',
        '              pod-template-hash=5d4f',
        'Annotations:  note: hello',
        'Status:       Running',
        'IP:           10.1.0.5',
        'IPs:',
        '  IP:           10.1.0.5',
        'Controlled By:  ReplicaSet/web-5d4f',
        'Containers:',
        '  web:',
        '    Container ID:  docker://123',
        '    Image:         nginx:1.25',
        '    Image ID:      docker://sha256:abc',
        '    Port:          80/TCP',
        '    Host Port:     0/TCP',
        '    Command:',
        '      nginx',
        '      -g',
        '      daemon off;',
        '    State:          Running',
        '      Started:      Fri, 10 May 2024 11:00:05 +0000',
        '    Last State:     Terminated',
        '      Reason:       OOMKilled',
        '      Exit Code:    137',
        '      Started:      Fri, 10 May 2024 11:00:00 +0000',
        '      Finished:     Fri, 10 May 2024 11:00:04 +0000',
        '    Ready:          True',
        '    Restart Count:  1',
        '    Limits:',
        '      cpu:     500m',
        '      memory:  128Mi',
        '    Requests:',
        '      cpu:     250m',
        '      memory:  64Mi',
        '    Liveness:  http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3',
        '    Environment:',
        '      MODE:      prod',
        "      PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false",
        '    Mounts:',
        '      /data from data (ro)',
        'Conditions:',
        '  Type          Status',
        '  Initialized   True ',
        '  Ready         True ',
        'Volumes:',
        '  data:',
        '    Type:        ConfigMap (a volume populated by a ConfigMap)',
        '    Name:        web-config',
        '    Optional:    false',
        'QoS Class:       Burstable',
        'Node-Selectors:  <none>',
        'Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
        'Events:',
        '  Type    Reason   Age                From     Message',
        '  ----    ------   ----               ----     -------',
        '  Normal  Pulled   60m                kubelet  Container image "nginx:1.25" already present',
        '  Normal  Started  59m (x2 over 59m)  kubelet  Started container web',
        '',
      ].join('\n'),
    );
  });

  it('says <none> for what a new pod lacks, and Terminating for a pod being deleted', () => {
    const p = podObject as Pod;
    const bare = obj({
      ...p,
      metadata: {
        name: 'new',
        namespace: 'default',
        deletionTimestamp: '2024-05-10T11:59:50Z',
        deletionGracePeriodSeconds: 30,
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
      status: undefined,
    });
    const text = describeObject(bare, { now: NOW, events: [] });
    for (const line of [
      /^Node: +<none>$/m,
      /^Labels: +<none>$/m,
      /^Status: +Terminating \(lasts 10s\)$/m,
      /^Termination Grace Period: +30s$/m,
      /^IPs: +<none>$/m,
      /^ {4}Port: +<none>$/m,
      /^ {4}Environment: +<none>$/m,
      /^Volumes: +<none>$/m,
      /^QoS Class: +BestEffort$/m,
    ]) {
      expect(text).toMatch(line);
    }
    expect(text).toMatch(/Events: +<none>\n$/);
  });

  it('classifies QoS as kubectl: BestEffort, Burstable, Guaranteed', () => {
    const spec = (resources?: object) => ({
      containers: [{ name: 'c', image: 'x', ...(resources ? { resources } : {}) }],
    });
    expect(podQosClass(spec() as Pod['spec'])).toBe('BestEffort');
    expect(podQosClass(spec({ requests: { cpu: '100m' } }) as Pod['spec'])).toBe('Burstable');
    const guaranteed = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } };
    expect(podQosClass(spec(guaranteed) as Pod['spec'])).toBe('Guaranteed');
    expect(podQosClass(spec({ limits: { cpu: '1', memory: '1Gi' } }) as Pod['spec'])).toBe('Guaranteed');
  });
});

const deployment = obj({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'd1', creationTimestamp: T0, labels: { app: 'web' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      },
    },
  },
  status: {
    replicas: 4,
    updatedReplicas: 3,
    availableReplicas: 3,
    unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ],
  },
});

const replicaSet = (name: string, image: string, replicas: number, created: string) =>
  obj({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: created,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': name.slice(4) } },
        spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
    },
    status: { replicas },
  });

describe('describe deployment', () => {
  it('prints replicas, strategy, pod template, conditions and replica sets as kubectl does', () => {
    const text = describeObject(deployment, {
      now: NOW,
      events: [],
      replicaSets: [
        replicaSet('web-old1', 'nginx:1.24', 1, T0),
        replicaSet('web-new2', 'nginx:1.25', 3, '2024-05-10T11:30:00Z'),
      ],
    });
    expect(text).toBe(
      [
        'Name:                   web',
        'Namespace:              default',
        'CreationTimestamp:      Fri, 10 May 2024 11:00:00 +0000',
        'Labels:                 app=web',
        'Annotations:            <none>',
        'Selector:               app=web',
        'Replicas:               3 desired | 3 updated | 4 total | 3 available | 1 unavailable',
        'StrategyType:           RollingUpdate',
        'MinReadySeconds:        0',
        'RollingUpdateStrategy:  1 max unavailable, 25% max surge',
        'Pod Template:',
        '  Labels:  app=web',
        '  Containers:',
        '   nginx:',
        '    Image:         nginx:1.25',
        '    Port:          80/TCP',
        '    Host Port:     0/TCP',
        '    Environment:   <none>',
        '    Mounts:        <none>',
        '  Volumes:         <none>',
        '  Node-Selectors:  <none>',
        '  Tolerations:     <none>',
        'Conditions:',
        '  Type           Status  Reason',
        '  ----           ------  ------',
        '  Available      True    MinimumReplicasAvailable',
        '  Progressing    True    NewReplicaSetAvailable',
        'OldReplicaSets:  web-old1 (1/1 replicas created)',
        'NewReplicaSet:   web-new2 (3/3 replicas created)',
        'Events:          <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('describe service, node and the rest', () => {
  it('prints a service with its ports, node ports and endpoints', () => {
    const svc = obj({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        type: 'NodePort',
        selector: { app: 'web' },
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        sessionAffinity: 'None',
        ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }],
      },
    });
    const endpoints = obj({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default' },
      subsets: [
        { addresses: [{ ip: '10.1.0.5' }, { ip: '10.1.0.6' }], ports: [{ name: 'http', port: 8080 }] },
      ],
    });
    expect(describeObject(svc, { now: NOW, endpoints, events: [] })).toBe(
      [
        'Name:              web',
        'Namespace:         default',
        'Labels:            <none>',
        'Annotations:       <none>',
        'Selector:          app=web',
        'Type:              NodePort',
        'IP Families:       <none>',
        'IP:                10.96.0.10',
        'IPs:               10.96.0.10',
        'Port:              http  80/TCP',
        'TargetPort:        8080/TCP',
        'NodePort:          http  30080/TCP',
        'Endpoints:         10.1.0.5:8080,10.1.0.6:8080',
        'Session Affinity:  None',
        'Events:            <none>',
        '',
      ].join('\n'),
    );
  });

  it('shows where the answering agent listens for a service, and a port it could not bind', () => {
    const svc = obj({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const proxy = {
      node: 'node-a',
      serviceAddress: '127.0.0.1',
      podAddress: '172.17.0.1',
      servesPods: true,
      listeners: [
        { address: '127.0.0.1', port: 80, service: 'default/web', portName: '', state: 'listening' as const },
        {
          address: '172.17.0.1',
          port: 80,
          service: 'default/web',
          portName: '',
          state: 'failed' as const,
          error: { code: 'EADDRINUSE', message: 'address already in use' },
        },
        {
          address: '127.0.0.1',
          port: 81,
          service: 'default/other',
          portName: '',
          state: 'listening' as const,
        },
      ],
    };
    const text = describeObject(svc, { now: NOW, proxy, events: [] });
    expect(text).toContain(
      [
        'IP:                127.0.0.1',
        'Port:              <unset>  80/TCP',
        'TargetPort:        8080/TCP',
        'Endpoints:         <none>',
        'Session Affinity:  None',
        'Listening on node-a:',
        '  127.0.0.1:80   listening',
        '  172.17.0.1:80  failed (EADDRINUSE: address already in use)',
        'Events:          <none>',
      ].join('\n'),
    );
  });

  it('prints a node with roles, conditions, addresses, capacity, system info and its pods', () => {
    const node = obj({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'node-a',
        creationTimestamp: T0,
        labels: { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/voter': '' },
      },
      spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'AgentReady',
            message: 'heartbeats arrive',
            lastHeartbeatTime: T0,
            lastTransitionTime: T0,
          },
        ],
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'node-a' },
        ],
        capacity: { cpu: '2', memory: '4Gi' },
        allocatable: { cpu: '2', memory: '4Gi' },
        nodeInfo: {
          kernelVersion: '6.1.0',
          osImage: 'Debian GNU/Linux 12',
          operatingSystem: 'linux',
          architecture: 'amd64',
          containerRuntimeVersion: 'docker://24.0.5',
          kubeletVersion: 'v0.1.0',
        },
      },
    });
    const text = describeObject(node, { now: NOW, events: [], pods: [podObject] });
    expect(text).toContain('Roles:              voter\n');
    expect(text).toContain(
      'Labels:             kubernetes.io/os=linux\n                    node-role.kubernetes.io/voter=\n',
    );
    expect(text).toContain('Taints:             dedicated=gpu:NoSchedule\n');
    expect(text).toContain(
      'Conditions:\n' +
        '  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason       Message\n' +
        '  ----    ------  -----------------                 ------------------                ------       -------\n' +
        '  Ready   True    Fri, 10 May 2024 11:00:00 +0000   Fri, 10 May 2024 11:00:00 +0000   AgentReady   heartbeats arrive\n',
    );
    expect(text).toContain('Addresses:\n  InternalIP:  10.0.0.1\n  Hostname:    node-a\n');
    expect(text).toContain('Capacity:\n  cpu:     2\n  memory:  4Gi\n');
    expect(text).toContain('  Container Runtime Version:  docker://24.0.5\n');
    expect(text).toContain('Non-terminated Pods:          (1 in total)\n');
    expect(text).toMatch(/ {2}default +web +250m \(12%\) +500m \(25%\) +64Mi \(1%\) +128Mi \(3%\) +60m\n/);
    expect(text).toMatch(/ {2}cpu +250m \(12%\) +500m \(25%\)\n/);
  });

  it('prints config map data and secret sizes', () => {
    const cm = obj({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { 'app.conf': 'a=1\nb=2' },
    });
    expect(describeObject(cm, { now: NOW })).toBe(
      'Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\napp.conf:\n----\na=1\nb=2\n\n\nBinaryData\n====\n\n',
    );
    const secret = obj({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      type: 'Opaque',
      data: { password: 'c2VjcmV0' },
    });
    const text = describeObject(secret, { now: NOW, events: [] });
    expect(text).toContain('\nType:  Opaque\n\nData\n====\npassword:  6 bytes\n');
    expect(text).not.toContain('c2VjcmV0');
  });

  it('falls back to a nested listing of the other fields for kinds without a describer', () => {
    const ns = obj({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', creationTimestamp: T0 },
      status: { phase: 'Active' },
    });
    expect(describeObject(ns, { now: NOW })).toBe(
      'Name:               team\nLabels:             <none>\nAnnotations:        <none>\nCreationTimestamp:  Fri, 10 May 2024 11:00:00 +0000\nStatus:\n  Phase:  Active\n',
    );
    const ep = obj({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.1.0.5', nodeName: 'node-a' }], ports: [{ port: 80 }] }],
    });
    const text = describeObject(ep, { now: NOW });
    expect(text).toContain('Subsets:\n  - Addresses:\n');
    expect(text).toMatch(/Ip: +10\.1\.0\.5/);
    expect(smartLabel('minReadySeconds')).toBe('Min Ready Seconds');
    expect(smartLabel('podIP')).toBe('Pod IP');
  });

  it('formats times like Go RFC1123Z', () => {
    expect(formatTime('2024-01-02T03:04:05Z')).toBe('Tue, 02 Jan 2024 03:04:05 +0000');
    expect(formatTime(undefined)).toBe('Mon, 01 Jan 0001 00:00:00 +0000');
  });
});
