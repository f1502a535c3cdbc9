// Go's text/tabwriter, as kubectl prints through it: cells end with a tab; a column of cells in consecutive
// lines is one block, padded to its widest cell plus `padding` (at least `minWidth`); the last cell of a
// line is not aligned. kubectl get uses (minWidth 6, padding 3); kubectl describe (0, 2).

export interface TabwriterOptions {
  minWidth: number;
  padding: number;
}

export const GET_TABLE: TabwriterOptions = { minWidth: 6, padding: 3 };
export const DESCRIBE: TabwriterOptions = { minWidth: 0, padding: 2 };

/** Display width: characters, not UTF-16 units (Go counts runes). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Aligns tab-separated text. `text` is lines separated by `\n`; the result keeps the line structure. */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = new Array(lines.length);
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] as string[];
      let s = '';
      cells.forEach((cell, j) => {
        s += cell;
        const w = widths[j];
        if (w !== undefined) s += ' '.repeat(Math.max(0, w - width(cell)));
      });
      out[i] = s;
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= (lines[i] as string[]).length - 1) continue;
      writeLines(start, i);
      start = i;
      let w = opts.minWidth;
      for (; i < line1; i++) {
        const cells = lines[i] as string[];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column] as string) + opts.padding);
      }
      widths.push(w);
      format(start, i);
      widths.pop();
      start = i;
      i--; // the for loop's i++ moves to the line that ended the block
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}
