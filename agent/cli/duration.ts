// Go-style durations as kubectl takes them (`--since=5s`, `--timeout=2m`, `1h30m`, `500ms`).
// Shared by `shoal logs --since` and `shoal delete --timeout`.
import { CliError, EXIT } from './exitCodes.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Milliseconds; a usage error naming the flag when the text is not a duration. */
export function parseDuration(text: string, flag = '--timeout'): number {
  if (!DURATION_RE.test(text))
    throw new CliError(
      `error: invalid argument "${text}" for "${flag}": a duration such as 30s, 5m or 1h30m`,
      EXIT.usage,
    );
  let ms = 0;
  for (const m of text.matchAll(PART_RE)) ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return ms;
}

/** Whole seconds, rounded up; zero is a usage error too. */
export function parseDurationSeconds(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms <= 0) throw new CliError(`error: ${flag} must be greater than zero`, EXIT.usage);
  return Math.ceil(ms / 1000);
}
