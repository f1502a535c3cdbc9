// Splits Docker's multiplexed log stream (a non-TTY container's) into stdout and stderr chunks.
// Each frame is an 8-byte header [stream, 0, 0, 0, size as big-endian uint32] then `size` bytes;
// frames may be cut anywhere by the transport, so bytes are buffered until a frame is whole.

import type { LogChunk } from './ContainerRuntime.ts';

const HEADER = 8;

export async function* demuxFrames(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer>,
): AsyncIterable<LogChunk> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const piece of source) {
    pending = pending.length === 0 ? toBuffer(piece) : Buffer.concat([pending, toBuffer(piece)]);
    let offset = 0;
    while (pending.length - offset >= HEADER) {
      const kind = pending.readUInt8(offset);
      // 0 is stdin, never written by the engine for logs; anything else is not a multiplexed stream
      // (a TTY container's raw output, say).
      if (kind > 2 || pending.readUIntBE(offset + 1, 3) !== 0) {
        throw new Error(`not a multiplexed Docker stream (bad frame header at byte ${offset})`);
      }
      const size = pending.readUInt32BE(offset + 4);
      if (pending.length - offset - HEADER < size) break;
      const data = Buffer.from(pending.subarray(offset + HEADER, offset + HEADER + size));
      offset += HEADER + size;
      if (kind !== 0 && data.length > 0) yield { stream: kind === 1 ? 'stdout' : 'stderr', data };
    }
    pending = pending.subarray(offset);
  }
  if (pending.length > 0) throw new Error(`Docker log stream ended inside a frame (${pending.length} bytes)`);
}

function toBuffer(piece: Buffer | string): Buffer {
  return typeof piece === 'string' ? Buffer.from(piece, 'binary') : piece;
}
