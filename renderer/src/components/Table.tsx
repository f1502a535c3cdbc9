// The table every list view uses. Rows are memoized by object identity: the store keeps an unchanged
// object's identity across changes, so a change to one pod among 1,000 re-renders one row. For that to
// hold, pass `columns` defined once (module constant or useMemo), not a new array each render.
import { type KeyboardEvent, memo, type ReactNode, useCallback, useMemo, useRef, useState } from 'react';

export interface Column<T> {
  /** Stable id of the column (React key, sort state). */
  key: string;
  header: ReactNode;
  /** The cell's content. */
  render: (row: T) => ReactNode;
  /** When set, clicking the header sorts by this value. */
  sortValue?: (row: T) => string | number;
  /** Right-aligned numbers, narrow status columns… */
  align?: 'left' | 'right' | 'center';
  width?: string;
  className?: string;
}

export interface TableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  selectedKey?: string;
  /** Shown instead of the table when there are no rows (an EmptyState, usually). */
  empty?: ReactNode;
  /** `data-testid` of a row; by default `row-<kind>-<name>` for Kubernetes objects, lowercase kind. */
  rowTestId?: (row: T) => string | undefined;
  /** Accessible name of the table. */
  label?: string;
  className?: string;
}

type SortState = { key: string; descending: boolean } | undefined;

function defaultRowTestId(row: unknown): string | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const { kind, metadata } = row as { kind?: unknown; metadata?: { name?: unknown } };
  if (typeof kind !== 'string' || typeof metadata?.name !== 'string') return undefined;
  return `row-${kind.toLowerCase()}-${metadata.name}`;
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Arrow keys move between clickable rows; Enter and Space select. */
function onRowKeyDown(event: KeyboardEvent<HTMLTableRowElement>, select: () => void): void {
  const row = event.currentTarget;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    select();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
    if (next instanceof HTMLElement) next.focus();
  }
}

interface RowProps<T> {
  row: T;
  columns: readonly Column<T>[];
  selected: boolean;
  testId: string | undefined;
  clickable: boolean;
  onRowClick: (row: T) => void;
}

function RowView<T>({ row, columns, selected, testId, clickable, onRowClick }: RowProps<T>) {
  const select = () => onRowClick(row);
  return (
    <tr
      data-testid={testId}
      className={`${clickable ? 'clickable' : ''}${selected ? ' selected' : ''}`}
      aria-selected={clickable ? selected : undefined}
      tabIndex={clickable ? 0 : undefined}
      onClick={clickable ? select : undefined}
      onKeyDown={clickable ? (e) => onRowKeyDown(e, select) : undefined}
    >
      {columns.map((c) => (
        <td key={c.key} className={c.className} style={c.align ? { textAlign: c.align } : undefined}>
          {c.render(row)}
        </td>
      ))}
    </tr>
  );
}

const Row = memo(RowView) as typeof RowView;

export function Table<T>({
  columns,
  rows,
  rowKey,
  onRowClick,
  selectedKey,
  empty,
  rowTestId,
  label,
  className,
}: TableProps<T>) {
  const [sort, setSort] = useState<SortState>(undefined);
  // Views usually pass an inline handler; a stable one keeps the memoized rows from re-rendering.
  const clickRef = useRef(onRowClick);
  clickRef.current = onRowClick;
  const stableClick = useCallback((row: T) => clickRef.current?.(row), []);
  const sortColumn = sort ? columns.find((c) => c.key === sort.key) : undefined;
  const sorted = useMemo(() => {
    const by = sortColumn?.sortValue;
    if (!by) return rows;
    const direction = sort?.descending ? -1 : 1;
    return [...rows].sort((a, b) => direction * compare(by(a), by(b)));
  }, [rows, sortColumn, sort?.descending]);

  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;

  const testIdOf = rowTestId ?? defaultRowTestId;
  const toggleSort = (key: string) =>
    setSort((s) =>
      s?.key === key ? (s.descending ? undefined : { key, descending: true }) : { key, descending: false },
    );

  return (
    <div className={`table-wrap ${className ?? ''}`}>
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const sortedHere = sort?.key === c.key;
              const ariaSort = sortedHere ? (sort?.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={ariaSort}
                  style={{ width: c.width, textAlign: c.align }}
                  className={c.className}
                >
                  {c.sortValue ? (
                    <button type="button" className="th-sort" onClick={() => toggleSort(c.key)}>
                      {c.header}
                      <span className="th-sort-mark" aria-hidden="true">
                        {sortedHere ? (sort?.descending ? '▾' : '▴') : ''}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const key = rowKey(row);
            return (
              <Row
                key={key}
                row={row}
                columns={columns}
                selected={selectedKey !== undefined && key === selectedKey}
                testId={testIdOf(row)}
                clickable={onRowClick !== undefined}
                onRowClick={stableClick}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
