// The service proxy's vocabulary: what a listener serves, where a connection goes, and what it reports.
import type { Duplex } from 'node:stream';
import type { BalanceMode } from '../../shared/model/semantics/service.ts';

/** One Ready endpoint of a Service port, as the dialer needs it to reach the container. */
export interface ProxyTarget {
  ip: string;
  port: number;
  /** The node hosting the pod: the dialer connects directly when it is this node, over the swarm otherwise. */
  nodeName?: string;
  pod?: { namespace: string; name: string };
}

/**
 * Opens a byte stream to an endpoint. The integrator's dialer connects directly to local pods and through
 * the swarm for remote ones. The stream must allow half-close (`allowHalfOpen`), as the client's does.
 */
export interface ServiceDialer {
  dial(target: ProxyTarget): Promise<Duplex>;
}

export type { BalanceMode } from '../../shared/model/semantics/service.ts';

/** The addresses this agent listens on: ClusterIP ports on `service`, NodePorts on `nodePort`. */
export interface ListenAddresses {
  service: readonly string[];
  nodePort: readonly string[];
}

/** One socket to listen on and the Service port it serves. */
export interface ListenerSpec {
  address: string;
  port: number;
  /** `namespace/name` of the Service. */
  service: string;
  /** The Service port's name ('' when unnamed). */
  portName: string;
  /** The Service's `shoal.dev/balance`; undefined uses the proxy's default. */
  balance?: BalanceMode;
  /** Set when the Service asks for `sessionAffinity: ClientIP`; undefined uses the proxy's default. */
  affinity?: { timeoutMs?: number };
  /** The Ready endpoints of this port, in a stable order. */
  endpoints: ProxyTarget[];
}

/** Two Services claiming one address and port: the first (by Service key) gets it, the other is reported. */
export interface ListenerConflict {
  address: string;
  port: number;
  service: string;
  portName: string;
  claimedBy: string;
}

export interface ListenerPlan {
  listeners: ListenerSpec[];
  conflicts: ListenerConflict[];
}

export interface ListenerStatus {
  address: string;
  port: number;
  service: string;
  portName: string;
  /** 'binding' only while an update is in progress. */
  state: 'binding' | 'listening' | 'failed';
  /** Why the listener failed: a system code (EADDRINUSE, EACCES, …) or 'PortConflict'. */
  error?: { code: string; message: string };
}

/** Reported once per failure episode of a listener (the integrator records it as an event). */
export interface ProxyProblem {
  address: string;
  port: number;
  service: string;
  portName: string;
  code: string;
  message: string;
}

export function listenerKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * An endpoint's identity: its node as well as its address, because pods on different machines can share an
 * IP (every Docker engine hands out 172.17.0.0/16 on its default bridge), and those are distinct endpoints.
 */
export function targetKey(t: ProxyTarget): string {
  return `${t.nodeName ?? ''}/${listenerKey(t.ip, t.port)}`;
}
