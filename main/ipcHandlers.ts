// What main does for each IPC call, as plain functions over their dependencies (no Electron here), so they
// are unit-tested without the Electron binary. Every argument is validated first (ipcValidation.ts); then
// requests go to the embedded peer's API with its token, or to the onboarding API in-process, and sockets and
// streams become relays that push their events to the window that opened them.
import { type ApiTarget, agentUrl, failureStatus, forwardRequest } from './apiForwarder.ts';
import type { RelayEventMessage } from './ipcChannels.ts';
import {
  ackSchema,
  DASHBOARD_PREFIX,
  IpcValidationError,
  parseIpcArg,
  relayIdSchema,
  requestSchema,
  settingsPatchSchema,
  socketOpenSchema,
  socketSendSchema,
  streamOpenSchema,
} from './ipcValidation.ts';
import type { Credit } from './relay/credit.ts';
import { SocketRelay } from './relay/SocketRelay.ts';
import { StreamRelay } from './relay/StreamRelay.ts';
import type { DesktopSettings, TransportRequest, TransportResponse } from './shoalBridge.ts';

export type { ApiTarget };

export interface IpcHandlerDeps {
  /** The embedded peer's API; undefined while this computer is in no cluster or its peer is not up. */
  apiTarget(): Promise<ApiTarget | undefined>;
  /** The onboarding API (`/shoal/dashboard/v1/…`), served in-process. */
  dashboard(method: string, path: string, body: unknown): Promise<TransportResponse>;
  settings: {
    get(): DesktopSettings;
    set(patch: Partial<DesktopSettings>): Promise<DesktopSettings>;
  };
  /** Why there is no API target right now (default: NOT_A_MEMBER), e.g. the peer is restarting. */
  unavailable?(): string;
  /** Open sockets and streams one window may hold (default 64). */
  maxRelaysPerWindow?: number;
  /** Flow-control credit per relay (tests use small marks). */
  credit?: () => Credit;
}

/** The window a relay pushes its events to. */
export interface WindowSink {
  readonly id: number;
  send(message: RelayEventMessage): void;
}

export const NOT_A_MEMBER =
  'This computer is not part of a cluster yet: create one, join one with a key, or start a local cluster';

interface Relay {
  ack(units: number): void;
  /** The window asked for it to end (close a socket, cancel a stream). */
  end(): void;
  send?(data: string | Uint8Array): void;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface IpcHandlers {
  request(raw: unknown): Promise<TransportResponse>;
  /** The fire-and-forget calls return the problem they hit (main logs it), or undefined. */
  socketOpen(sink: WindowSink, raw: unknown): Promise<string | undefined>;
  socketSend(sink: WindowSink, raw: unknown): string | undefined;
  socketClose(sink: WindowSink, raw: unknown): string | undefined;
  streamOpen(sink: WindowSink, raw: unknown): Promise<string | undefined>;
  streamCancel(sink: WindowSink, raw: unknown): string | undefined;
  ack(sink: WindowSink, raw: unknown): string | undefined;
  settingsGet(): DesktopSettings;
  settingsSet(raw: unknown): Promise<DesktopSettings>;
  /** Ends every relay of a window (it closed, reloaded or crashed). */
  closeWindow(sinkId: number): void;
  /** Ends every relay (the app quits). */
  closeAll(): void;
  /** Open relays, for tests and diagnostics. */
  readonly openRelays: number;
}

function problemOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createIpcHandlers(deps: IpcHandlerDeps): IpcHandlers {
  const relays = new Map<string, Relay>();
  const unavailable = () => deps.unavailable?.() ?? NOT_A_MEMBER;
  const maxPerWindow = deps.maxRelaysPerWindow ?? 64;
  const keyOf = (sinkId: number, id: string) => `${sinkId}:${id}`;
  const countOf = (sinkId: number) => [...relays.keys()].filter((k) => k.startsWith(`${sinkId}:`)).length;

  /**
   * Opens a socket or stream relay: validates, reserves the id (so a second open with it is refused while
   * the peer's address is looked up), then creates the relay. A failure is also told to the window, as the
   * relay's last event, when the id it sent is usable.
   */
  const openRelay = async <A extends { id: string; path: string }>(
    sink: WindowSink,
    raw: unknown,
    parse: (raw: unknown) => A,
    lastEvent: (error?: string) => RelayEventMessage['event'],
    create: (args: A, target: ApiTarget, emit: (event: RelayEventMessage['event']) => void) => Relay,
  ): Promise<string | undefined> => {
    const rawId = (raw as { id?: unknown } | null)?.id;
    const tell = (id: unknown, error: string) => {
      if (typeof id === 'string' && ID_PATTERN.test(id) && !relays.has(keyOf(sink.id, id)))
        sink.send({ id, event: lastEvent(error) });
      return error;
    };
    let args: A;
    try {
      args = parse(raw);
    } catch (err) {
      return tell(rawId, problemOf(err));
    }
    const key = keyOf(sink.id, args.id);
    if (relays.has(key)) return `id "${args.id}" is already in use by an open socket or stream`;
    if (countOf(sink.id) >= maxPerWindow)
      return tell(args.id, `this window already has ${maxPerWindow} open sockets and streams`);
    let endedEarly = false;
    const reserved: Relay = {
      ack() {},
      end() {
        endedEarly = true;
      },
    };
    relays.set(key, reserved);
    const target = await deps.apiTarget().catch(() => undefined);
    if (relays.get(key) !== reserved) return undefined; // the window went away meanwhile
    relays.delete(key);
    if (endedEarly) {
      sink.send({ id: args.id, event: lastEvent() });
      return undefined;
    }
    if (!target) return tell(args.id, unavailable());
    let over = false;
    const relay = create(args, target, (event) => {
      if (event.type === 'close' || event.type === 'end') {
        over = true;
        relays.delete(key);
      }
      sink.send({ id: args.id, event });
    });
    if (!over) relays.set(key, relay);
    return undefined;
  };

  /** Runs a fire-and-forget call on an open relay; a late call for a relay already over is normal. */
  const onRelay = <A extends { id: string }>(
    sink: WindowSink,
    raw: unknown,
    parse: (raw: unknown) => A,
    act: (relay: Relay, args: A) => void,
  ): string | undefined => {
    try {
      const args = parse(raw);
      const relay = relays.get(keyOf(sink.id, args.id));
      if (relay) act(relay, args);
      return undefined;
    } catch (err) {
      return problemOf(err);
    }
  };

  const endAll = (filter: (key: string) => boolean) => {
    for (const [key, relay] of [...relays]) {
      if (!filter(key)) continue;
      relays.delete(key);
      relay.end();
    }
  };

  return {
    async request(raw) {
      let req: TransportRequest;
      try {
        req = parseIpcArg(requestSchema, raw, 'request');
      } catch (err) {
        return failureStatus(400, 'BadRequest', problemOf(err));
      }
      if (req.path.startsWith(DASHBOARD_PREFIX)) {
        try {
          return await deps.dashboard(req.method, req.path, req.body);
        } catch (err) {
          return failureStatus(500, 'InternalError', problemOf(err));
        }
      }
      const target = await deps.apiTarget().catch(() => undefined);
      if (!target) return failureStatus(503, 'ServiceUnavailable', unavailable());
      return forwardRequest(target, req);
    },

    socketOpen(sink, raw) {
      return openRelay(
        sink,
        raw,
        (r) => parseIpcArg(socketOpenSchema, r, 'socket'),
        (error) =>
          error === undefined
            ? { type: 'close', code: 1000, reason: 'closed by the window' }
            : { type: 'close', code: 1006, reason: '', error },
        (args, target, emit) => {
          const socket = new SocketRelay({
            url: agentUrl(target, args.path, 'ws').toString(),
            token: target.token,
            protocols: args.protocols,
            credit: deps.credit?.(),
            emit,
          });
          return { ack: (n) => socket.ack(n), end: () => socket.close(), send: (d) => socket.send(d) };
        },
      );
    },

    socketSend(sink, raw) {
      return onRelay(
        sink,
        raw,
        (r) => parseIpcArg(socketSendSchema, r, 'socket message'),
        (relay, args) => relay.send?.(args.data),
      );
    },

    socketClose(sink, raw) {
      return onRelay(
        sink,
        raw,
        (r) => parseIpcArg(relayIdSchema, r, 'socket close'),
        (relay) => relay.end(),
      );
    },

    streamOpen(sink, raw) {
      return openRelay(
        sink,
        raw,
        (r) => parseIpcArg(streamOpenSchema, r, 'stream'),
        (error) => (error === undefined ? { type: 'end' } : { type: 'end', error }),
        (args, target, emit) => {
          const stream = new StreamRelay({
            url: agentUrl(target, args.path).toString(),
            token: target.token,
            credit: deps.credit?.(),
            emit,
          });
          return { ack: (n) => stream.ack(n), end: () => stream.cancel() };
        },
      );
    },

    streamCancel(sink, raw) {
      return onRelay(
        sink,
        raw,
        (r) => parseIpcArg(relayIdSchema, r, 'stream cancel'),
        (relay) => relay.end(),
      );
    },

    ack(sink, raw) {
      return onRelay(
        sink,
        raw,
        (r) => parseIpcArg(ackSchema, r, 'ack'),
        (relay, args) => relay.ack(args.bytes),
      );
    },

    settingsGet() {
      return deps.settings.get();
    },

    async settingsSet(raw) {
      return deps.settings.set(parseIpcArg(settingsPatchSchema, raw, 'settings'));
    },

    closeWindow(sinkId) {
      endAll((key) => key.startsWith(`${sinkId}:`));
    },

    closeAll() {
      endAll(() => true);
    },

    get openRelays() {
      return relays.size;
    },
  };
}

export { IpcValidationError };
