// The event log on disk (`events.json` in the data directory), so `shoal get events` still shows what
// happened after an agent restarts. The file is only a cache: anything wrong with it (not JSON, another
// shape, an invalid event) is logged and left out, and the agent starts with what remains.
import type { Logger } from 'pino';
import { readJsonFile } from '../../shared/files/atomicFile.ts';
import { isRecord } from '../../shared/model/names.ts';
import { acceptEvent, type Event } from './eventObject.ts';

export const EVENT_FILE_NAME = 'events.json';
const FORMAT_VERSION = 1;

export interface StoredEvent {
  /** Recorded by this agent (true) or received from a peer. */
  own: boolean;
  /** Local time (ms) the event was last recorded or received: what its 1 h time to live counts from. */
  touchedAt: number;
  event: Event;
}

export interface EventFileContent {
  /** The log's last resourceVersion, so versions keep growing across restarts. */
  resourceVersion: number;
  entries: StoredEvent[];
}

export function encodeEventFile(content: EventFileContent): string {
  return JSON.stringify({ version: FORMAT_VERSION, ...content });
}

/** The file's events, each checked like a peer's; undefined when there is no file or it is unusable. */
export async function readEventFile(file: string, logger: Logger): Promise<EventFileContent | undefined> {
  let raw: unknown;
  try {
    raw = await readJsonFile(file);
  } catch (err) {
    logger.warn({ err, file }, 'the event log file cannot be read; starting with no events');
    return undefined;
  }
  if (raw === undefined) return undefined;
  if (!isRecord(raw) || raw.version !== FORMAT_VERSION || !Array.isArray(raw.entries)) {
    logger.warn(
      { file },
      `the event log file is not version ${FORMAT_VERSION} of Shoal's format; ignoring it`,
    );
    return undefined;
  }
  const resourceVersion =
    typeof raw.resourceVersion === 'number' &&
    Number.isSafeInteger(raw.resourceVersion) &&
    raw.resourceVersion > 0
      ? raw.resourceVersion
      : 0;
  const entries: StoredEvent[] = [];
  let skipped = 0;
  for (const item of raw.entries) {
    const entry = isRecord(item) ? item : {};
    const accepted = acceptEvent(entry.event);
    if (typeof entry.own !== 'boolean' || typeof entry.touchedAt !== 'number' || !accepted.ok) {
      skipped++;
      continue;
    }
    entries.push({ own: entry.own, touchedAt: entry.touchedAt, event: accepted.event });
  }
  if (skipped > 0) logger.warn({ file, skipped }, 'skipped invalid entries of the event log file');
  return { resourceVersion, entries };
}
