// The server's apply results in kubectl's words: `deployment.apps/web created`, or the server's error.

import { isKind, KIND_INFO } from '../../../../shared/model/kinds.ts';
import type { ApplyResponse } from '../../connection/ClusterConnection.ts';

export type ApplyResult = ApplyResponse['results'][number];

export interface ApplyResultLine {
  readonly ok: boolean;
  /** `deployment.apps/web` (`web` when the server could not tell the kind). */
  readonly resource: string;
  /** `created`, `configured (dry run)`, or the server's message. */
  readonly text: string;
}

/** `deployment.apps/web`, as kubectl names a resource. */
export function resourceName(kind: string | undefined, name: string | undefined): string {
  const shown = name ?? '<unnamed>';
  if (kind === undefined) return shown;
  if (!isKind(kind)) return `${kind.toLowerCase()}/${shown}`;
  const apiVersion = KIND_INFO[kind].apiVersion;
  const group = apiVersion.includes('/') ? `.${apiVersion.split('/')[0]}` : '';
  return `${kind.toLowerCase()}${group}/${shown}`;
}

export function describeApplyResult(result: ApplyResult, dryRun: boolean): ApplyResultLine {
  if ('error' in result) {
    const reason = result.error.reason ?? 'Unknown';
    return {
      ok: false,
      resource: resourceName(result.kind, result.name),
      text: `Error from server (${reason}): ${result.error.message ?? 'the server gave no reason'}`,
    };
  }
  return {
    ok: true,
    resource: resourceName(result.object.kind, result.object.metadata.name),
    text: `${result.action}${dryRun ? ' (server dry run)' : ''}`,
  };
}
