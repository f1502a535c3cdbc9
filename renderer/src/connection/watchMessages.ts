// Reads one message of the WebSocket watch (agent/api/watch.ts): a change, a BOOKMARK (the one that ends
// the initial list carries k8s.io/initial-events-end), or an ERROR with a Kubernetes Status. Anything else
// is refused with an error that says what was wrong, so a broken server shows as such, not as missing data.
import { isKind } from '../../../shared/model/kinds.ts';
import { isRecord, messageOf } from './apiCall.ts';
import type { KubeObject } from './ClusterConnection.ts';
import type { SocketControl } from './reconnectingSocket.ts';

/** Kubernetes' annotation on the bookmark that ends the initial events (INITIAL_EVENTS_END in watch.ts). */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type ParsedWatchMessage =
  | { type: ChangeType; object: KubeObject }
  | { type: 'BOOKMARK'; resourceVersion: string; initialEventsEnd: boolean }
  | { type: 'ERROR'; message: string; code: number | undefined; reason: string | undefined };

function text(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
}

/** Parses a watch message; throws an Error naming what is wrong with it. */
export function parseWatchMessage(data: string | Uint8Array): ParsedWatchMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text(data));
  } catch {
    throw new Error(`the watch sent a message that is not JSON: ${text(data).slice(0, 80)}`);
  }
  if (!isRecord(raw) || typeof raw.type !== 'string' || !isRecord(raw.object)) {
    throw new Error('the watch sent a message without "type" and "object"');
  }
  const object = raw.object;
  switch (raw.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED': {
      const meta = object.metadata;
      if (!isKind(object.kind))
        throw new Error(`the watch sent an object of unknown kind ${String(object.kind)}`);
      if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '') {
        throw new Error(`the watch sent a ${object.kind} without metadata.name`);
      }
      return { type: raw.type, object: object as unknown as KubeObject };
    }
    case 'BOOKMARK': {
      const meta = isRecord(object.metadata) ? object.metadata : {};
      const annotations = isRecord(meta.annotations) ? meta.annotations : {};
      return {
        type: 'BOOKMARK',
        resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '',
        initialEventsEnd: annotations[INITIAL_EVENTS_END] === 'true',
      };
    }
    case 'ERROR':
      return {
        type: 'ERROR',
        message: typeof object.message === 'string' ? object.message : 'the watch failed',
        code: typeof object.code === 'number' ? object.code : undefined,
        reason: typeof object.reason === 'string' ? object.reason : undefined,
      };
    default:
      throw new Error(`the watch sent a message of unknown type "${raw.type}"`);
  }
}

export type WatchUpdate = Exclude<ParsedWatchMessage, { type: 'ERROR' }>;

/**
 * A message a watch acts on: a change or a bookmark. An unreadable message or an ERROR fails the socket
 * instead, and gives undefined; the ERROR is retried unless retrying cannot help, or always with
 * `retryFinalErrors` (a watch that must outlast a refusal, such as a drain's).
 */
export function readWatchUpdate(
  data: string | Uint8Array,
  control: Pick<SocketControl, 'fail'>,
  retryFinalErrors = false,
): WatchUpdate | undefined {
  let m: ParsedWatchMessage;
  try {
    m = parseWatchMessage(data);
  } catch (err) {
    control.fail(messageOf(err));
    return undefined;
  }
  if (m.type !== 'ERROR') return m;
  control.fail(m.message, retryFinalErrors || !isFinalError(m.code));
  return undefined;
}

/** Whether retrying cannot help: the request itself was refused (bad parameters, token, permission). */
export function isFinalError(code: number | undefined): boolean {
  return code !== undefined && code >= 400 && code < 500 && code !== 408 && code !== 429;
}

/** The larger of two resourceVersions (decimal strings; anything else counts as 0). */
export function maxResourceVersion(a: string | undefined, b: string | undefined): string | undefined {
  const n = (v: string | undefined) => (v !== undefined && /^[0-9]{1,15}$/.test(v) ? Number(v) : -1);
  const best = Math.max(n(a), n(b));
  return best < 0 ? undefined : String(best);
}
