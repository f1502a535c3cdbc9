// The log text, one memoized element per line: appending lines renders only the new ones, and a search
// re-renders only the lines with matches.
import { memo, type ReactNode } from 'react';
import type { LogLine, LogMatch } from './logBuffer.ts';

export const NO_MATCHES: readonly LogMatch[] = [];

interface LineProps {
  text: string;
  matches: readonly LogMatch[];
  /** Index (within `matches`) of the match the search is on, or -1. */
  activeInLine: number;
}

const Line = memo(function Line({ text, matches, activeInLine }: LineProps) {
  if (matches.length === 0) return <div className="log-line">{text || '\u200b'}</div>;
  const parts: ReactNode[] = [];
  let at = 0;
  matches.forEach((m, i) => {
    if (m.start > at) parts.push(text.slice(at, m.start));
    const active = i === activeInLine;
    parts.push(
      <mark
        key={m.start}
        className={active ? 'log-match active' : 'log-match'}
        data-active-match={active || undefined}
      >
        {text.slice(m.start, m.end)}
      </mark>,
    );
    at = m.end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <div className="log-line">{parts}</div>;
});

export function LogLines({
  lines,
  matchesByLine,
  active,
}: {
  lines: readonly LogLine[];
  matchesByLine: ReadonlyMap<number, { matches: LogMatch[]; firstIndex: number }>;
  /** The active match's index among all matches, or -1. */
  active: number;
}) {
  return (
    <>
      {lines.map((line, index) => {
        const found = matchesByLine.get(index);
        const activeInLine = found && active >= found.firstIndex ? active - found.firstIndex : -1;
        return (
          <Line
            key={line.seq}
            text={line.text}
            matches={found?.matches ?? NO_MATCHES}
            activeInLine={found && activeInLine < found.matches.length ? activeInLine : -1}
          />
        );
      })}
    </>
  );
}
