// A pod's logs, live: container choice, follow, how many lines to start from, and a search that highlights
// every match and jumps between them. Chunks are applied once per animation frame; at most ~5,000 lines are
// kept. While following, the view sticks to the bottom unless the user scrolls up. The stream is closed when
// the options change and when the viewer unmounts.

import { type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/SelectField.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { LogLines } from './LogLines.tsx';
import {
  DEFAULT_MAX_LINES,
  findMatches,
  groupMatchesByLine,
  LogBuffer,
  type LogLine,
  stepMatch,
} from './logBuffer.ts';

export const TAIL_CHOICES = [100, 500, 1000, DEFAULT_MAX_LINES] as const;
export const DEFAULT_TAIL = 500;
/** How close to the bottom (px) still counts as "at the bottom" for auto-scroll. */
const STICK_SLACK_PX = 24;

type StreamState = { state: 'open' } | { state: 'ended' } | { state: 'failed'; error: string };

export interface LogViewerProps {
  namespace: string;
  pod: string;
  /** Every container of the pod, init containers included. */
  containers: readonly string[];
  defaultContainer?: string;
  maxLines?: number;
}

export function LogViewer({
  namespace,
  pod,
  containers,
  defaultContainer,
  maxLines = DEFAULT_MAX_LINES,
}: LogViewerProps) {
  const connection = useConnection();
  const [container, setContainer] = useState(defaultContainer ?? containers[0] ?? '');
  const [follow, setFollow] = useState(true);
  const [tailLines, setTailLines] = useState<number>(DEFAULT_TAIL);
  const [attempt, setAttempt] = useState(0);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [stream, setStream] = useState<StreamState>({ state: 'open' });
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  useEffect(() => {
    // `attempt` reopens the stream after a failure (Retry).
    void attempt;
    const buffer = new LogBuffer(maxLines);
    let frame = 0;
    let closed = false;
    const flush = () => {
      frame = 0;
      if (!closed) setLines(buffer.lines());
    };
    setLines([]);
    setStream({ state: 'open' });
    stickToBottom.current = true;
    const handle = connection.logs(
      namespace,
      pod,
      { container: container || undefined, follow, tailLines },
      (text) => {
        buffer.append(text);
        if (frame === 0) frame = requestAnimationFrame(flush);
      },
      (error) => {
        if (closed) return;
        if (frame !== 0) cancelAnimationFrame(frame);
        flush();
        setStream(error ? { state: 'failed', error } : { state: 'ended' });
      },
    );
    return () => {
      closed = true;
      if (frame !== 0) cancelAnimationFrame(frame);
      handle.close();
    };
  }, [connection, namespace, pod, container, follow, tailLines, maxLines, attempt]);

  const matches = useMemo(() => findMatches(lines, query), [lines, query]);
  const matchesByLine = useMemo(() => groupMatchesByLine(matches), [matches]);
  const current = matches.length === 0 ? -1 : Math.min(active, matches.length - 1);

  // Follow the end of the log as it grows, unless the user scrolled up to read.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each batch of lines
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && follow && stickToBottom.current && query === '') el.scrollTop = el.scrollHeight;
  }, [lines]);

  // Bring the active match into view when the user moves to it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the active match or the query changes
  useLayoutEffect(() => {
    if (current < 0) return;
    const mark = scrollRef.current?.querySelector('[data-active-match]');
    if (mark && typeof mark.scrollIntoView === 'function') mark.scrollIntoView({ block: 'center' });
  }, [current, query]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_SLACK_PX;
  };

  const step = (direction: 1 | -1) => setActive(stepMatch(current, matches.length, direction));
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape') setQuery('');
  };

  return (
    <div className="log-viewer">
      <div className="view-toolbar log-toolbar">
        {containers.length > 1 && (
          <SelectField label="Container" value={container} options={containers} onChange={setContainer} />
        )}
        <label className="inline-label">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow
        </label>
        <label className="inline-label">
          Last
          <select value={String(tailLines)} onChange={(e) => setTailLines(Number(e.target.value))}>
            {TAIL_CHOICES.map((n) => (
              <option key={n} value={String(n)}>
                {n} lines
              </option>
            ))}
          </select>
        </label>
        <span className="log-search">
          <input
            type="search"
            className="input"
            aria-label="Search logs"
            placeholder="Search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={onSearchKey}
          />
          <span className="muted log-match-count" aria-live="polite" data-testid="log-match-count">
            {query === '' ? '' : matches.length === 0 ? 'no matches' : `${current + 1} of ${matches.length}`}
          </span>
          <Button
            variant="ghost"
            aria-label="Previous match"
            disabled={matches.length === 0}
            onClick={() => step(-1)}
          >
            ↑
          </Button>
          <Button
            variant="ghost"
            aria-label="Next match"
            disabled={matches.length === 0}
            onClick={() => step(1)}
          >
            ↓
          </Button>
        </span>
      </div>
      <div
        className="log-output mono"
        ref={scrollRef}
        onScroll={onScroll}
        role="log"
        aria-label={`Logs of ${pod}${container ? ` (${container})` : ''}`}
        data-testid="log-output"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it
        tabIndex={0}
      >
        {lines.length === 0 && stream.state === 'open' && <div className="muted">Waiting for log lines…</div>}
        {lines.length === 0 && stream.state === 'ended' && <div className="muted">No log lines.</div>}
        <LogLines lines={lines} matchesByLine={matchesByLine} active={current} />
      </div>
      <div className="log-status">
        {stream.state === 'open' && follow && <span className="muted">Following…</span>}
        {stream.state === 'ended' && follow && <span className="muted">The log stream ended.</span>}
        {stream.state === 'failed' && (
          <span className="inline-error" role="alert">
            {stream.error}{' '}
            <Button variant="ghost" onClick={() => setAttempt((n) => n + 1)}>
              Retry
            </Button>
          </span>
        )}
        {lines.length >= maxLines && <span className="muted">Showing the last {maxLines} lines.</span>}
      </div>
    </div>
  );
}
