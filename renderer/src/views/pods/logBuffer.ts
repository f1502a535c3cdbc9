// The log viewer's text: streamed chunks split into lines (a chunk may end mid-line), at most `maxLines`
// kept, the oldest dropped first. Lines are numbered from the start of the stream so a line keeps its
// number (and its React key) while older ones are dropped.

export const DEFAULT_MAX_LINES = 5_000;

export interface LogLine {
  /** Position in the stream since it was opened, from 0. */
  seq: number;
  text: string;
}

export class LogBuffer {
  private complete: LogLine[] = [];
  private partial = '';
  private nextSeq = 0;

  constructor(private readonly maxLines = DEFAULT_MAX_LINES) {}

  append(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) {
      // A trailing carriage return is a Windows line ending or a progress bar redraw: not text to show.
      this.complete.push({ seq: this.nextSeq++, text: part.endsWith('\r') ? part.slice(0, -1) : part });
    }
    const excess = this.complete.length + (this.partial === '' ? 0 : 1) - this.maxLines;
    if (excess > 0) this.complete.splice(0, excess);
  }

  /** The lines kept, the unfinished last one included. */
  lines(): LogLine[] {
    if (this.partial === '') return this.complete.slice();
    return [...this.complete, { seq: this.nextSeq, text: this.partial }];
  }

  clear(): void {
    this.complete = [];
    this.partial = '';
  }
}

export interface LogMatch {
  /** Index into the lines searched. */
  line: number;
  start: number;
  end: number;
}

/** Every case-insensitive occurrence of `query` in `lines`, in reading order. */
export function findMatches(lines: readonly LogLine[], query: string): LogMatch[] {
  if (query === '') return [];
  const needle = query.toLowerCase();
  const matches: LogMatch[] = [];
  lines.forEach((line, index) => {
    const hay = line.text.toLowerCase();
    let from = hay.indexOf(needle);
    while (from !== -1) {
      matches.push({ line: index, start: from, end: from + needle.length });
      from = hay.indexOf(needle, from + needle.length);
    }
  });
  return matches;
}

/** The next (or previous) match index, wrapping around at either end. */
export function stepMatch(current: number, count: number, direction: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}

/** Matches grouped by line, each group knowing the index of its first match among all of them. */
export function groupMatchesByLine(
  matches: readonly LogMatch[],
): Map<number, { matches: LogMatch[]; firstIndex: number }> {
  const byLine = new Map<number, { matches: LogMatch[]; firstIndex: number }>();
  matches.forEach((m, index) => {
    const group = byLine.get(m.line);
    if (group) group.matches.push(m);
    else byLine.set(m.line, { matches: [m], firstIndex: index });
  });
  return byLine;
}
