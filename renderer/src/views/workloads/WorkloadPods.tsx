// The pods a workload's selector picks, each a link to its details in the Pods view.
import { useMemo } from 'react';
import { type LabelSelector, matchesLabelSelector } from '../../../../shared/model/selector.ts';
import { routeHash } from '../../app/router.ts';
import { useObjects } from '../../store/hooks.ts';
import { cachedPodSummary } from '../pods/podStatus.ts';

/** A panel beside a table, not a second table: a long list is cut short. */
const SHOWN_PODS = 50;

export function WorkloadPods({ namespace, selector }: { namespace: string; selector: LabelSelector }) {
  const pods = useObjects('Pod', { allNamespaces: true });
  const selected = useMemo(
    () =>
      pods.filter(
        (p) => p.metadata.namespace === namespace && matchesLabelSelector(selector, p.metadata.labels),
      ),
    [pods, namespace, selector],
  );
  return (
    <section className="details-section" aria-label="Pods">
      <h3>Pods ({selected.length})</h3>
      {selected.length === 0 ? (
        <p className="muted">No pods yet.</p>
      ) : (
        <ul className="pod-link-list">
          {selected.slice(0, SHOWN_PODS).map((pod) => {
            const summary = cachedPodSummary(pod);
            return (
              <li key={pod.metadata.name}>
                <a href={routeHash('pods', namespace, pod.metadata.name)}>{pod.metadata.name}</a>{' '}
                <span className={`tone-${summary.tone}`}>{summary.status}</span>{' '}
                <span className="muted">{summary.ready}</span>
              </li>
            );
          })}
          {selected.length > SHOWN_PODS && (
            <li className="muted">
              and {selected.length - SHOWN_PODS} more in the <a href={routeHash('pods')}>Pods</a> view
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
