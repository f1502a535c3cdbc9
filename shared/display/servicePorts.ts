// A Service's PORT(S) cell as `kubectl get services` prints it, shared by the CLI and the dashboard.
import type { Service } from '../model/types.ts';

/** `80/TCP`, `80:30080/TCP`, joined by commas; `<none>` without ports. */
export function formatServicePorts(svc: Service): string {
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const protocol = p.protocol ?? 'TCP';
      return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
    })
    .join(',');
}
