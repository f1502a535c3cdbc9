// Agent logs go to stderr: structured JSON for machines, or pino-pretty's readable lines for people.
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

export function createLogger(opts: { format?: LogFormat; level?: string; name?: string } = {}): Logger {
  const level = opts.level ?? process.env.SHOAL_LOG_LEVEL ?? 'info';
  const base = { name: opts.name ?? 'shoal' };
  if ((opts.format ?? 'pretty') === 'json') return pino({ level, base }, pino.destination(2));
  return pino(
    { level, base },
    pretty({
      destination: 2,
      colorize: process.stderr.isTTY,
      ignore: 'pid,hostname,name',
      translateTime: 'HH:MM:ss.l',
    }),
  );
}
