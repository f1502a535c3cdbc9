// `shoal describe configmap|secret`: data keys and values (config maps) or sizes (secrets), as kubectl.
import type { ConfigMap, Secret } from '../../../shared/model/types.ts';
import { type DescribeContext, writeAnnotations, writeEvents, writeLabels } from './common.ts';
import { DescribeWriter } from './writer.ts';

function writeHeader(w: DescribeWriter, obj: ConfigMap | Secret): void {
  w.field(0, 'Name', obj.metadata.name);
  w.field(0, 'Namespace', obj.metadata.namespace ?? '');
  writeLabels(w, 'Labels', obj.metadata.labels);
  writeAnnotations(w, 'Annotations', obj.metadata.annotations);
}

export function describeConfigMap(cm: ConfigMap, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  writeHeader(w, cm);
  w.write(0, '\nData\n====\n');
  for (const key of Object.keys(cm.data ?? {}).sort()) {
    w.write(0, `${key}:\n----\n${cm.data?.[key] ?? ''}\n\n`);
  }
  w.write(0, '\nBinaryData\n====\n');
  for (const key of Object.keys(cm.binaryData ?? {}).sort()) {
    const bytes = Buffer.from(cm.binaryData?.[key] ?? '', 'base64').length;
    w.write(0, `${key}: ${bytes} bytes\n`);
  }
  w.write(0, '\n');
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}

export function describeSecret(secret: Secret, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  writeHeader(w, secret);
  w.write(0, `\nType:\t${secret.type ?? 'Opaque'}\n\nData\n====\n`);
  for (const key of Object.keys(secret.data ?? {}).sort()) {
    const bytes = Buffer.from(secret.data?.[key] ?? '', 'base64').length;
    w.write(0, `${key}:\t${bytes} bytes\n`);
  }
  writeEvents(w, ctx.events, ctx.now);
  return w.text();
}
