// The one ClusterConnection: everything views do to a cluster, over any Transport (web or IPC). Each verb
// lives in its own module; this file only assembles them.
import { APPLY_PATH, PROXY_PATH, resourcePath, STATUS_PATH } from '../../../shared/api/paths.ts';
import { apiCall, getObject } from './apiCall.ts';
import {
  type ApplyResponse,
  type ClusterConnection,
  ClusterError,
  type ClusterStatus,
  type ProxyStatus,
  type Transport,
} from './ClusterConnection.ts';
import { drainNode } from './drainNode.ts';
import { clusterAction, joinKey, onboardingState } from './onboardingApi.ts';
import { exec, logs } from './podStreams.ts';
import { watchAll } from './watchAll.ts';
import { watchEvents } from './watchEvents.ts';
import { watchUsage } from './watchUsage.ts';
import { cordon, rolloutRestart, rolloutUndo, scale } from './workloadActions.ts';

function required(value: string, what: string): void {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ClusterError(`give ${what}`, 400, 'BadRequest');
}

export function createClusterConnection(transport: Transport): ClusterConnection {
  return {
    transport: transport.kind,

    watchAll: (handlers) => watchAll(transport, handlers),
    watchEvents: (onEvents) => watchEvents(transport, onEvents),
    watchUsage: (onSamples) => watchUsage(transport, onSamples),

    async status() {
      const body = await getObject(transport, STATUS_PATH, 'cluster status');
      if (typeof body.clusterName !== 'string' || !Array.isArray(body.members)) {
        throw new ClusterError(`the API answered ${STATUS_PATH} without "clusterName" and "members"`, 502);
      }
      return body as unknown as ClusterStatus;
    },

    async proxyStatus() {
      const body = await getObject(transport, PROXY_PATH, 'service proxy status');
      if (typeof body.serviceAddress !== 'string' || !Array.isArray(body.listeners)) {
        throw new ClusterError(
          `the API answered ${PROXY_PATH} without "serviceAddress" and "listeners"`,
          502,
        );
      }
      return body as unknown as ProxyStatus;
    },

    async apply(objects, opts = {}) {
      const body = await apiCall(transport, {
        method: 'POST',
        path: APPLY_PATH,
        body: { objects, dryRun: opts.dryRun === true },
      });
      if (typeof body !== 'object' || body === null || !Array.isArray((body as ApplyResponse).results)) {
        throw new ClusterError(`the API answered ${APPLY_PATH} without "results"`, 502);
      }
      return body as ApplyResponse;
    },

    async delete(kind, namespace, name) {
      required(name, `the name of the ${kind} to delete`);
      await apiCall(transport, { method: 'DELETE', path: resourcePath(kind, namespace, name) });
    },

    scale: (kind, namespace, name, replicas) => scale(transport, kind, namespace, name, replicas),
    rolloutRestart: (namespace, name) => rolloutRestart(transport, namespace, name),
    rolloutUndo: (namespace, name, toRevision) => rolloutUndo(transport, namespace, name, toRevision),
    async cordon(node, unschedulable) {
      await cordon(transport, node, unschedulable);
    },
    drain: (node, onProgress) => drainNode(transport, node, onProgress),

    logs: (namespace, pod, opts, onText, onEnd) => logs(transport, namespace, pod, opts, onText, onEnd),
    exec: (namespace, pod, opts, handlers) => exec(transport, namespace, pod, opts, handlers),

    onboarding: () => onboardingState(transport),
    async createCluster(name) {
      required(name, 'a name for the cluster');
      await clusterAction(transport, { action: 'create', name: name.trim() });
    },
    async joinCluster(key) {
      required(key, 'the join key');
      await clusterAction(transport, { action: 'join', key: key.trim() });
    },
    async startLocalCluster(agents) {
      if (!Number.isInteger(agents) || agents < 1) {
        throw new ClusterError(
          `the number of agents must be a whole number ≥ 1, not ${agents}`,
          400,
          'BadRequest',
        );
      }
      await clusterAction(transport, { action: 'local', agents });
    },
    joinKey: () => joinKey(transport),
  };
}
