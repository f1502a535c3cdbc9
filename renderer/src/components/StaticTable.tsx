// A small fixed table (ports, endpoints, capacity): column headings and the rows the caller renders. The
// sortable, clickable tables of the views are Table.tsx.
import type { ReactNode } from 'react';

export function StaticTable({
  label,
  headers,
  className = 'table',
  children,
}: {
  label: string;
  headers: readonly string[];
  className?: string;
  /** The `<tr>` rows. */
  children: ReactNode;
}) {
  return (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
