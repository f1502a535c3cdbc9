// One attempt of a probe against one container: picks the handler and fills in what the probe leaves
// out the way Kubernetes does (the pod's IP as host, a named port looked up in the container's ports).

import type { Container } from '../../../shared/model/types.ts';
import type { ContainerRuntime } from '../runtime/ContainerRuntime.ts';
import { execProbe } from './execProbe.ts';
import { httpProbe } from './httpProbe.ts';
import type { Probe, ProbeOutcome } from './probeTypes.ts';
import { tcpProbe } from './tcpProbe.ts';

export interface ProbeAttempt {
  probe: Probe;
  container: Container;
  containerId: string;
  podIP?: string;
  runtime: ContainerRuntime;
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function runProbe(a: ProbeAttempt): Promise<ProbeOutcome> {
  const signal = a.signal ? { signal: a.signal } : {};
  const { exec, httpGet, tcpSocket } = a.probe;
  if (exec) {
    return execProbe({
      runtime: a.runtime,
      containerId: a.containerId,
      command: exec.command,
      timeoutMs: a.timeoutMs,
      ...signal,
    });
  }
  if (httpGet) {
    const port = resolvePort(httpGet.port, a.container);
    const host = httpGet.host ?? a.podIP;
    if (port === undefined) return unknownPort(httpGet.port);
    if (host === undefined) return noHost();
    return httpProbe({
      scheme: httpGet.scheme ?? 'HTTP',
      host,
      port,
      path: httpGet.path ?? '/',
      headers: httpGet.httpHeaders ?? [],
      timeoutMs: a.timeoutMs,
      ...signal,
    });
  }
  if (tcpSocket) {
    const port = resolvePort(tcpSocket.port, a.container);
    const host = tcpSocket.host ?? a.podIP;
    if (port === undefined) return unknownPort(tcpSocket.port);
    if (host === undefined) return noHost();
    return tcpProbe({ host, port, timeoutMs: a.timeoutMs, ...signal });
  }
  // The model requires exactly one handler; a probe without one has nothing to check.
  return { result: 'error', message: 'probe has no handler (exec, httpGet or tcpSocket)' };
}

/**
 * A port number, or the name of one of the container's ports. Like Kubernetes, a name that matches no
 * port is tried as a number written as a string.
 */
export function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return validPort(port) ? port : undefined;
  const named = container.ports?.find((p) => p.name === port)?.containerPort;
  if (named !== undefined) return named;
  const parsed = /^\d+$/.test(port) ? Number(port) : Number.NaN;
  return validPort(parsed) ? parsed : undefined;
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function unknownPort(port: number | string): ProbeOutcome {
  return {
    result: 'error',
    message: `invalid port ${JSON.stringify(port)}: not a port number or a named port`,
  };
}

function noHost(): ProbeOutcome {
  return { result: 'error', message: 'the pod has no IP address yet' };
}
