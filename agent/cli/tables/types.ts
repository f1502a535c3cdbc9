// How a kind's table is described: its headers and how to fill a row, plain and wide.
import type { KubeObject } from '../../../shared/model/meta.ts';

/** What a row may need besides the object: facts about the agent that answered. */
export interface RowContext {
  /** Where the answering agent serves Services (shown as a Service's address when it has no cluster IP). */
  serviceAddress?: string;
}

export interface KindColumns {
  /** Headers, NAME first (unless `nameless`). */
  headers: string[];
  /** The cells after NAME (every cell when `nameless`). */
  row(obj: KubeObject, now: Date, ctx?: RowContext): string[];
  /** Headers `-o wide` appends (or, with `wideReplaces`, uses instead of `headers`). */
  wideHeaders?: string[];
  wideRow?(obj: KubeObject, now: Date): string[];
  wideReplaces?: boolean;
  /** Events have no NAME column in kubectl's plain table. */
  nameless?: boolean;
}
