// A ClusterConnection for store and shell tests: the test drives the watch handlers by hand and every call
// is recorded. Actions resolve at once unless a test replaces them.
import { vi } from 'vitest';
import type {
  ClusterConnection,
  ClusterStatus,
  KubeEvent,
  KubeObject,
  OnboardingState,
  UsageSample,
  WatchHandlers,
} from '../../renderer/src/connection/ClusterConnection.ts';

export interface FakeCluster {
  connection: ClusterConnection;
  /** The handlers of the latest watchAll; throws when nothing watches. */
  watch(): WatchHandlers;
  pushEvents(events: KubeEvent[]): void;
  pushUsage(samples: UsageSample[]): void;
  /** How many watches (all, events, usage) are open. */
  openWatches(): number;
  status: ClusterStatus;
  onboarding: OnboardingState;
}

export const STATUS: ClusterStatus = {
  clusterName: 'test-cluster',
  node: { name: 'node-a', id: 'aaa' },
  leader: { name: 'node-a', id: 'aaa' },
  term: 3,
  members: [{ name: 'node-a', id: 'aaa', voter: true, ready: true }],
};

export function fakeCluster(opts: { member?: boolean } = {}): FakeCluster {
  let handlers: WatchHandlers | undefined;
  let onEvents: ((events: KubeEvent[]) => void) | undefined;
  let onUsage: ((samples: UsageSample[]) => void) | undefined;
  let open = 0;
  const fake: FakeCluster = {
    status: structuredClone(STATUS),
    onboarding: { member: opts.member ?? true, clusterName: 'test-cluster' },
    watch() {
      if (!handlers) throw new Error('nothing called watchAll');
      return handlers;
    },
    pushEvents: (events) => onEvents?.(events),
    pushUsage: (samples) => onUsage?.(samples),
    openWatches: () => open,
    connection: undefined as unknown as ClusterConnection,
  };
  const closer = (clear: () => void) => {
    open++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      open--;
      clear();
    };
  };
  fake.connection = {
    transport: 'web',
    watchAll: vi.fn((h: WatchHandlers) => {
      handlers = h;
      return closer(() => {
        if (handlers === h) handlers = undefined;
      });
    }),
    watchEvents: vi.fn((cb: (events: KubeEvent[]) => void) => {
      onEvents = cb;
      return closer(() => {
        if (onEvents === cb) onEvents = undefined;
      });
    }),
    watchUsage: vi.fn((cb: (samples: UsageSample[]) => void) => {
      onUsage = cb;
      return closer(() => {
        if (onUsage === cb) onUsage = undefined;
      });
    }),
    status: vi.fn(async () => structuredClone(fake.status)),
    proxyStatus: vi.fn(async () => ({
      node: 'node-a',
      serviceAddress: '127.0.0.1',
      servesPods: true,
      listeners: [],
    })),
    apply: vi.fn(async () => ({ results: [] })),
    delete: vi.fn(async () => {}),
    scale: vi.fn(async () => {}),
    rolloutRestart: vi.fn(async () => {}),
    rolloutUndo: vi.fn(async () => {}),
    cordon: vi.fn(async () => {}),
    drain: vi.fn(async () => {}),
    logs: vi.fn(() => ({ close() {} })),
    exec: vi.fn(() => ({ write() {}, resize() {}, close() {} })),
    onboarding: vi.fn(async () => ({ ...fake.onboarding })),
    createCluster: vi.fn(async () => {}),
    joinCluster: vi.fn(async () => {}),
    startLocalCluster: vi.fn(async () => {}),
    joinKey: vi.fn(async () => 'key'),
  };
  return fake;
}

export function node(name: string, opts: { ready?: boolean; unschedulable?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z', labels: {} },
    spec: opts.unschedulable ? { unschedulable: true } : {},
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      nodeInfo: { kubeletVersion: 'shoal-0.1.0' },
    },
  };
}

export function pod(
  namespace: string,
  name: string,
  opts: { node?: string; phase?: string; cpu?: string; memory?: string; version?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      name,
      creationTimestamp: '2026-01-01T00:00:00Z',
      resourceVersion: opts.version ?? '1',
    },
    spec: {
      nodeName: opts.node,
      containers: [
        {
          name: 'main',
          image: 'shoal.test/busybox:1',
          resources: { requests: { cpu: opts.cpu ?? '100m', memory: opts.memory ?? '64Mi' } },
        },
      ],
    },
    status: { phase: opts.phase ?? 'Running' },
  };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function event(
  name: string,
  opts: {
    type?: 'Normal' | 'Warning';
    reason?: string;
    message?: string;
    at?: string;
    namespace?: string;
  } = {},
): KubeEvent {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: opts.namespace ?? 'default', uid: `uid-${name}` as never },
    involvedObject: { kind: 'Pod', name: `pod-${name}`, namespace: opts.namespace ?? 'default' },
    reason: opts.reason ?? 'Started',
    message: opts.message ?? `message of ${name}`,
    type: opts.type ?? 'Normal',
    lastTimestamp: opts.at ?? '2026-01-01T00:00:00Z',
  } as KubeEvent;
}
