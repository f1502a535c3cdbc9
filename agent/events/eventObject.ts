// Events as core/v1 Event objects: built from what the kubelet records, and checked when they come from
// elsewhere (a peer's message, the file on disk). Everything from outside goes through the model's
// validateObject and the caps below, so one bad peer cannot make this agent keep huge or malformed events.
import { randomBytes, randomUUID } from 'node:crypto';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import { isKind, KIND_INFO } from '../../shared/model/kinds.ts';
import type { Uid } from '../../shared/model/meta.ts';
import { dns1123SubdomainErrors, isRecord } from '../../shared/model/names.ts';
import type { Event } from '../../shared/model/types.ts';
import { validateObject } from '../../shared/model/validate.ts';
import type { EventRecord } from './EventRecorder.ts';

export type { Event };

/** events.k8s.io caps an event's note at 1 KiB; longer messages are cut, never refused. */
export const MAX_MESSAGE_CHARS = 1024;
/** events.k8s.io caps the reason at 128 characters. */
export const MAX_REASON_CHARS = 128;
/** An event above this (as JSON, after the message is cut) is refused: no honest event is that large. */
export const MAX_EVENT_JSON_BYTES = 4096;
/** Kubernetes' count is an int32. */
const MAX_COUNT = 2 ** 31 - 1;
/** Where Kubernetes puts events about cluster-scoped objects (Node). */
export const CLUSTER_SCOPED_EVENT_NAMESPACE = 'default';
const NAME_MAX = 253;
const SUFFIX_HEX = 16;

/** Kubernetes' times are whole seconds (metav1.Time): `2024-05-10T12:00:00Z`. */
export function eventTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * `<object name>.<16 hex>`, as Kubernetes names events. The object part is shortened (and trimmed of a
 * trailing dot or dash) so the whole stays a DNS-1123 subdomain; `event.<hex>` when no prefix fits.
 */
export function eventName(objectName: string, suffix = randomBytes(SUFFIX_HEX / 2).toString('hex')): string {
  const prefix = cut(objectName.toLowerCase(), NAME_MAX - SUFFIX_HEX - 1).replace(/[.-]+$/, '');
  const name = `${prefix}.${suffix}`;
  return prefix !== '' && dns1123SubdomainErrors(name).length === 0 ? name : `event.${suffix}`;
}

/** What makes two records "the same event" (Kubernetes' EventAggregator key, minus the source: ours). */
export function aggregationKey(e: Pick<Event, 'involvedObject' | 'type' | 'reason' | 'message'>): string {
  const o = e.involvedObject;
  return JSON.stringify([o.kind, o.namespace, o.name, o.uid, o.fieldPath, e.type, e.reason, e.message]);
}

/** The record as a new Event (count 1), or the reasons it cannot be one. */
export function buildEvent(
  record: EventRecord,
  source: { host: string; component?: string },
  nowMs: number,
): { ok: true; event: Event } | { ok: false; error: string } {
  const o = record.involvedObject;
  // Peers refuse an event without a reason (acceptEvent), so it is refused here too rather than kept alone.
  if (!record.reason) return { ok: false, error: 'reason: Required value' };
  const namespace = o.namespace || CLUSTER_SCOPED_EVENT_NAMESPACE;
  const involvedObject: Event['involvedObject'] = { kind: o.kind, name: o.name };
  if (o.namespace) involvedObject.namespace = o.namespace;
  if (o.uid) involvedObject.uid = o.uid;
  if (isKind(o.kind)) involvedObject.apiVersion = KIND_INFO[o.kind].apiVersion;
  if (o.fieldPath) involvedObject.fieldPath = o.fieldPath;
  const at = eventTime(nowMs);
  const candidate: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: eventName(o.name),
      namespace,
      uid: randomUUID() as Uid,
      creationTimestamp: at,
    },
    involvedObject,
    reason: cut(record.reason, MAX_REASON_CHARS),
    message: cut(record.message, MAX_MESSAGE_CHARS),
    type: record.type,
    source: { component: source.component ?? 'kubelet', host: source.host },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
  return checkEvent(candidate);
}

function checkEvent(raw: unknown): { ok: true; event: Event } | { ok: false; error: string } {
  const result = validateObject(raw);
  if (!result.ok) return { ok: false, error: result.errors.map(formatFieldError).join('; ') };
  if (result.object.kind !== 'Event') return { ok: false, error: `kind is ${result.object.kind}, not Event` };
  return { ok: true, event: result.object };
}

/**
 * An event from outside (a peer, the file), checked and capped: a valid core/v1 Event with a namespace,
 * a name and a reason; message and reason cut to Kubernetes' limits, count kept within an int32, our own
 * resourceVersion removed (the log assigns its own). Refused when it is not an Event or is too large.
 */
export function acceptEvent(raw: unknown): { ok: true; event: Event } | { ok: false; error: string } {
  if (!isRecord(raw)) return { ok: false, error: 'an event must be a JSON object' };
  if (raw.kind !== 'Event')
    return { ok: false, error: `kind must be Event, not ${JSON.stringify(raw.kind)}` };
  const checked = checkEvent(raw);
  if (!checked.ok) return checked;
  const event = structuredClone(checked.event);
  if (!event.metadata.namespace) return { ok: false, error: 'metadata.namespace: Required value' };
  if (!event.reason) return { ok: false, error: 'reason: Required value' };
  if (!event.firstTimestamp && !event.lastTimestamp && !event.eventTime)
    return { ok: false, error: 'lastTimestamp: Required value' };
  delete event.metadata.resourceVersion;
  event.reason = cut(event.reason, MAX_REASON_CHARS);
  if (event.message !== undefined) event.message = cut(event.message, MAX_MESSAGE_CHARS);
  event.count = Math.min(Math.max(event.count ?? 1, 1), MAX_COUNT);
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > MAX_EVENT_JSON_BYTES)
    return { ok: false, error: `the event is ${bytes} bytes of JSON, above ${MAX_EVENT_JSON_BYTES}` };
  return { ok: true, event };
}

/** When an event last happened, in ms (0 when it carries no time). */
export function lastSeenMs(e: Pick<Event, 'lastTimestamp' | 'eventTime' | 'firstTimestamp'>): number {
  const t = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** Freezes an event all the way down, so handing it to readers (list, watch) is safe. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
