// How many pods are in each phase, in the selected namespace; each count opens the Pods view.
import { useMemo } from 'react';
import { routeHash } from '../../app/router.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { podPhaseTone } from '../../components/tones.ts';
import { useClusterStore } from '../../store/clusterStore.ts';
import { useObjects } from '../../store/hooks.ts';

const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;

export function PodPhases() {
  const pods = useObjects('Pod');
  const namespace = useClusterStore((s) => s.namespace);
  const counts = useMemo(() => {
    const byPhase = new Map<string, number>();
    for (const pod of pods) {
      const phase = pod.status?.phase ?? 'Pending';
      byPhase.set(phase, (byPhase.get(phase) ?? 0) + 1);
    }
    return byPhase;
  }, [pods]);

  if (pods.length === 0) {
    return (
      <EmptyState
        title={namespace ? `No pods in ${namespace}` : 'No pods yet'}
        hint={
          <>
            Deploy something from the <a href={routeHash('templates')}>templates</a> or the{' '}
            <a href={routeHash('apply')}>YAML editor</a>.
          </>
        }
      />
    );
  }
  const total = pods.length;
  return (
    <div className="phases">
      <div className="phase-bar" role="img" aria-label="Pods by phase">
        {PHASES.filter((p) => counts.get(p)).map((phase) => (
          <div
            key={phase}
            className={`phase-seg phase-${podPhaseTone(phase)}`}
            style={{ flexGrow: counts.get(phase) ?? 0 }}
            title={`${phase}: ${counts.get(phase)}`}
          />
        ))}
      </div>
      <ul className="phase-list">
        {PHASES.map((phase) => (
          <li key={phase} data-testid={`phase-${phase.toLowerCase()}`}>
            <StatusBadge tone={podPhaseTone(phase)}>{phase}</StatusBadge>
            <span className="phase-count">{counts.get(phase) ?? 0}</span>
            <span className="muted phase-share">{Math.round(((counts.get(phase) ?? 0) / total) * 100)}%</span>
          </li>
        ))}
      </ul>
      <a href={routeHash('pods')}>Open the pods →</a>
    </div>
  );
}
