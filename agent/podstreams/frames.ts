// The frames of `shoal/pod-streams/1`, one per protomux message, in compact-encoding:
//   [type u8][owner u8][stream id uint][payload by type]
// `owner` says whose id space the stream id is in: 0 = the sender of this frame opened the stream,
// 1 = the receiver did, so both agents can open streams on one channel without their ids colliding.
// Frames come from another machine: `decodeFrame` returns an error instead of throwing, and every size and
// number is capped before anything is allocated for it.
import c from 'compact-encoding';

export const FRAME = {
  open: 1,
  ready: 2,
  data: 3,
  end: 4,
  resize: 5,
  exit: 6,
  error: 7,
  credit: 8,
  close: 9,
} as const;

/** Largest data payload per frame; senders split bigger writes. */
export const MAX_DATA_BYTES = 64 * 1024;
/** Largest request (JSON) in an OPEN frame. */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** Error messages longer than this are cut (sending) or refused (receiving). */
export const MAX_ERROR_MESSAGE = 4 * 1024;
const MAX_REASON = 64;
const MAX_STREAM_ID = 2 ** 32 - 1;

export type Fd = 0 | 1 | 2;

export type FrameBody =
  | { type: 'open'; request: string }
  | { type: 'ready' }
  | { type: 'data'; fd: Fd; data: Buffer }
  | { type: 'end'; fd: Fd }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'exit'; code: number }
  | { type: 'error'; reason: string; message: string }
  | { type: 'credit'; bytes: number }
  | { type: 'close' };

export type Frame = FrameBody & {
  /** true: the stream was opened by the frame's sender. */
  senderOwns: boolean;
  id: number;
};

export type DecodedFrame =
  | { ok: true; frame: Frame }
  /** `id` and `senderOwns` are set when the frame's head was readable: the error concerns that stream. */
  | { ok: false; error: string; id?: number; senderOwns?: boolean };

export function encodeFrame(frame: Frame): Buffer {
  const state = c.state();
  const head = (s: typeof state) => {
    c.uint8[s.buffer ? 'encode' : 'preencode'](s, FRAME[frame.type]);
    c.uint8[s.buffer ? 'encode' : 'preencode'](s, frame.senderOwns ? 0 : 1);
    c.uint[s.buffer ? 'encode' : 'preencode'](s, frame.id);
  };
  const body = (s: typeof state) => {
    const op = s.buffer ? 'encode' : 'preencode';
    switch (frame.type) {
      case 'open':
        c.string[op](s, frame.request);
        break;
      case 'data':
        c.uint8[op](s, frame.fd);
        c.buffer[op](s, frame.data);
        break;
      case 'end':
        c.uint8[op](s, frame.fd);
        break;
      case 'resize':
        c.uint[op](s, frame.cols);
        c.uint[op](s, frame.rows);
        break;
      case 'exit':
        c.int[op](s, frame.code);
        break;
      case 'error':
        c.string[op](s, frame.reason.slice(0, MAX_REASON));
        c.string[op](s, frame.message.slice(0, MAX_ERROR_MESSAGE));
        break;
      case 'credit':
        c.uint[op](s, frame.bytes);
        break;
      case 'ready':
      case 'close':
        break;
    }
  };
  head(state);
  body(state);
  state.buffer = Buffer.allocUnsafe(state.end);
  state.start = 0;
  head(state);
  body(state);
  return state.buffer as Buffer;
}

const TYPES = new Map<number, Frame['type']>(
  Object.entries(FRAME).map(([name, code]) => [code, name as Frame['type']]),
);

function isFd(n: number): n is Fd {
  return n === 0 || n === 1 || n === 2;
}

/** Reads one frame; never throws. An error with `id` concerns one stream, without it the whole channel. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  const state = c.state(0, bytes.byteLength, bytes);
  let id: number | undefined;
  let senderOwns: boolean | undefined;
  try {
    const type = TYPES.get(c.uint8.decode(state));
    const owner = c.uint8.decode(state);
    id = c.uint.decode(state);
    if (type === undefined) return { ok: false, error: 'unknown frame type' };
    if (owner > 1) return { ok: false, error: `bad owner flag ${owner}` };
    senderOwns = owner === 0;
    if (id > MAX_STREAM_ID) return { ok: false, error: `stream id ${id} out of range` };
    const base = { senderOwns: owner === 0, id };
    const fail = (error: string): DecodedFrame => ({ ok: false, error, ...base });
    let frame: Frame;
    switch (type) {
      case 'open': {
        const length = peekLength(state);
        if (length > MAX_REQUEST_BYTES)
          return fail(`request of ${length} bytes is over ${MAX_REQUEST_BYTES}`);
        frame = { ...base, type, request: c.string.decode(state) };
        break;
      }
      case 'data': {
        const fd = c.uint8.decode(state);
        if (!isFd(fd)) return fail(`bad fd ${fd}`);
        const length = peekLength(state);
        if (length > MAX_DATA_BYTES) return fail(`data frame of ${length} bytes is over ${MAX_DATA_BYTES}`);
        // A view, not a copy: the bytes are the decrypted message's own (secret-stream decrypts each
        // message into memory of its own, never reused), and a copy per frame is a copy per byte received.
        const data = c.buffer.decode(state);
        frame = { ...base, type, fd, data: data ? asBuffer(data) : Buffer.alloc(0) };
        break;
      }
      case 'end': {
        const fd = c.uint8.decode(state);
        if (!isFd(fd)) return fail(`bad fd ${fd}`);
        frame = { ...base, type, fd };
        break;
      }
      case 'resize': {
        const cols = c.uint.decode(state);
        const rows = c.uint.decode(state);
        if (cols > 65535 || rows > 65535) return fail('terminal size out of range');
        frame = { ...base, type, cols, rows };
        break;
      }
      case 'exit': {
        const code = c.int.decode(state);
        if (!Number.isSafeInteger(code) || Math.abs(code) > 2 ** 31) return fail('exit code out of range');
        frame = { ...base, type, code };
        break;
      }
      case 'error': {
        if (peekLength(state) > MAX_REASON) return fail('error reason too long');
        const reason = c.string.decode(state);
        if (peekLength(state) > MAX_ERROR_MESSAGE) return fail('error message too long');
        frame = { ...base, type, reason, message: c.string.decode(state) };
        break;
      }
      case 'credit':
        frame = { ...base, type, bytes: c.uint.decode(state) };
        break;
      case 'ready':
      case 'close':
        frame = { ...base, type };
        break;
    }
    if (state.start !== state.end) return fail('trailing bytes after the frame');
    return { ok: true, frame };
  } catch (err) {
    return {
      ok: false,
      id,
      senderOwns,
      error: `malformed frame: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The length prefix of the next string or buffer, without consuming it. */
function peekLength(state: ReturnType<typeof c.state>): number {
  const copy = { ...state };
  return c.uint.decode(copy);
}
