import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import { validateService } from '../../shared/model/semantics/service.ts';
import type { Service } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';

function serviceManifest(spec: Record<string, unknown>): unknown {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec };
}

/** The messages admission gives, as `apply --dry-run=client` and the API print them. */
function refusals(spec: Record<string, unknown>): string[] {
  const result = admitObject(serviceManifest(spec));
  return result.ok ? [] : result.errors.map(formatFieldError);
}

describe('Service rules', () => {
  it('defaults type ClusterIP, protocol TCP, targetPort = port, sessionAffinity None', () => {
    const result = admitObject(serviceManifest({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    expect(result.ok).toBe(true);
    const svc = (result as { object: Service }).object;
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
  });

  it('takes round-robin or least-connections in shoal.dev/balance, and names anything else', () => {
    const withBalance = (value: string) =>
      admitObject({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', annotations: { 'shoal.dev/balance': value } },
        spec: { ports: [{ port: 80 }] },
      });
    expect(withBalance('least-connections').ok).toBe(true);
    expect(withBalance('round-robin').ok).toBe(true);
    const refused = withBalance('random');
    expect(refused.ok ? [] : refused.errors.map(formatFieldError)).toEqual([
      'metadata.annotations[shoal.dev/balance]: Unsupported value: "random": supported values: "round-robin", "least-connections"',
    ]);
  });

  it('refuses UDP and SCTP at the protocol field', () => {
    for (const protocol of ['UDP', 'SCTP']) {
      const result = admitObject(serviceManifest({ ports: [{ port: 53, protocol }] }));
      expect(result.ok).toBe(false);
      const errors = (result as { errors: { path: string; type: string }[] }).errors;
      expect(errors).toContainEqual(
        expect.objectContaining({ path: 'spec.ports[0].protocol', type: 'Unsupported' }),
      );
    }
  });

  it("names Shoal's reason for refusing UDP", () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dns', namespace: 'default' },
      spec: { type: 'ClusterIP', ports: [{ port: 53, protocol: 'UDP', targetPort: 53 }] },
    } as unknown as Service;
    expect(validateService(svc).map(formatFieldError)).toEqual([
      `spec.ports[0].protocol: Unsupported value: "UDP": Shoal's service proxy supports TCP only`,
    ]);
  });

  it('keeps node ports in 30000-32767 and for NodePort Services only', () => {
    expect(refusals({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).toEqual([]);
    expect(refusals({ type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })).toEqual([
      'spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
    expect(refusals({ ports: [{ port: 80, nodePort: 30080 }] })).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    expect(
      refusals({
        type: 'NodePort',
        ports: [
          { name: 'a', port: 80, nodePort: 30080 },
          { name: 'b', port: 81, nodePort: 30080 },
        ],
      }),
    ).toEqual(['spec.ports[1].nodePort: Duplicate value: 30080']);
  });

  it('requires unique port names, and names when there are several ports', () => {
    expect(
      refusals({
        ports: [
          { name: 'http', port: 80 },
          { name: 'http', port: 81 },
        ],
      }),
    ).toEqual(['spec.ports[1].name: Duplicate value: "http"']);
    expect(refusals({ ports: [{ port: 80 }, { name: 'b', port: 81 }] })).toEqual([
      'spec.ports[0].name: Required value',
    ]);
  });

  it('checks target ports: a number in range or a port name', () => {
    expect(refusals({ ports: [{ port: 80, targetPort: 'http' }] })).toEqual([]);
    expect(refusals({ ports: [{ port: 80, targetPort: 70000 }] })).toEqual([
      'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    const [named] = refusals({ ports: [{ port: 80, targetPort: 'Not_A_Name' }] });
    expect(named).toMatch(/^spec\.ports\[0\]\.targetPort: Invalid value: "Not_A_Name"/);
  });

  it('checks the selector as labels', () => {
    const [error] = refusals({ selector: { 'bad key!': 'x' }, ports: [{ port: 80 }] });
    expect(error).toMatch(/^spec\.selector\[bad key!\]: Invalid value/);
  });
});
