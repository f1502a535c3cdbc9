// Parts every describe shares: times, label and annotation lists, the identity block, owners and events.

import type { KubeObject } from '../../../shared/model/meta.ts';
import type { ProxyStatus } from '../../api/proxyApi.ts';
import type { DescribeWriter } from './writer.ts';

/** What describe needs besides the object: the objects kubectl fetches alongside it. */
export interface DescribeContext {
  now: Date;
  /** Events about the object; undefined prints no Events section. */
  events?: readonly KubeObject[];
  /** A Service's Endpoints. */
  endpoints?: KubeObject;
  /** A Deployment's replica sets (those it owns). */
  replicaSets?: readonly KubeObject[];
  /** The pods running on a Node. */
  pods?: readonly KubeObject[];
  /** The answering agent's service proxy (for a Service: where it listens on this machine). */
  proxy?: ProxyStatus;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Go's time.RFC1123Z in local time: `Mon, 02 Jan 2006 15:04:05 -0700`; an absent time prints Go's zero. */
export function formatTime(timestamp: string | undefined): string {
  const t = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(t)) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(t);
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${DAYS[d.getDay()]}, ${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${sign}${two(Math.trunc(abs / 60))}${two(abs % 60)}`
  );
}

/** printLabelsMultiline: the first `key=value` on the title's line, the others aligned under it. */
export function writeLabels(
  w: DescribeWriter,
  title: string,
  labels: Record<string, string> | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${key}=${labels?.[key]}\n`);
  });
}

const MAX_ANNOTATION_LEN = 140;
const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

function shorten(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** printAnnotationsMultiline: `key: value`; long or multi-line values on lines of their own. */
export function writeAnnotations(
  w: DescribeWriter,
  title: string,
  annotations: Record<string, string> | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIPPED_ANNOTATIONS.has(k))
    .sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = (annotations?.[key] ?? '').replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

/** `ReplicaSet/web-5d4f`, from the controller owner reference. */
export function controlledBy(obj: KubeObject): string | undefined {
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller) ?? undefined;
  return owner ? `${owner.kind}/${owner.name}` : undefined;
}

export { writeEvents } from './events.ts';

/** Name, Namespace (for namespaced objects), Labels, Annotations, CreationTimestamp: the generic header. */
export function writeIdentity(
  w: DescribeWriter,
  obj: KubeObject,
  opts: { creationFirst?: boolean } = {},
): void {
  w.field(0, 'Name', obj.metadata.name);
  if (obj.metadata.namespace) w.field(0, 'Namespace', obj.metadata.namespace);
  if (opts.creationFirst) w.field(0, 'CreationTimestamp', formatTime(obj.metadata.creationTimestamp));
  writeLabels(w, 'Labels', obj.metadata.labels);
  writeAnnotations(w, 'Annotations', obj.metadata.annotations);
  if (!opts.creationFirst) w.field(0, 'CreationTimestamp', formatTime(obj.metadata.creationTimestamp));
}
