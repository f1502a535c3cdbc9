// The fallback describe (kubectl's generic describer for kinds without their own): the identity block, then
// every other top-level field as nested `Label:  value` lines, keys turned into words (`minReadySeconds` is
// `Min Ready Seconds`).
import type { KubeObject } from '../../../shared/model/meta.ts';
import { type DescribeContext, writeEvents, writeIdentity } from './common.ts';
import { DescribeWriter } from './writer.ts';

/** `camelCase` → `Camel Case`, as kubectl's smartLabelFor; keys with dots or slashes are kept as they are. */
export function smartLabel(key: string): string {
  if (/[./]/.test(key)) return key;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writeValue(w: DescribeWriter, level: number, label: string, value: unknown): void {
  const indent = '  '.repeat(level);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      w.write(0, `${indent}${label}:\t<none>\n`);
      return;
    }
    w.write(0, `${indent}${label}:\n`);
    for (const item of value) {
      if (isObject(item)) {
        const entries = Object.entries(item);
        entries.forEach(([k, v], i) => {
          const prefix = i === 0 ? '- ' : '  ';
          if (isObject(v) || Array.isArray(v)) {
            w.write(0, `${indent}  ${prefix}${smartLabel(k)}:\n`);
            for (const [k2, v2] of Object.entries(v)) writeValue(w, level + 3, smartLabel(k2), v2);
          } else w.write(0, `${indent}  ${prefix}${smartLabel(k)}:\t${scalar(v)}\n`);
        });
      } else {
        w.write(0, `${indent}  ${scalar(item)}\n`);
      }
    }
    return;
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      w.write(0, `${indent}${label}:\t<none>\n`);
      return;
    }
    w.write(0, `${indent}${label}:\n`);
    for (const [k, v] of entries) writeValue(w, level + 1, smartLabel(k), v);
    return;
  }
  w.write(0, `${indent}${label}:\t${scalar(value)}\n`);
}

const ENVELOPE = new Set(['apiVersion', 'kind', 'metadata']);

export function describeGeneric(obj: KubeObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  writeIdentity(w, obj);
  for (const [key, value] of Object.entries(obj)) {
    if (ENVELOPE.has(key) || value === undefined) continue;
    writeValue(w, 0, smartLabel(key), value);
  }
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}
