// Reads the engine's answer to an image pull: one JSON object a line, progress or error.

import type { PullProgress } from './ContainerRuntime.ts';

/**
 * Reads the engine's pull stream (one JSON object a line) to its end, reporting progress. The engine
 * reports most failures inside the stream, after a 200 status: those lines carry `error`.
 */
export async function followPull(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  onProgress?: (event: PullProgress) => void,
): Promise<void> {
  let buffered = '';
  const handle = (line: string) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    let event: PullEvent;
    try {
      event = JSON.parse(trimmed) as PullEvent;
    } catch {
      throw new Error(`unreadable answer from the engine: ${trimmed.slice(0, 200)}`);
    }
    if (event.error !== undefined || event.errorDetail?.message !== undefined) {
      throw new Error(event.errorDetail?.message ?? event.error);
    }
    onProgress?.(toProgress(event));
  };
  for await (const piece of stream) {
    buffered += typeof piece === 'string' ? piece : piece.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      handle(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  handle(buffered);
}

interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: PullDetail;
  error?: string;
  errorDetail?: { message?: string };
}

interface PullDetail {
  current?: number;
  total?: number;
}

function toProgress(event: { status?: string; id?: string; progressDetail?: PullDetail }): PullProgress {
  const progress: PullProgress = { status: event.status ?? '' };
  if (event.id !== undefined) progress.layer = event.id;
  if (event.progressDetail?.current !== undefined) progress.current = event.progressDetail.current;
  if (event.progressDetail?.total !== undefined) progress.total = event.progressDetail.total;
  return progress;
}
