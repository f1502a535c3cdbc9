// A pod's logs (a streamed HTTP body) and exec sessions (a channel-framed WebSocket), at Kubernetes' paths
// (agent/api/podStreamsApi.ts).
import type { ExecHandlers, ExecSession, LogOptions, LogStream, Transport } from './ClusterConnection.ts';
import { EXEC_PROTOCOL, parseExecMessage, resizeFrame, stdinFrame } from './execFrames.ts';

function podPath(namespace: string, pod: string, verb: 'log' | 'exec'): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${verb}`;
}

export function logPath(namespace: string, pod: string, opts: LogOptions): string {
  const query = new URLSearchParams();
  if (opts.container) query.set('container', opts.container);
  if (opts.follow) query.set('follow', 'true');
  if (opts.tailLines !== undefined && Number.isSafeInteger(opts.tailLines) && opts.tailLines >= 0)
    query.set('tailLines', String(opts.tailLines));
  if (opts.previous) query.set('previous', 'true');
  if (opts.timestamps) query.set('timestamps', 'true');
  const q = query.toString();
  return podPath(namespace, pod, 'log') + (q === '' ? '' : `?${q}`);
}

export function logs(
  transport: Transport,
  namespace: string,
  pod: string,
  opts: LogOptions,
  onText: (text: string) => void,
  onEnd: (error?: string) => void,
): LogStream {
  let closed = false;
  const cancel = transport.stream(
    logPath(namespace, pod, opts),
    (text) => {
      if (!closed) onText(text);
    },
    (error) => {
      if (closed) return;
      closed = true;
      onEnd(error);
    },
  );
  return {
    close() {
      if (closed) return;
      closed = true;
      cancel();
    },
  };
}

export interface ExecOptions {
  container?: string;
  command: string[];
  tty: boolean;
  cols?: number;
  rows?: number;
}

export function execPath(namespace: string, pod: string, opts: ExecOptions): string {
  const query = new URLSearchParams();
  for (const arg of opts.command) query.append('command', arg);
  query.set('stdin', 'true');
  query.set('tty', String(opts.tty));
  if (opts.container) query.set('container', opts.container);
  return `${podPath(namespace, pod, 'exec')}?${query}`;
}

const validSize = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n > 0;

export function exec(
  transport: Transport,
  namespace: string,
  pod: string,
  opts: ExecOptions,
  handlers: ExecHandlers,
): ExecSession {
  let open = false;
  let over = false;
  const queued: Uint8Array[] = []; // sent once the socket is open
  const finish = (code: number | undefined, error?: string) => {
    if (over) return;
    over = true;
    handlers.onExit(code, error);
  };
  if (opts.command.length === 0) {
    queueMicrotask(() => finish(undefined, 'give a command to run'));
    return { write() {}, resize() {}, close() {} };
  }
  const socket = transport.openSocket(execPath(namespace, pod, opts), [EXEC_PROTOCOL]);
  const send = (data: Uint8Array) => {
    if (over) return;
    if (open) socket.send(data);
    else queued.push(data);
  };
  if (opts.tty && validSize(opts.cols) && validSize(opts.rows)) send(resizeFrame(opts.cols, opts.rows));
  socket.onOpen(() => {
    open = true;
    for (const data of queued.splice(0)) if (!over) socket.send(data);
  });
  socket.onMessage((data) => {
    if (over) return;
    const m = parseExecMessage(data);
    if (m.type === 'output') handlers.onOutput(m.data);
    else if (m.type === 'exit') finish(m.code, m.error);
  });
  socket.onClose((info) => {
    finish(undefined, info.error ?? (info.reason || 'the connection closed before the command ended'));
  });
  return {
    write: (data) => send(stdinFrame(data)),
    resize: (cols, rows) => {
      if (validSize(cols) && validSize(rows)) send(resizeFrame(cols, rows));
    },
    close: () => {
      if (over) return;
      over = true; // the caller ended it: no onExit
      socket.close();
    },
  };
}
