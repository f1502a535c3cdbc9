import { describe, expect, it } from 'vitest';
import { serviceEnvVars } from '../../agent/proxy/serviceEnv.ts';
import type { Service } from '../../shared/model/types.ts';

type Port = NonNullable<Service['spec']['ports']>[number];

function service(
  name: string,
  ports: Port[],
  extra: Partial<Service['spec']> = {},
  namespace = 'default',
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { bar: 'baz' }, ports, ...extra },
  } as Service;
}

describe('serviceEnvVars', () => {
  // Kubernetes' pkg/kubelet/envvars TestFromServices, with each service's cluster IP as the host.
  it("gives Kubernetes' own variables for a one-port, a two-port and a numbered-port service", () => {
    const fooBar = service('foo-bar', [{ port: 8080, protocol: 'TCP' }]);
    const abc123 = service('abc-123', [
      { name: 'u-d-p', port: 8081, protocol: 'UDP' },
      { name: 't-c-p', port: 8081, protocol: 'TCP' },
    ]);
    const quux = service('q-u-u-x', [
      { port: 8082, protocol: 'TCP' },
      { name: '8083', port: 8083, protocol: 'TCP' },
    ]);
    const vars = [
      ...serviceEnvVars([fooBar], 'default', '1.2.3.4'),
      ...serviceEnvVars([abc123], 'default', '5.6.7.8'),
      ...serviceEnvVars([quux], 'default', '9.8.7.6'),
    ];
    expect(vars).toEqual([
      { name: 'FOO_BAR_SERVICE_HOST', value: '1.2.3.4' },
      { name: 'FOO_BAR_SERVICE_PORT', value: '8080' },
      { name: 'FOO_BAR_PORT', value: 'tcp://1.2.3.4:8080' },
      { name: 'FOO_BAR_PORT_8080_TCP', value: 'tcp://1.2.3.4:8080' },
      { name: 'FOO_BAR_PORT_8080_TCP_PROTO', value: 'tcp' },
      { name: 'FOO_BAR_PORT_8080_TCP_PORT', value: '8080' },
      { name: 'FOO_BAR_PORT_8080_TCP_ADDR', value: '1.2.3.4' },
      { name: 'ABC_123_SERVICE_HOST', value: '5.6.7.8' },
      { name: 'ABC_123_SERVICE_PORT', value: '8081' },
      { name: 'ABC_123_SERVICE_PORT_U_D_P', value: '8081' },
      { name: 'ABC_123_SERVICE_PORT_T_C_P', value: '8081' },
      { name: 'ABC_123_PORT', value: 'udp://5.6.7.8:8081' },
      { name: 'ABC_123_PORT_8081_UDP', value: 'udp://5.6.7.8:8081' },
      { name: 'ABC_123_PORT_8081_UDP_PROTO', value: 'udp' },
      { name: 'ABC_123_PORT_8081_UDP_PORT', value: '8081' },
      { name: 'ABC_123_PORT_8081_UDP_ADDR', value: '5.6.7.8' },
      { name: 'ABC_123_PORT_8081_TCP', value: 'tcp://5.6.7.8:8081' },
      { name: 'ABC_123_PORT_8081_TCP_PROTO', value: 'tcp' },
      { name: 'ABC_123_PORT_8081_TCP_PORT', value: '8081' },
      { name: 'ABC_123_PORT_8081_TCP_ADDR', value: '5.6.7.8' },
      { name: 'Q_U_U_X_SERVICE_HOST', value: '9.8.7.6' },
      { name: 'Q_U_U_X_SERVICE_PORT', value: '8082' },
      { name: 'Q_U_U_X_SERVICE_PORT_8083', value: '8083' },
      { name: 'Q_U_U_X_PORT', value: 'tcp://9.8.7.6:8082' },
      { name: 'Q_U_U_X_PORT_8082_TCP', value: 'tcp://9.8.7.6:8082' },
      { name: 'Q_U_U_X_PORT_8082_TCP_PROTO', value: 'tcp' },
      { name: 'Q_U_U_X_PORT_8082_TCP_PORT', value: '8082' },
      { name: 'Q_U_U_X_PORT_8082_TCP_ADDR', value: '9.8.7.6' },
      { name: 'Q_U_U_X_PORT_8083_TCP', value: 'tcp://9.8.7.6:8083' },
      { name: 'Q_U_U_X_PORT_8083_TCP_PROTO', value: 'tcp' },
      { name: 'Q_U_U_X_PORT_8083_TCP_PORT', value: '8083' },
      { name: 'Q_U_U_X_PORT_8083_TCP_ADDR', value: '9.8.7.6' },
    ]);
  });

  it("keeps the namespace's services only, sorted by name, and leaves out headless ones", () => {
    const vars = serviceEnvVars(
      [
        service('web', [{ port: 80 }], {}, 'shop'),
        service('other', [{ port: 81 }], {}, 'elsewhere'),
        service('db', [{ port: 5432 }], {}, 'shop'),
        service('headless', [{ port: 82 }], { clusterIP: 'None' }, 'shop'),
      ],
      'shop',
      '172.17.0.1',
    );
    const hosts = vars.filter((v) => v.name.endsWith('_SERVICE_HOST')).map((v) => v.name);
    expect(hosts).toEqual(['DB_SERVICE_HOST', 'WEB_SERVICE_HOST']);
    expect(vars).toContainEqual({ name: 'WEB_PORT', value: 'tcp://172.17.0.1:80' });
  });

  it('treats a service without a namespace as in default, and brackets an IPv6 host', () => {
    const svc = service('web', [{ port: 80 }]);
    delete (svc.metadata as { namespace?: string }).namespace;
    const vars = serviceEnvVars([svc], 'default', 'fd00::1');
    expect(vars).toContainEqual({ name: 'WEB_PORT', value: 'tcp://[fd00::1]:80' });
    expect(vars).toContainEqual({ name: 'WEB_SERVICE_HOST', value: 'fd00::1' });
    expect(serviceEnvVars([svc], 'shop', 'fd00::1')).toEqual([]);
  });
});
