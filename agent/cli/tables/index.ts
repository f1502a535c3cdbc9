// `shoal get` tables, in kubectl's columns and layout: pure functions from objects to text.
import type { Kind } from '../../../shared/model/kinds.ts';
import type { KubeObject } from '../../../shared/model/meta.ts';
import { resourceName } from '../output.ts';
import { formatLabels } from './cells.ts';
import { configMapColumns, namespaceColumns, nodeColumns, podColumns, secretColumns } from './core.ts';
import { eventColumns } from './events.ts';
import { endpointsColumns, serviceColumns } from './network.ts';
import { GET_TABLE, tabwrite } from './tabwriter.ts';
import type { KindColumns } from './types.ts';
import { daemonSetColumns, deploymentColumns, jobColumns, replicaSetColumns } from './workloads.ts';

export const COLUMNS: Readonly<Record<Kind, KindColumns>> = {
  Namespace: namespaceColumns,
  Node: nodeColumns,
  Pod: podColumns,
  ReplicaSet: replicaSetColumns,
  Deployment: deploymentColumns,
  DaemonSet: daemonSetColumns,
  Job: jobColumns,
  Service: serviceColumns,
  Endpoints: endpointsColumns,
  ConfigMap: configMapColumns,
  Secret: secretColumns,
  Event: eventColumns,
};

export interface TableOptions {
  /** `-o wide`. */
  wide?: boolean;
  /** A NAMESPACE column first (`-A`). */
  withNamespace?: boolean;
  /** NAME as `kind/name`, as kubectl prints when one get asks for several kinds. */
  withKind?: boolean;
  /** A LABELS column last (`--show-labels`). */
  showLabels?: boolean;
  /** The answering agent's service address (see RowContext). */
  serviceAddress?: string;
  now: Date;
}

export interface Table {
  headers: string[];
  rows: string[][];
}

export function tableHeaders(kind: Kind, opts: Omit<TableOptions, 'now'>): string[] {
  const c = COLUMNS[kind];
  let headers = [...c.headers];
  if (opts.wide && c.wideHeaders)
    headers = c.wideReplaces ? [...c.wideHeaders] : [...headers, ...c.wideHeaders];
  if (opts.withNamespace) headers.unshift('NAMESPACE');
  if (opts.showLabels) headers.push('LABELS');
  return headers;
}

export function tableRow(kind: Kind, obj: KubeObject, opts: TableOptions): string[] {
  const c = COLUMNS[kind];
  const name = opts.withKind ? resourceName(kind, obj.metadata.name) : obj.metadata.name;
  let cells: string[];
  if (opts.wide && c.wideRow && c.wideReplaces) cells = c.wideRow(obj, opts.now);
  else {
    const ctx = opts.serviceAddress ? { serviceAddress: opts.serviceAddress } : undefined;
    cells = c.nameless ? c.row(obj, opts.now, ctx) : [name, ...c.row(obj, opts.now, ctx)];
    if (opts.wide && c.wideRow) cells.push(...c.wideRow(obj, opts.now));
  }
  if (opts.withNamespace) cells.unshift(obj.metadata.namespace ?? '');
  if (opts.showLabels) cells.push(formatLabels(obj.metadata.labels));
  return cells;
}

export function buildTable(kind: Kind, objects: readonly KubeObject[], opts: TableOptions): Table {
  return { headers: tableHeaders(kind, opts), rows: objects.map((o) => tableRow(kind, o, opts)) };
}

/** The table as kubectl prints it: tab-aligned, three spaces between columns, no trailing spaces. */
export function renderTable(table: Table, opts: { noHeaders?: boolean } = {}): string {
  const lines = opts.noHeaders ? [] : [table.headers.join('\t')];
  for (const row of table.rows) lines.push(row.join('\t'));
  if (lines.length === 0) return '';
  return tabwrite(`${lines.join('\n')}\n`, GET_TABLE);
}

/**
 * Rows printed after a table, for `--watch`: aligned to the widths already printed (kubectl's tabwriter
 * remembers widths), widened when a cell needs more.
 */
export class WatchTablePrinter {
  #widths: number[] = [];

  constructor(private readonly padding = GET_TABLE.padding) {}

  /** Prints the header and first rows, remembering column widths. */
  start(table: Table, noHeaders = false): string {
    const all = noHeaders ? table.rows : [table.headers, ...table.rows];
    for (const row of all) this.#remember(row);
    return all.map((r) => this.#line(r)).join('');
  }

  row(cells: string[]): string {
    this.#remember(cells);
    return this.#line(cells);
  }

  #remember(cells: string[]): void {
    cells.forEach((c, i) => {
      if (i < cells.length - 1) {
        this.#widths[i] = Math.max(this.#widths[i] ?? GET_TABLE.minWidth, [...c].length + this.padding);
      }
    });
  }

  #line(cells: string[]): string {
    return `${cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(this.#widths[i] ?? 0) : c)).join('')}\n`;
  }
}
