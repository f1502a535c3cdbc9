// kubectl describe's PrefixWriter: text at an indentation level (two spaces each), cells separated by tabs,
// aligned by a tabwriter (padding 2) when the text is taken; flush() closes the current alignment blocks.
import { DESCRIBE, tabwrite } from '../tables/tabwriter.ts';

export type Level = 0 | 1 | 2 | 3 | 4;

export class DescribeWriter {
  #pending = '';
  #done = '';

  /** Writes `text` (which may contain tabs and newlines) after the level's indentation. */
  write(level: Level, text: string): void {
    this.#pending += '  '.repeat(level) + text;
  }

  /** `Label:\tvalue` on a line of its own. */
  field(level: Level, label: string, value: string | number | boolean): void {
    this.write(level, `${label}:\t${value}\n`);
  }

  /** Ends the alignment blocks so far, as Go's tabwriter Flush does. */
  flush(): void {
    this.#done += tabwrite(this.#pending, DESCRIBE);
    this.#pending = '';
  }

  text(): string {
    this.flush();
    return this.#done;
  }
}
