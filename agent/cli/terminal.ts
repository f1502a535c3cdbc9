// The local terminal during `shoal exec -t`: raw mode (keys go to the remote process as typed, Ctrl-C
// included) when standard input is a terminal, its size and resizes, and restoring it however we leave.
import type { CliIo } from './io.ts';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface RawTerminal {
  /** The output terminal's size, when it is one. */
  size(): TerminalSize | undefined;
  onResize(listener: (size: TerminalSize) => void): void;
  /** Leaves raw mode and stops listening; idempotent. */
  restore(): void;
}

interface TtyIn {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

interface TtyOut extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): this;
  off(event: 'resize', listener: () => void): this;
}

export function rawTerminal(io: CliIo, raw: boolean): RawTerminal {
  const input = io.stdin as NodeJS.ReadableStream & TtyIn;
  const output = io.stdout as TtyOut;
  const wasRaw = input.isRaw === true;
  const useRaw = raw && input.isTTY === true && typeof input.setRawMode === 'function';
  if (useRaw) input.setRawMode?.(true);
  const listeners: (() => void)[] = [];
  const size = (): TerminalSize | undefined =>
    output.isTTY && output.columns && output.rows ? { cols: output.columns, rows: output.rows } : undefined;
  // Restored on the way out even when the process is ended by a signal or an exception.
  const onExit = () => restore();
  process.once('exit', onExit);
  let restored = false;
  function restore(): void {
    if (restored) return;
    restored = true;
    process.off('exit', onExit);
    for (const off of listeners) off();
    if (useRaw) input.setRawMode?.(wasRaw);
  }
  return {
    size,
    onResize(listener) {
      if (!output.isTTY) return;
      const handler = () => {
        const s = size();
        if (s) listener(s);
      };
      output.on('resize', handler); // Node's SIGWINCH handling for a TTY stdout
      listeners.push(() => output.off('resize', handler));
    },
    restore,
  };
}
