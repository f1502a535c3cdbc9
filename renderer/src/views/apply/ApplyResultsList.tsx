// The server's answer to an apply, one line per object, as kubectl prints it.
import type { ApplyResponse } from '../../connection/ClusterConnection.ts';
import { describeApplyResult } from './applyResults.ts';

export interface ApplyOutcome {
  response: ApplyResponse;
  dryRun: boolean;
}

export function ApplyResultsList({ outcome }: { outcome: ApplyOutcome }) {
  const lines = outcome.response.results.map((r) => describeApplyResult(r, outcome.dryRun));
  const failed = lines.filter((l) => !l.ok).length;
  return (
    <section className="apply-results" aria-label={outcome.dryRun ? 'Dry run results' : 'Apply results'}>
      <h3>
        {outcome.dryRun ? 'Dry run' : 'Applied'}
        {failed > 0 ? ` — ${failed} of ${lines.length} failed` : ''}
      </h3>
      <ul data-testid="apply-results">
        {lines.map((line, i) => (
          <li
            // Results are positional: the i-th answers the i-th object sent.
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole, never reordered
            key={i}
            data-testid="apply-result"
            className={line.ok ? 'apply-result ok' : 'apply-result failed'}
          >
            <span className="apply-result-resource">{line.resource}</span>{' '}
            <span className="apply-result-text">{line.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
