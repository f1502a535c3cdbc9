// Kubernetes' exec channel framing (v5.channel.k8s.io, agent/api/podStreamsApi.ts CHANNEL): every binary
// message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize
// {"Width","Height"}, 255 close (v5: [255, 0] ends stdin).
import { isRecord } from './apiCall.ts';

export const EXEC_PROTOCOL = 'v5.channel.k8s.io';
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

const encoder = new TextEncoder();

function frame(channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = channel;
  out.set(payload, 1);
  return out;
}

export function stdinFrame(data: string | Uint8Array): Uint8Array {
  return frame(CHANNEL.stdin, typeof data === 'string' ? encoder.encode(data) : data);
}

export function resizeFrame(cols: number, rows: number): Uint8Array {
  return frame(CHANNEL.resize, encoder.encode(JSON.stringify({ Width: cols, Height: rows })));
}

/** v5's "no more input": the command sees end of file on its stdin. */
export function closeStdinFrame(): Uint8Array {
  return new Uint8Array([CHANNEL.close, CHANNEL.stdin]);
}

export type ExecMessage =
  | { type: 'output'; stream: 'stdout' | 'stderr'; data: Uint8Array }
  /** The final Status: the exit code, or why the command could not run. */
  | { type: 'exit'; code: number | undefined; error?: string }
  | { type: 'ignored' };

/**
 * The exit code in a final Status, as kubectl reads it: 0 on Success; a NonZeroExitCode's ExitCode cause;
 * otherwise undefined with the Status message as the error.
 */
export function exitFromStatus(raw: unknown): { code: number | undefined; error?: string } {
  if (!isRecord(raw))
    return { code: undefined, error: 'the exec stream ended with a status that is not JSON' };
  if (raw.status === 'Success') return { code: 0 };
  const message = typeof raw.message === 'string' ? raw.message : 'the command failed';
  if (raw.reason === 'NonZeroExitCode') {
    const details = isRecord(raw.details) ? raw.details : {};
    const causes = Array.isArray(details.causes) ? details.causes : [];
    for (const cause of causes) {
      if (isRecord(cause) && cause.reason === 'ExitCode' && typeof cause.message === 'string') {
        const code = Number(cause.message);
        if (Number.isInteger(code)) return { code };
      }
    }
  }
  return { code: undefined, error: message };
}

/** Reads one message of an exec socket. */
export function parseExecMessage(data: string | Uint8Array): ExecMessage {
  // Text messages are not part of the binary protocol; v5 sends none.
  if (typeof data === 'string' || data.length === 0) return { type: 'ignored' };
  const channel = data[0];
  const payload = data.subarray(1);
  if (channel === CHANNEL.stdout) return { type: 'output', stream: 'stdout', data: payload };
  if (channel === CHANNEL.stderr) return { type: 'output', stream: 'stderr', data: payload };
  if (channel === CHANNEL.error) {
    let status: unknown;
    try {
      status = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      status = undefined;
    }
    return { type: 'exit', ...exitFromStatus(status) };
  }
  return { type: 'ignored' };
}
