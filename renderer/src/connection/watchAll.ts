// Live state: one WebSocket watch of every kind (`/shoal/v1/watch?allowWatchBookmarks=true`). The initial
// ADDED events up to the bookmark that ends them are the snapshot; every message after it is a change,
// handed over in batches. After a loss the watch starts over with a full list rather than resuming from a
// resourceVersion: the API's resume sends only newer objects and cannot report those deleted meanwhile.
import { STATUS_PATH, WATCH_PATH } from '../../../shared/api/paths.ts';
import { objectKey } from '../../../shared/model/meta.ts';
import { messageOf } from './apiCall.ts';
import type { KubeObject, LinkState, Transport, WatchHandlers } from './ClusterConnection.ts';
import { FrameBatcher } from './frameBatcher.ts';
import { reconnectingSocket } from './reconnectingSocket.ts';
import { type ChangeType, readWatchUpdate } from './watchMessages.ts';

type Change = { type: ChangeType; object: KubeObject };

const idOf = (obj: KubeObject) => `${obj.kind}/${objectKey(obj)}`;

/** Why a socket could not open, learnt from a plain request (browsers hide a refused upgrade's status). */
export async function diagnoseApi(
  transport: Transport,
): Promise<{ error: string; final: boolean } | undefined> {
  try {
    const res = await transport.request({ method: 'GET', path: STATUS_PATH });
    if (res.status === 401) {
      return {
        error: 'the API refused the token (401 Unauthorized): open the dashboard link again',
        final: true,
      };
    }
    return undefined;
  } catch (err) {
    return { error: `cannot reach the cluster: ${messageOf(err)}`, final: false };
  }
}

export function watchAll(transport: Transport, handlers: WatchHandlers): () => void {
  let initial: Map<string, KubeObject> | undefined;
  let last: { state: LinkState; error: string | undefined } | undefined;
  const setState = (state: LinkState, error?: string) => {
    if (last?.state === state && last.error === error) return;
    last = { state, error };
    handlers.onState(state, error);
  };
  const batcher = new FrameBatcher<Change>((changes) => handlers.onChanges(changes));

  setState('connecting');
  const stop = reconnectingSocket(transport, {
    path: () => `${WATCH_PATH}?allowWatchBookmarks=true`,
    diagnose: () => diagnoseApi(transport),
    onOpen: () => {
      initial = new Map();
    },
    onMessage: (data, control) => {
      const m = readWatchUpdate(data, control);
      if (m === undefined) return;
      if (initial !== undefined) {
        if (m.type === 'BOOKMARK') {
          if (!m.initialEventsEnd) return;
          const objects = [...initial.values()];
          initial = undefined;
          batcher.flush(); // the last connection's changes come before this snapshot, never after it
          handlers.onSnapshot(objects);
          control.healthy();
          setState('live');
        } else if (m.type === 'DELETED') initial.delete(idOf(m.object));
        else initial.set(idOf(m.object), m.object);
        return;
      }
      if (m.type !== 'BOOKMARK') batcher.push({ type: m.type, object: m.object });
    },
    onLost: (error, retryInMs) => {
      initial = undefined;
      batcher.flush();
      setState(retryInMs === undefined ? 'failed' : 'reconnecting', error);
    },
  });
  return () => {
    stop();
    batcher.clear();
  };
}
