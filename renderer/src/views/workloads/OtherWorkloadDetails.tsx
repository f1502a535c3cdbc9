// The selected daemon set or job: images, conditions, pods, and delete. They have no replicas to scale.
import type { DaemonSet, Job } from '../../../../shared/model/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { ActionError } from './ActionError.tsx';
import { DetailsHeader } from './DetailsHeader.tsx';
import { useAction } from './useAction.ts';
import { WorkloadPods } from './WorkloadPods.tsx';

export function OtherWorkloadDetails({ workload, onClose }: { workload: DaemonSet | Job; onClose(): void }) {
  const connection = useConnection();
  const remove = useAction();
  const namespace = workload.metadata.namespace ?? 'default';
  const name = workload.metadata.name;
  const conditions = workload.status?.conditions ?? [];
  // A job's pods are found by its selector when it has one; else by the label the job controller sets.
  const selector = workload.spec.selector ?? { matchLabels: { 'job-name': name } };
  return (
    <aside className="details-panel" aria-label={`${workload.kind} ${name}`} data-testid="workload-details">
      <DetailsHeader kind={workload.kind} namespace={namespace} name={name} onClose={onClose} />
      <dl className="kv">
        <dt>Images</dt>
        <dd className="mono">{workload.spec.template.spec.containers.map((c) => c.image).join(', ')}</dd>
      </dl>
      {conditions.length > 0 && (
        <ul className="condition-list">
          {conditions.map((c) => (
            <li key={c.type}>
              <StatusBadge tone={c.status === 'True' ? 'ok' : 'idle'}>{c.type}</StatusBadge>
              {c.reason && <span className="muted">{c.reason}</span>}
              {c.message && <span>{c.message}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="action-row">
        <ConfirmButton
          busy={remove.pending}
          confirmLabel={`Confirm delete of ${name}`}
          onConfirm={() =>
            void remove.run(async () => {
              await connection.delete(workload.kind, namespace, name);
              onClose();
            })
          }
        >
          Delete
        </ConfirmButton>
      </div>
      <ActionError message={remove.error} onDismiss={remove.clearError} />
      <WorkloadPods namespace={namespace} selector={selector} />
    </aside>
  );
}
