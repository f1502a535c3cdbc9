// A deployment's revision history, as kubectl reads it. The decisions are shared with the dashboard
// (shared/workloads/revisions.ts); the CLI adds kubectl's history table and its `error: ` wording.
import type { Deployment } from '../../../shared/model/types.ts';
import {
  CHANGE_CAUSE_ANNOTATION,
  findRollbackRevision as findShared,
  type Revision,
  RollbackError,
} from '../../../shared/workloads/revisions.ts';
import { CliError } from '../exitCodes.ts';
import { tabwrite } from '../tables/tabwriter.ts';

export {
  CHANGE_CAUSE_ANNOTATION,
  deploymentRevisions,
  equalIgnoringHash,
  POD_TEMPLATE_HASH_LABEL,
  planRollback,
  REVISION_ANNOTATION,
  type Revision,
  type RollbackPlan,
  revisionTemplate,
} from '../../../shared/workloads/revisions.ts';

/** kubectl's `REVISION  CHANGE-CAUSE` table. */
export function historyTable(revisions: readonly Revision[]): string {
  if (revisions.length === 0) return 'No rollout history found.\n';
  let text = 'REVISION\tCHANGE-CAUSE\n';
  for (const r of revisions) {
    const cause = r.replicaSet.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] || '<none>';
    text += `${r.revision}\t${cause}\n`;
  }
  return tabwrite(text, { minWidth: 0, padding: 2 });
}

/** The revision to roll back to (see the shared one), failing with kubectl's `error: …` as a CliError. */
export function findRollbackRevision(
  d: Deployment,
  revisions: readonly Revision[],
  toRevision: number,
): Revision {
  try {
    return findShared(d, revisions, toRevision);
  } catch (err) {
    if (err instanceof RollbackError) throw new CliError(`error: ${err.message}`);
    throw err;
  }
}
