// The terminal the exec view draws into, behind a small interface: the real one is xterm.js with its fit
// addon; tests give a fake that records what was written and lets them type.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

export interface Disposable {
  dispose(): void;
}

export interface TerminalAdapter {
  /** Attaches to an element (once). */
  open(host: HTMLElement): void;
  write(data: string | Uint8Array): void;
  /** Keyboard input the user typed. */
  onData(listener: (data: string) => void): Disposable;
  /** The grid size changed (after fit). */
  onResize(listener: (size: { cols: number; rows: number }) => void): Disposable;
  /** Resizes the grid to fill its element. */
  fit(): void;
  readonly cols: number;
  readonly rows: number;
  /** Clears the screen and the scrollback. */
  reset(): void;
  focus(): void;
  dispose(): void;
}

export type TerminalFactory = () => TerminalAdapter;

/** Colours from the theme's CSS variables, so the terminal follows light and dark. */
function themeFrom(host: HTMLElement): { background: string; foreground: string; cursor: string } {
  const style = getComputedStyle(host);
  const pick = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: pick('--terminal-bg', '#0d1117'),
    foreground: pick('--terminal-fg', '#e6edf3'),
    cursor: pick('--accent', '#4c8dff'),
  };
}

export function createXtermTerminal(): TerminalAdapter {
  const terminal = new Terminal({
    cursorBlink: true,
    convertEol: false,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: 13,
    scrollback: 5000,
  });
  const fitAddon = new FitAddon();
  terminal.loadAddon(fitAddon);
  return {
    open(host) {
      terminal.options.theme = themeFrom(host);
      terminal.open(host);
    },
    write: (data) => terminal.write(data),
    onData: (listener) => terminal.onData(listener),
    onResize: (listener) => terminal.onResize(listener),
    fit() {
      // Measuring fails while the element is hidden or has no size; the next resize fits it.
      try {
        fitAddon.fit();
      } catch {
        /* not laid out yet */
      }
    },
    get cols() {
      return terminal.cols;
    },
    get rows() {
      return terminal.rows;
    },
    reset: () => terminal.reset(),
    focus: () => terminal.focus(),
    dispose: () => terminal.dispose(),
  };
}
