// tcpSocket probes: success when a TCP connection opens within the timeout, as in Kubernetes.

import { connect } from 'node:net';
import { dialErrorMessage, hostPort } from './dialErrors.ts';
import type { ProbeOutcome } from './probeTypes.ts';

export interface TcpProbeRequest {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export function tcpProbe(req: TcpProbeRequest): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: req.host, port: req.port });
    const finish = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ result: 'failure', message: `dial tcp ${hostPort(req.host, req.port)}: i/o timeout` }),
      req.timeoutMs,
    );
    const onAbort = () => finish({ result: 'error', message: 'probe cancelled' });
    if (req.signal?.aborted) onAbort();
    else req.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ result: 'success' }));
    socket.on('error', (err) =>
      finish({ result: 'failure', message: dialErrorMessage(req.host, req.port, err) }),
    );
  });
}
