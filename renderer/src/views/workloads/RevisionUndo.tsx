// "Undo" with a revision picker: the revisions are the replica sets the deployment owns. The default is
// the previous revision, as `kubectl rollout undo` without --to-revision.
import { useMemo, useState } from 'react';
import type { Deployment, ReplicaSet } from '../../../../shared/model/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { ActionError } from './ActionError.tsx';
import { currentRevision, deploymentRevisions } from './revisions.ts';
import { useAction } from './useAction.ts';

const PREVIOUS = 'previous';

export function RevisionUndo({
  deployment,
  replicaSets,
}: {
  deployment: Deployment;
  replicaSets: readonly ReplicaSet[];
}) {
  const connection = useConnection();
  const action = useAction();
  const revisions = useMemo(() => deploymentRevisions(deployment, replicaSets), [deployment, replicaSets]);
  const current = currentRevision(deployment, revisions);
  const older = revisions.filter((r) => r.revision !== current);
  const [choice, setChoice] = useState(PREVIOUS);
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name;
  const toRevision = choice === PREVIOUS ? undefined : Number(choice);

  return (
    <section className="details-section" aria-label="Revisions">
      <h3>Revisions</h3>
      {revisions.length === 0 ? (
        <p className="muted">No revision history yet.</p>
      ) : (
        <ul className="revision-list">
          {revisions.map((r) => (
            <li key={r.revision} className={r.revision === current ? 'current' : undefined}>
              <span className="revision-number">#{r.revision}</span>
              <span className="mono">{r.images.join(', ')}</span>
              {r.changeCause && <span className="muted">{r.changeCause}</span>}
              {r.revision === current && <span className="muted">(current)</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="action-row">
        <label className="inline-label">
          Roll back to
          <select value={choice} disabled={older.length === 0} onChange={(e) => setChoice(e.target.value)}>
            <option value={PREVIOUS}>Previous revision</option>
            {older.map((r) => (
              <option key={r.revision} value={String(r.revision)}>
                Revision {r.revision} ({r.images.join(', ')})
              </option>
            ))}
          </select>
        </label>
        <ConfirmButton
          variant="danger"
          disabled={older.length === 0}
          busy={action.pending}
          title={older.length === 0 ? 'There is no earlier revision to go back to' : undefined}
          confirmLabel={toRevision === undefined ? 'Confirm undo' : `Confirm undo to revision ${toRevision}`}
          onConfirm={() => void action.run(() => connection.rolloutUndo(namespace, name, toRevision))}
        >
          Undo
        </ConfirmButton>
      </div>
      <ActionError message={action.error} onDismiss={action.clearError} />
    </section>
  );
}
