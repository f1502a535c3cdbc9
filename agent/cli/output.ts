// How objects are printed: `-o json|yaml|name`, and kubectl's `kind.group/name verb` lines.
import { stringify } from 'yaml';
import { KIND_INFO, type Kind } from '../../shared/model/kinds.ts';
import type { AnyObject } from '../../shared/model/types.ts';
import { CliError, EXIT } from './exitCodes.ts';

export const OUTPUT_FORMATS = ['json', 'yaml', 'name', 'wide'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(
  value: string | undefined,
  allowed: readonly OutputFormat[],
): OutputFormat | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(
      `error: unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed.join(',')}`,
      EXIT.usage,
    );
  }
  return value as OutputFormat;
}

/** `deployment.apps/web`, as kubectl names an object. */
export function resourceName(kind: Kind, name: string): string {
  const info = KIND_INFO[kind];
  const group = info.apiVersion.includes('/') ? `.${info.apiVersion.split('/')[0]}` : '';
  return `${kind.toLowerCase()}${group}/${name}`;
}

/** One object as itself, several as a Kubernetes `List`, as kubectl prints them. */
export function formatObjects(objects: readonly AnyObject[], format: 'json' | 'yaml'): string {
  const value =
    objects.length === 1
      ? objects[0]
      : { apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } };
  return format === 'json' ? `${JSON.stringify(value, null, 4)}\n` : stringify(value, { lineWidth: 0 });
}
