// `GET /shoal/v1/proxy`: this agent's service proxy as it serves right now — where it listens for the host
// and for pods, and each listener's state (a port taken on this machine shows here, and as an event).
import type { ServerResponse } from 'node:http';
import { PROXY_PATH } from '../../shared/api/paths.ts';
import type { ListenerStatus } from '../proxy/types.ts';
import type { ApiExtension } from './extensions.ts';
import { sendJson, sendStatus } from './http.ts';
import { failure } from './kubeStatus.ts';

export { PROXY_PATH };

export interface ProxyStatus {
  node: string;
  /** Where the host reaches Services on this agent. */
  serviceAddress: string;
  /** Where pods on this host reach Services and DNS (the Docker bridge gateway), once known. */
  podAddress?: string;
  /** Whether this agent serves the host's pods (ports and DNS on podAddress). */
  servesPods: boolean;
  listeners: ListenerStatus[];
}

export function proxyApi(status: () => ProxyStatus): ApiExtension {
  return {
    handle(req, res: ServerResponse, url): boolean {
      if (url.pathname !== PROXY_PATH) return false;
      req.resume();
      if ((req.method ?? 'GET') !== 'GET') {
        res.setHeader('Allow', 'GET');
        sendStatus(res, failure('MethodNotAllowed', `${req.method} is not allowed on ${PROXY_PATH}`));
        return true;
      }
      sendJson(res, 200, status());
      return true;
    },
  };
}
