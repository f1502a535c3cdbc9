// A deployment's rollout, live from the store: bars of updated, ready and available replicas against the
// desired count, kubectl's `rollout status` line, and the Progressing/Available conditions' messages.
import type { Deployment } from '../../../../shared/model/types.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { percentOf, rolloutProgress } from './rolloutProgress.ts';

function Bar({ label, count, desired }: { label: string; count: number; desired: number }) {
  return (
    <div className="rollout-bar">
      <span className="rollout-bar-label">{label}</span>
      <div
        className="progress rollout-bar-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={desired}
        aria-valuenow={count}
        aria-valuetext={`${count} of ${desired}`}
      >
        <div className="progress-fill" style={{ width: `${percentOf(count, desired)}%` }} />
      </div>
      <span className="rollout-bar-count">
        {count}/{desired}
      </span>
    </div>
  );
}

export function RolloutProgressPanel({ deployment }: { deployment: Deployment }) {
  const progress = rolloutProgress(deployment);
  const tone = progress.failed ? 'error' : progress.done ? 'ok' : 'warn';
  return (
    <section className="details-section" aria-label="Rollout progress">
      <h3>Rollout</h3>
      <p className="rollout-message" data-testid="rollout-message">
        <StatusBadge tone={tone}>
          {progress.failed ? 'Failed' : progress.done ? 'Complete' : 'In progress'}
        </StatusBadge>{' '}
        {progress.message}
      </p>
      <Bar label="Updated" count={progress.updated} desired={progress.desired} />
      <Bar label="Ready" count={progress.ready} desired={progress.desired} />
      <Bar label="Available" count={progress.available} desired={progress.desired} />
      {progress.conditions.length > 0 && (
        <ul className="condition-list">
          {progress.conditions.map((c) => (
            <li key={c.type}>
              <StatusBadge tone={c.status === 'True' ? 'ok' : c.status === 'False' ? 'error' : 'idle'}>
                {c.type}
              </StatusBadge>
              {c.reason && <span className="muted">{c.reason}</span>}
              {c.message && <span>{c.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
