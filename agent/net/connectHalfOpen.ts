// A TCP connection to a pod's port that allows half-close: the pod ending its side must not end ours (the
// client may still be sending). Used by port-forward sessions and by the service proxy's direct dials.
import net from 'node:net';

/** Resolves once connected; rejects on the socket's error, or after `timeoutMs` when given. */
export function connectHalfOpen(host: string, port: number, timeoutMs?: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => socket.destroy(new Error('timed out')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
