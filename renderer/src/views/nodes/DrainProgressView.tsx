// A drain as it goes: evicted out of total, the pods still to go, and how it ended.
import type { DrainState } from './drainStore.ts';

export function DrainProgressView({ drain }: { drain: DrainState }) {
  const p = drain.progress;
  const total = p?.total ?? 0;
  const evicted = p?.evicted ?? 0;
  const percent = total > 0 ? Math.round((evicted / total) * 100) : drain.running ? 0 : 100;
  let summary: string;
  if (drain.error) summary = `Drain failed: ${drain.error}`;
  else if (drain.running)
    summary = p ? `Draining: ${evicted} of ${total} pods evicted` : 'Cordoning the node…';
  else summary = total > 0 ? `Drained: ${evicted} of ${total} pods evicted` : 'Drained: no pods to evict';
  return (
    <div className="drain-progress" data-testid="drain-progress">
      <div
        className="progress"
        role="progressbar"
        aria-label="Drain progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className={drain.error ? 'inline-error' : 'muted'} role={drain.error ? 'alert' : 'status'}>
        {summary}
      </div>
      {drain.running && p && p.remaining.length > 0 && (
        <ul className="drain-remaining">
          {p.remaining.slice(0, 20).map((pod) => (
            <li key={`${pod.namespace}/${pod.name}`} className="mono">
              {pod.namespace}/{pod.name}
            </li>
          ))}
          {p.remaining.length > 20 && <li className="muted">and {p.remaining.length - 20} more</li>}
        </ul>
      )}
    </div>
  );
}
