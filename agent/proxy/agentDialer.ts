// How this agent reaches a Service endpoint: a pod on this node is dialled directly at its IP; a pod on
// another node is reached through a pod-streams port-forward over the encrypted swarm connection to that
// node's agent, which dials the container there (no overlay network, no port open between machines).
import type { Duplex } from 'node:stream';
import { connectHalfOpen } from '../net/connectHalfOpen.ts';
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

async function connect(target: ProxyTarget): Promise<Duplex> {
  // No timeout here: forwardConnection bounds every dial and moves on to the next endpoint.
  const socket = await connectHalfOpen(target.ip, target.port);
  socket.setNoDelay(true);
  return socket;
}
