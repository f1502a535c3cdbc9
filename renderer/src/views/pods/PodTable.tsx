// The pods table: kubectl's columns, one memoized row per pod object (the store keeps an unchanged pod's
// identity, so a change to one pod re-renders one row), status computed once per object, and only the rows
// near the viewport rendered when there are many.
import { type KeyboardEvent, memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { objectKey } from '../../../../shared/model/meta.ts';
import type { Pod } from '../../../../shared/model/types.ts';
import { Age } from '../../components/Age.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useNow } from '../../components/useNow.ts';
import { cachedPodSummary, type PodSummary, restartsText } from './podStatus.ts';
import { ROW_HEIGHT, rowWindow } from './podWindow.ts';

export interface PodTableProps {
  pods: readonly Pod[];
  selectedKey: string | undefined;
  showNamespace: boolean;
  onSelect(pod: Pod): void;
}

/** `3 (5m ago)` needs the clock; a pod that never restarted does not subscribe to it. */
function RestartsWithAge({ summary }: { summary: PodSummary }) {
  const now = useNow();
  return <>{restartsText(summary, now)}</>;
}

function onRowKeyDown(event: KeyboardEvent<HTMLTableRowElement>, select: () => void): void {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    select();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const row = event.currentTarget;
    const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
    if (next instanceof HTMLElement && next.tabIndex >= 0) next.focus();
  }
}

interface PodRowProps {
  pod: Pod;
  selected: boolean;
  showNamespace: boolean;
  onSelect(pod: Pod): void;
}

const PodRow = memo(function PodRow({ pod, selected, showNamespace, onSelect }: PodRowProps) {
  const summary = cachedPodSummary(pod);
  const select = () => onSelect(pod);
  const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
  return (
    <tr
      data-testid={`row-pod-${pod.metadata.name}`}
      className={`clickable${selected ? ' selected' : ''}`}
      aria-selected={selected}
      tabIndex={0}
      onClick={select}
      onKeyDown={(e) => onRowKeyDown(e, select)}
    >
      {showNamespace && <td>{pod.metadata.namespace}</td>}
      <td className="mono pod-name" title={pod.metadata.name}>
        {pod.metadata.name}
      </td>
      <td>{summary.ready}</td>
      <td>
        <StatusBadge tone={summary.tone} title={pod.status?.message}>
          {summary.status}
        </StatusBadge>
      </td>
      <td className="num">
        {summary.lastRestartAt === undefined ? summary.restarts : <RestartsWithAge summary={summary} />}
      </td>
      <td className="num">
        <Age timestamp={pod.metadata.creationTimestamp} />
      </td>
      <td>{pod.spec.nodeName ?? <span className="muted">&lt;none&gt;</span>}</td>
      <td className="mono">{ip ?? <span className="muted">&lt;none&gt;</span>}</td>
    </tr>
  );
});

function Spacer({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr className="pod-spacer" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  );
}

export function PodTable({ pods, selectedKey, showNamespace, onSelect }: PodTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setViewport(el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // One state update per frame however many scroll events arrive.
  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setScrollTop(scrollRef.current?.scrollTop ?? 0);
    });
  }, []);

  // A pod selected from elsewhere (a link, a reload) is scrolled into view once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the selection changes
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || selectedKey === undefined) return;
    const index = pods.findIndex((p) => objectKey(p) === selectedKey);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const height = el.clientHeight;
    if (height > 0 && (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + height)) {
      el.scrollTop = Math.max(0, top - height / 2);
      setScrollTop(el.scrollTop);
    }
  }, [selectedKey]);

  const columns = showNamespace ? 8 : 7;
  const win = rowWindow(pods.length, scrollTop, viewport);
  const rows = pods.slice(win.first, win.last);

  return (
    <div className="table-wrap pod-table-scroll" ref={scrollRef} onScroll={onScroll}>
      <table className="table pod-table" aria-label="Pods" aria-rowcount={pods.length}>
        <thead>
          <tr>
            {showNamespace && <th scope="col">NAMESPACE</th>}
            <th scope="col">NAME</th>
            <th scope="col">READY</th>
            <th scope="col">STATUS</th>
            <th scope="col" className="num">
              RESTARTS
            </th>
            <th scope="col" className="num">
              AGE
            </th>
            <th scope="col">NODE</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          <Spacer height={win.padTop} columns={columns} />
          {rows.map((pod) => {
            const key = objectKey(pod);
            return (
              <PodRow
                key={key}
                pod={pod}
                selected={key === selectedKey}
                showNamespace={showNamespace}
                onSelect={onSelect}
              />
            );
          })}
          <Spacer height={win.padBottom} columns={columns} />
        </tbody>
      </table>
    </div>
  );
}
