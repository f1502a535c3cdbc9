import { describe, expect, it } from 'vitest';
import { DEFAULT_AFFINITY_TIMEOUT_MS, EndpointBalancer } from '../../agent/proxy/EndpointBalancer.ts';
import { planListeners } from '../../agent/proxy/planListeners.ts';
import { type ProxyTarget, targetKey } from '../../agent/proxy/types.ts';
import type { Uid } from '../../shared/model/meta.ts';
import type { Endpoints, Service } from '../../shared/model/types.ts';

type ServiceSpec = Service['spec'];
type Subset = NonNullable<Endpoints['subsets']>[number];

function service(name: string, spec: ServiceSpec, namespace = 'default'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, uid: `uid-${name}` as Uid },
    spec,
  };
}

function endpoints(name: string, subsets: Subset[], namespace = 'default'): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets };
}

function address(ip: string, pod: string, nodeName = 'n1') {
  return { ip, nodeName, targetRef: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-${pod}` } };
}

const ADDRESSES = { service: ['127.0.0.5', '172.17.0.1'], nodePort: ['192.168.1.10'] };

describe('planListeners', () => {
  it('plans a listener per port and address, with the Ready endpoints of the matching named port', () => {
    const svc = service('web', {
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
    });
    const ep = endpoints('web', [
      {
        addresses: [address('10.0.0.1', 'web-a'), address('10.0.0.2', 'web-b', 'n2')],
        notReadyAddresses: [address('10.0.0.9', 'web-z')],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9100, protocol: 'TCP' },
        ],
      },
      // These pods lack the 'metrics' port: they serve only 'http', and the other port never falls back to it.
      { addresses: [address('10.0.0.3', 'web-c')], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
    ]);
    const { listeners, conflicts } = planListeners([svc], [ep], ADDRESSES);
    expect(conflicts).toEqual([]);
    expect(listeners.map((l) => `${l.address}:${l.port} ${l.portName}`)).toEqual([
      '127.0.0.5:80 http',
      '172.17.0.1:80 http',
      '127.0.0.5:9090 metrics',
      '172.17.0.1:9090 metrics',
    ]);
    const http = listeners[0]!;
    expect(http.service).toBe('default/web');
    expect(http.affinity).toBeUndefined();
    expect(http.endpoints).toEqual([
      { ip: '10.0.0.1', port: 8080, nodeName: 'n1', pod: { namespace: 'default', name: 'web-a' } },
      { ip: '10.0.0.2', port: 8080, nodeName: 'n2', pod: { namespace: 'default', name: 'web-b' } },
      { ip: '10.0.0.3', port: 8081, nodeName: 'n1', pod: { namespace: 'default', name: 'web-c' } },
    ]);
    expect(listeners[2]!.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual([
      '10.0.0.1:9100',
      '10.0.0.2:9100',
    ]);
  });

  it('adds NodePort listeners on the node addresses, skips UDP, and takes the only port of an unnamed one', () => {
    const svc = service('db', {
      type: 'NodePort',
      ports: [{ port: 5432, nodePort: 30432 }],
    });
    const udp = service('dns', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    const ep = endpoints('db', [{ addresses: [address('10.0.0.4', 'db-0')], ports: [{ port: 5432 }] }]);
    const { listeners } = planListeners([svc, udp], [ep], ADDRESSES);
    expect(listeners.map((l) => `${l.address}:${l.port}`)).toEqual([
      '127.0.0.5:5432',
      '172.17.0.1:5432',
      '192.168.1.10:30432',
    ]);
    for (const l of listeners) {
      expect(l.portName).toBe('');
      expect(l.endpoints.map((e) => e.ip)).toEqual(['10.0.0.4']);
    }
  });

  it('plans a Service without Endpoints with no endpoints (its connections are refused)', () => {
    const { listeners } = planListeners([service('lonely', { ports: [{ port: 81 }] })], [], ADDRESSES);
    expect(listeners).toHaveLength(2);
    for (const l of listeners) expect(l.endpoints).toEqual([]);
  });

  it('gives a contested address and port to the first Service by key and reports the other', () => {
    const a = service('alpha', { ports: [{ port: 80 }] });
    const b = service('beta', { ports: [{ port: 80 }] });
    const forward = planListeners([a, b], [], ADDRESSES);
    const backward = planListeners([b, a], [], ADDRESSES);
    expect(backward).toEqual(forward);
    expect(forward.listeners.map((l) => l.service)).toEqual(['default/alpha', 'default/alpha']);
    expect(forward.conflicts).toEqual([
      { address: '127.0.0.5', port: 80, service: 'default/beta', portName: '', claimedBy: 'default/alpha' },
      { address: '172.17.0.1', port: 80, service: 'default/beta', portName: '', claimedBy: 'default/alpha' },
    ]);
  });

  it('keeps pods of two nodes that share an IP as two endpoints, and drops a repeat on one node', () => {
    // Every Docker engine gives its pods 172.17.0.0/16: the same IP on two machines is two pods.
    const ep = endpoints('web', [
      {
        addresses: [
          address('172.17.0.2', 'web-a', 'n1'),
          address('172.17.0.2', 'web-b', 'n2'),
          address('172.17.0.2', 'web-a', 'n1'),
        ],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
    const { listeners } = planListeners([service('web', { ports: [{ port: 80 }] })], [ep], ADDRESSES);
    expect(listeners[0]!.endpoints.map((t) => `${t.nodeName}/${t.ip}:${t.port} ${t.pod?.name}`)).toEqual([
      'n1/172.17.0.2:8080 web-a',
      'n2/172.17.0.2:8080 web-b',
    ]);
  });

  it('carries ClientIP affinity and its timeout', () => {
    const sticky = service('sticky', {
      ports: [{ port: 80 }],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    });
    const defaulted = service('sticky2', { ports: [{ port: 81 }], sessionAffinity: 'ClientIP' });
    const { listeners } = planListeners([sticky, defaulted], [], { service: ['127.0.0.5'], nodePort: [] });
    expect(listeners.map((l) => l.affinity)).toEqual([{ timeoutMs: 60_000 }, {}]);
  });
});

const A: ProxyTarget = { ip: '10.0.0.1', port: 80 };
const B: ProxyTarget = { ip: '10.0.0.2', port: 80 };
const C: ProxyTarget = { ip: '10.0.0.3', port: 80 };

function firstIps(balancer: EndpointBalancer, n: number, client?: string): string[] {
  return Array.from({ length: n }, () => {
    const [first] = balancer.candidates(client);
    return first?.ip ?? 'none';
  });
}

describe('EndpointBalancer', () => {
  it('round-robins exactly, and lists every other endpoint once after the chosen one', () => {
    const b = new EndpointBalancer('round-robin');
    b.configure({ endpoints: [A, B, C], affinityTimeoutMs: undefined });
    expect(firstIps(b, 6)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(b.candidates(undefined).map((t) => t.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(b.candidates(undefined).map((t) => t.ip)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.1']);
  });

  it('gives nothing to try when there are no endpoints', () => {
    const b = new EndpointBalancer('least-connections');
    b.configure({ endpoints: [], affinityTimeoutMs: DEFAULT_AFFINITY_TIMEOUT_MS });
    expect(b.candidates('1.2.3.4')).toEqual([]);
  });

  it('with least-connections picks the endpoint with the fewest open connections, idle ones in turn', () => {
    const b = new EndpointBalancer('least-connections');
    b.configure({ endpoints: [A, B, C], affinityTimeoutMs: undefined });
    b.opened(A, undefined);
    b.opened(C, undefined);
    expect(firstIps(b, 3)).toEqual(['10.0.0.2', '10.0.0.2', '10.0.0.2']);
    b.opened(B, undefined);
    b.opened(B, undefined);
    b.closed(A);
    expect(firstIps(b, 2)).toEqual(['10.0.0.1', '10.0.0.1']);
    b.closed(C);
    expect(firstIps(b, 4).sort()).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.3', '10.0.0.3']);
  });

  it('counts the open connections of an endpoint that left until they drain', () => {
    const b = new EndpointBalancer('least-connections');
    b.configure({ endpoints: [A, B], affinityTimeoutMs: undefined });
    b.opened(A, undefined);
    b.configure({ endpoints: [B], affinityTimeoutMs: undefined });
    expect(b.openConnections(A)).toBe(1);
    expect(firstIps(b, 2)).toEqual(['10.0.0.2', '10.0.0.2']);
    b.closed(A);
    expect(b.openConnections(A)).toBe(0);
  });

  it('tells apart endpoints on two nodes with the same IP: turns, open counts and affinity', () => {
    const onN1: ProxyTarget = { ip: '172.17.0.2', port: 80, nodeName: 'n1' };
    const onN2: ProxyTarget = { ip: '172.17.0.2', port: 80, nodeName: 'n2' };
    expect(targetKey(onN1)).not.toBe(targetKey(onN2));
    const b = new EndpointBalancer('least-connections');
    b.configure({ endpoints: [onN1, onN2], affinityTimeoutMs: 10_000 });
    b.opened(onN1, '10.1.0.1');
    expect(b.openConnections(onN1)).toBe(1);
    expect(b.openConnections(onN2)).toBe(0);
    expect(b.candidates(undefined)[0]).toBe(onN2);
    // The client stays on n1's pod, not on the other pod with the same address.
    expect(b.candidates('10.1.0.1')[0]).toBe(onN1);
    b.configure({ endpoints: [onN2], affinityTimeoutMs: 10_000 });
    expect(b.candidates('10.1.0.1')).toEqual([onN2]);
    expect(b.openConnections(onN1)).toBe(1);
  });

  it('keeps a client on its endpoint until the affinity times out or the endpoint leaves', () => {
    let now = 1_000;
    const b = new EndpointBalancer('round-robin', () => now);
    b.configure({ endpoints: [A, B, C], affinityTimeoutMs: 10_000 });
    const [first] = b.candidates('192.168.0.7');
    b.opened(first!, '192.168.0.7');
    expect(firstIps(b, 4, '192.168.0.7')).toEqual(Array(4).fill(first!.ip));
    // Another client is not bound by it.
    expect(new Set(firstIps(b, 3, '192.168.0.8')).size).toBe(3);
    now += 9_000;
    b.opened(first!, '192.168.0.7'); // a connection refreshes the entry
    now += 9_000;
    expect(firstIps(b, 2, '192.168.0.7')).toEqual([first!.ip, first!.ip]);
    now += 10_001;
    expect(new Set(firstIps(b, 3, '192.168.0.7')).size).toBe(3);

    b.opened(A, '192.168.0.9');
    b.configure({ endpoints: [B, C], affinityTimeoutMs: 10_000 });
    expect(new Set(firstIps(b, 2, '192.168.0.9'))).toEqual(new Set(['10.0.0.2', '10.0.0.3']));
  });
});
