// How this agent reaches a Service endpoint: a pod on this node is dialled directly at its IP; a pod on
// another node is reached through a pod-streams port-forward over the encrypted swarm connection to that
// node's agent, which dials the container there (no overlay network, no port open between machines).
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { PodSession } from '../podstreams/session.ts';
import { sessionStream } from './sessionStream.ts';
import type { ProxyTarget, ServiceDialer } from './types.ts';

export interface PortForwarder {
  portForward(namespace: string, pod: string, port: number): Promise<PodSession>;
}

export function agentDialer(nodeName: string, podStreams: PortForwarder): ServiceDialer {
  return {
    async dial(target: ProxyTarget): Promise<Duplex> {
      if (target.nodeName === undefined || target.nodeName === nodeName) return connect(target);
      if (!target.pod)
        throw new Error(`endpoint ${target.ip}:${target.port} on ${target.nodeName} names no pod`);
      const session = await podStreams.portForward(target.pod.namespace, target.pod.name, target.port);
      return sessionStream(session);
    },
  };
}

function connect(target: ProxyTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.ip, port: target.port, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
