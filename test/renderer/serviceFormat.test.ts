import { describe, expect, it } from 'vitest';
import {
  countEndpoints,
  endpointAddresses,
  formatEndpointCount,
  formatSelector,
  nodePortHost,
  nodePortLinks,
} from '../../renderer/src/views/services/serviceFormat.ts';
import { formatServicePorts } from '../../shared/display/servicePorts.ts';
import type { Endpoints, Service } from '../../shared/model/types.ts';

function service(spec: Service['spec']): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec,
  } as Service;
}

const address = (ip: string, pod: string, node: string) => ({
  ip,
  nodeName: node,
  targetRef: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-${pod}` },
});

const endpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'default' },
  subsets: [
    {
      addresses: [address('10.0.0.2', 'web-b', 'n2'), address('10.0.0.1', 'web-a', 'n1')],
      notReadyAddresses: [address('10.0.0.3', 'web-c', 'n1')],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
    {
      addresses: [address('10.0.0.1', 'web-a', 'n1')],
      ports: [{ name: 'metrics', port: 9090 }],
    },
  ],
} as unknown as Endpoints;

describe('service columns', () => {
  it('prints ports as kubectl does', () => {
    expect(formatServicePorts(service({ ports: [{ port: 80 }] }))).toBe('80/TCP');
    expect(
      formatServicePorts(
        service({
          type: 'NodePort',
          ports: [
            { port: 80, nodePort: 30080, protocol: 'TCP' },
            { port: 443, nodePort: 30443 },
          ],
        }),
      ),
    ).toBe('80:30080/TCP,443:30443/TCP');
    expect(formatServicePorts(service({}))).toBe('<none>');
  });

  it('prints the selector sorted, or <none>', () => {
    expect(formatSelector({ tier: 'front', app: 'web' })).toBe('app=web,tier=front');
    expect(formatSelector(undefined)).toBe('<none>');
    expect(formatSelector({})).toBe('<none>');
  });

  it('counts each pod once, ready over total', () => {
    expect(countEndpoints(endpoints)).toEqual({ ready: 2, total: 3 });
    expect(formatEndpointCount(endpoints)).toBe('2/3');
    expect(formatEndpointCount(undefined)).toBe('-');
    expect(formatEndpointCount({ ...endpoints, subsets: [] } as Endpoints)).toBe('0/0');
  });

  it('lists addresses ready first, with pod, node and every port', () => {
    expect(endpointAddresses(endpoints)).toEqual([
      { ip: '10.0.0.1', ready: true, pod: 'web-a', node: 'n1', ports: ['http 8080/TCP', 'metrics 9090/TCP'] },
      { ip: '10.0.0.2', ready: true, pod: 'web-b', node: 'n2', ports: ['http 8080/TCP'] },
      { ip: '10.0.0.3', ready: false, pod: 'web-c', node: 'n1', ports: ['http 8080/TCP'] },
    ]);
  });
});

describe('node port links', () => {
  it('opens node ports on the host the dashboard is served from', () => {
    expect(nodePortHost('web', 'server.lan')).toBe('server.lan');
    expect(nodePortHost('web', '127.0.0.1')).toBe('127.0.0.1');
    expect(nodePortHost('web', '::1')).toBe('[::1]');
    expect(nodePortHost('web', '[::1]')).toBe('[::1]');
    expect(nodePortHost('web', '')).toBe('localhost');
    expect(nodePortHost('ipc', 'anything')).toBe('localhost');
  });

  it('gives one URL per node port of a NodePort service only', () => {
    const svc = service({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 81 }] });
    expect(nodePortLinks(svc, 'h')).toEqual([{ port: 80, nodePort: 30080, url: 'http://h:30080/' }]);
    expect(
      nodePortLinks(service({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 30080 }] }), 'h'),
    ).toEqual([]);
  });
});
