// The exec terminal's command line, split into argv the way a shell would for simple input: whitespace
// separates words, single and double quotes group them, a backslash escapes the next character.

export type ParsedCommand = { ok: true; argv: string[] } | { ok: false; error: string };

export const DEFAULT_COMMAND = 'sh';

export function parseCommand(text: string): ParsedCommand {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) return { ok: false, error: `unterminated ${quote} quote in the command` };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { ok: false, error: 'the command is empty' };
  return { ok: true, argv };
}
